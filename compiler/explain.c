/*
 * explain.c - the text of `fsql explain`: a plan as an indented operator
 * tree, in the style of Flink's EXPLAIN.
 *
 * One operator per line with its bracketed attributes; children indented
 * under "+- " (last child) and ":- " (other children).  A node with
 * several consumers is printed in full the first time, with
 * reuse_id=[k], and as Reused(id=[k]) afterwards.  Expressions print with
 * the column names of the operator's input.
 *
 * This text is a golden-test surface (tests/plan/): keep it stable, and
 * keep docs/explain.md in step with every attribute printed here.
 */
#include "runtime/fsql.h"
#include "compiler/plan.h"
#include "compiler/catalog.h"
#include "compiler/functions.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const pnode_names[] = {
#define X(k, s) s,
    PNODE_KINDS(X)
#undef X
};

const char *pnode_kind_name(PNodeKind k)
{
    return (unsigned)k < PN_KIND_COUNT ? pnode_names[k] : "?";
}

const char *changelog_mode_text(ChangelogMode m)
{
    switch (m) {
    case CL_INSERT_ONLY:
        return "I";
    case CL_RETRACT:
        return "I,UB,UA,D";
    case CL_UPSERT:
        return "I,UA,D";
    }
    return "?";
}

const char *pjoin_type_name(PJoinType t)
{
    switch (t) {
    case PJ_INNER:
        return "InnerJoin";
    case PJ_LEFT:
        return "LeftOuterJoin";
    case PJ_RIGHT:
        return "RightOuterJoin";
    case PJ_FULL:
        return "FullOuterJoin";
    }
    return "?";
}

const char *pwindow_kind_name(PWindowKind k)
{
    switch (k) {
    case PW_TUMBLE:
        return "TUMBLE";
    case PW_HOP:
        return "HOP";
    case PW_SESSION:
        return "SESSION";
    case PW_CUMULATE:
        return "CUMULATE";
    }
    return "?";
}

/* ---- expressions ---------------------------------------------------------- */

static void put_str(StrBuf *out, Str s)
{
    strbuf_append(out, s.ptr ? s.ptr : "", s.len);
}

static void put_quoted(StrBuf *out, Str s)
{
    strbuf_putc(out, '\'');
    for (size_t i = 0; i < s.len; i++) {
        if (s.ptr[i] == '\'')
            strbuf_putc(out, '\'');
        strbuf_putc(out, s.ptr[i]);
    }
    strbuf_putc(out, '\'');
}

static void put_interval_ms(StrBuf *out, int64_t ms)
{
    const char *sign = ms < 0 ? "-" : "";
    if (ms < 0)
        ms = -ms;
    static const struct {
        int64_t ms;
        const char *unit;
    } units[] = {{86400000, "DAY"}, {3600000, "HOUR"}, {60000, "MINUTE"},
                 {1000, "SECOND"}};
    for (size_t i = 0; i < 4; i++)
        if (ms && ms % units[i].ms == 0) {
            strbuf_printf(out, "INTERVAL '%s%lld' %s", sign,
                          (long long)(ms / units[i].ms), units[i].unit);
            return;
        }
    strbuf_printf(out, "INTERVAL '%s%lld.%03lld' SECOND", sign,
                  (long long)(ms / 1000), (long long)(ms % 1000));
}

static void put_lit(StrBuf *out, const PExpr *e)
{
    const PLit *l = &e->lit;
    switch (l->kind) {
    case PL_NULL:
        strbuf_puts(out, "NULL");
        break;
    case PL_BOOL:
        strbuf_puts(out, l->v.b ? "TRUE" : "FALSE");
        break;
    case PL_INT:
        strbuf_printf(out, "%lld", (long long)l->v.i);
        break;
    case PL_DECIMAL:
    case PL_DOUBLE:
        put_str(out, l->text);
        break;
    case PL_STRING:
        put_quoted(out, l->text);
        break;
    case PL_BYTES:
        strbuf_puts(out, "X'");
        for (size_t i = 0; i < l->text.len; i++)
            strbuf_printf(out, "%02X", (unsigned char)l->text.ptr[i]);
        strbuf_putc(out, '\'');
        break;
    case PL_DATE:
        strbuf_puts(out, "DATE ");
        put_quoted(out, l->text);
        break;
    case PL_TIME:
        strbuf_puts(out, "TIME ");
        put_quoted(out, l->text);
        break;
    case PL_TIMESTAMP:
        strbuf_puts(out, "TIMESTAMP ");
        put_quoted(out, l->text);
        break;
    case PL_INTERVAL_MS:
        put_interval_ms(out, l->v.i);
        break;
    case PL_INTERVAL_MONTHS:
        if (l->v.i % 12 == 0)
            strbuf_printf(out, "INTERVAL '%lld' YEAR", (long long)(l->v.i / 12));
        else
            strbuf_printf(out, "INTERVAL '%lld' MONTH", (long long)l->v.i);
        break;
    case PL_SYMBOL:
        strbuf_puts(out, time_unit_name(e->unit));
        break;
    }
}

static void put_col(StrBuf *out, int32_t idx, const RelSchema *in)
{
    if (in && idx >= 0 && (uint32_t)idx < in->n_cols && in->cols[idx].name.len)
        put_str(out, in->cols[idx].name);
    else
        strbuf_printf(out, "$%d", (int)idx);
}

static void put_args(StrBuf *out, const PExpr *e, uint32_t from,
                     const RelSchema *in)
{
    for (uint32_t i = from; i < e->n_args; i++) {
        if (i > from)
            strbuf_puts(out, ", ");
        explain_expr(out, e->args[i], in);
    }
}

static void put_type(StrBuf *out, const SqlType *t)
{
    /* type_to_string needs an arena; a small local one is enough. */
    Arena a;
    arena_init(&a, 256);
    strbuf_puts(out, type_to_string(&a, t));
    arena_fini(&a);
}

void explain_expr(StrBuf *out, const PExpr *e, const RelSchema *in)
{
    if (!e) {
        strbuf_puts(out, "NULL");
        return;
    }
    switch (e->kind) {
    case PE_INPUT_REF:
        if (e->var.len) {
            put_str(out, e->var);
            strbuf_putc(out, '.');
        }
        put_col(out, e->idx, in);
        return;
    case PE_LITERAL:
        put_lit(out, e);
        return;
    case PE_CASE:
        strbuf_puts(out, "CASE");
        for (uint32_t i = 0; i + 1 < e->n_args; i += 2) {
            strbuf_puts(out, " WHEN ");
            explain_expr(out, e->args[i], in);
            strbuf_puts(out, " THEN ");
            explain_expr(out, e->args[i + 1], in);
        }
        if (e->n_args % 2 == 1) {
            const PExpr *el = e->args[e->n_args - 1];
            if (!(el->kind == PE_LITERAL && el->lit.kind == PL_NULL)) {
                strbuf_puts(out, " ELSE ");
                explain_expr(out, el, in);
            }
        }
        strbuf_puts(out, " END");
        return;
    case PE_CAST:
        strbuf_puts(out, e->is_try ? "TRY_CAST(" : "CAST(");
        explain_expr(out, e->n_args ? e->args[0] : NULL, in);
        strbuf_puts(out, " AS ");
        put_type(out, e->type);
        strbuf_putc(out, ')');
        return;
    case PE_IN_LIST:
        strbuf_putc(out, '(');
        explain_expr(out, e->args[0], in);
        strbuf_puts(out, e->is_not ? " NOT IN (" : " IN (");
        put_args(out, e, 1, in);
        strbuf_puts(out, "))");
        return;
    case PE_AGG_CALL:
        put_str(out, e->name);
        strbuf_putc(out, '(');
        if (e->is_distinct)
            strbuf_puts(out, "DISTINCT ");
        if (!e->n_args)
            strbuf_putc(out, '*');
        put_args(out, e, 0, in);
        strbuf_putc(out, ')');
        return;
    case PE_SUBQUERY:
        strbuf_puts(out, "$subquery");
        return;
    case PE_CALL:
        break;
    default:
        strbuf_puts(out, "?");
        return;
    }
    switch (e->op) {
    case PO_ADD:
    case PO_SUB:
    case PO_MUL:
    case PO_DIV:
    case PO_MOD:
    case PO_CONCAT:
    case PO_EQ:
    case PO_NE:
    case PO_LT:
    case PO_LE:
    case PO_GT:
    case PO_GE:
    case PO_AND:
    case PO_OR:
    case PO_IS_DISTINCT_FROM:
    case PO_IS_NOT_DISTINCT_FROM:
        strbuf_putc(out, '(');
        for (uint32_t i = 0; i < e->n_args; i++) {
            if (i)
                strbuf_printf(out, " %s ", pop_text(e->op));
            explain_expr(out, e->args[i], in);
        }
        strbuf_putc(out, ')');
        return;
    case PO_NOT:
        strbuf_puts(out, "NOT(");
        explain_expr(out, e->args[0], in);
        strbuf_putc(out, ')');
        return;
    case PO_NEG:
        strbuf_puts(out, "-(");
        explain_expr(out, e->args[0], in);
        strbuf_putc(out, ')');
        return;
    case PO_IS_NULL:
    case PO_IS_NOT_NULL:
    case PO_IS_TRUE:
    case PO_IS_NOT_TRUE:
    case PO_IS_FALSE:
    case PO_IS_NOT_FALSE:
        strbuf_putc(out, '(');
        explain_expr(out, e->args[0], in);
        strbuf_printf(out, " %s)", pop_text(e->op));
        return;
    case PO_BETWEEN:
    case PO_NOT_BETWEEN:
        strbuf_putc(out, '(');
        explain_expr(out, e->args[0], in);
        strbuf_printf(out, " %s ", pop_text(e->op));
        explain_expr(out, e->args[1], in);
        strbuf_puts(out, " AND ");
        explain_expr(out, e->args[2], in);
        strbuf_putc(out, ')');
        return;
    case PO_LIKE:
    case PO_NOT_LIKE:
    case PO_SIMILAR:
    case PO_NOT_SIMILAR:
        strbuf_putc(out, '(');
        explain_expr(out, e->args[0], in);
        strbuf_printf(out, " %s ", pop_text(e->op));
        explain_expr(out, e->args[1], in);
        if (e->n_args > 2) {
            strbuf_puts(out, " ESCAPE ");
            explain_expr(out, e->args[2], in);
        }
        strbuf_putc(out, ')');
        return;
    case PO_EXTRACT:
        strbuf_printf(out, "EXTRACT(%s FROM ", time_unit_name(e->unit));
        explain_expr(out, e->args[0], in);
        strbuf_putc(out, ')');
        return;
    case PO_ROW:
        strbuf_puts(out, "ROW(");
        put_args(out, e, 0, in);
        strbuf_putc(out, ')');
        return;
    case PO_ARRAY:
    case PO_MAP:
        strbuf_puts(out, e->op == PO_ARRAY ? "ARRAY[" : "MAP[");
        put_args(out, e, 0, in);
        strbuf_putc(out, ']');
        return;
    case PO_ITEM:
        explain_expr(out, e->args[0], in);
        strbuf_putc(out, '[');
        explain_expr(out, e->args[1], in);
        strbuf_putc(out, ']');
        return;
    case PO_FIELD:
        explain_expr(out, e->args[0], in);
        strbuf_putc(out, '.');
        put_str(out, e->name);
        return;
    case PO_FUNC:
    default:
        if (e->n_args >= 1 && (str_eq_cstr(e->name, "$TRIM_LEADING") ||
                               str_eq_cstr(e->name, "$TRIM_TRAILING"))) {
            strbuf_puts(out, e->name.ptr[6] == 'L' ? "TRIM(LEADING "
                                                   : "TRIM(TRAILING ");
            if (e->n_args == 2) {
                explain_expr(out, e->args[0], in);
                strbuf_putc(out, ' ');
            }
            strbuf_puts(out, "FROM ");
            explain_expr(out, e->args[e->n_args - 1], in);
            strbuf_putc(out, ')');
            return;
        }
        put_str(out, e->name);
        if (!e->n_args && e->func && (e->func->flags & FUNC_NILADIC))
            return;
        strbuf_putc(out, '(');
        put_args(out, e, 0, in);
        strbuf_putc(out, ')');
        return;
    }
}

/* ---- node attributes --------------------------------------------------------- */

typedef struct Line {
    StrBuf *out;
    bool first;
} Line;

static void attr(Line *l, const char *name)
{
    if (!l->first)
        strbuf_puts(l->out, ", ");
    l->first = false;
    strbuf_printf(l->out, "%s=[", name);
}

static void attr_end(Line *l)
{
    strbuf_putc(l->out, ']');
}

static void attr_text(Line *l, const char *name, const char *text)
{
    attr(l, name);
    strbuf_puts(l->out, text);
    attr_end(l);
}

static void attr_str(Line *l, const char *name, Str s)
{
    attr(l, name);
    put_str(l->out, s);
    attr_end(l);
}

static void attr_expr(Line *l, const char *name, const PExpr *e,
                      const RelSchema *in)
{
    if (!e)
        return;
    attr(l, name);
    explain_expr(l->out, e, in);
    attr_end(l);
}

static void attr_names(Line *l, const char *name, const RelSchema *r)
{
    attr(l, name);
    for (uint32_t i = 0; i < r->n_cols; i++) {
        if (i)
            strbuf_puts(l->out, ", ");
        put_str(l->out, r->cols[i].name);
    }
    attr_end(l);
}

static void attr_exprs(Line *l, const char *name, uint32_t n,
                       PExpr *const *xs, const RelSchema *in)
{
    attr(l, name);
    for (uint32_t i = 0; i < n; i++) {
        if (i)
            strbuf_puts(l->out, ", ");
        explain_expr(l->out, xs[i], in);
    }
    attr_end(l);
}

static void put_duration(StrBuf *out, int64_t ms)
{
    explain_duration(out, ms);
}

/* Table options except 'connector' (and keys starting with skip_prefix);
 * secrets as ******. */
static void attr_options(Line *l, const CatTable *t, const char *skip_prefix)
{
    bool any = false;
    for (uint32_t i = 0; i < t->n_opts; i++) {
        const CatOption *o = &t->opts[i];
        if (str_eq_cstr(o->key, "connector"))
            continue;
        if (skip_prefix && o->key.len >= strlen(skip_prefix)
            && strncmp(o->key.ptr, skip_prefix, strlen(skip_prefix)) == 0)
            continue;
        if (!any)
            attr(l, "options");
        else
            strbuf_puts(l->out, ", ");
        any = true;
        put_str(l->out, o->key);
        strbuf_putc(l->out, '=');
        if (o->is_secret)
            strbuf_puts(l->out, "******");
        else
            put_str(l->out, o->value);
    }
    if (any)
        attr_end(l);
}

static void attr_sort(Line *l, const char *name, const PSortKey *k, uint32_t n,
                      const RelSchema *in)
{
    attr(l, name);
    for (uint32_t i = 0; i < n; i++) {
        if (i)
            strbuf_puts(l->out, ", ");
        put_col(l->out, k[i].col, in);
        strbuf_puts(l->out, k[i].is_desc ? " DESC" : " ASC");
        if (k[i].nulls == 1)
            strbuf_puts(l->out, " NULLS FIRST");
        else if (k[i].nulls == 2)
            strbuf_puts(l->out, " NULLS LAST");
    }
    attr_end(l);
}

static void put_agg(StrBuf *out, const PAggCall *a, const RelSchema *in)
{
    put_str(out, a->name);
    strbuf_putc(out, '(');
    if (a->is_distinct)
        strbuf_puts(out, "DISTINCT ");
    if (a->is_star)
        strbuf_putc(out, '*');
    for (uint32_t i = 0; i < a->n_args; i++) {
        if (i)
            strbuf_puts(out, ", ");
        explain_expr(out, a->args[i], in);
    }
    strbuf_putc(out, ')');
    if (a->n_order) {
        strbuf_puts(out, " WITHIN GROUP (ORDER BY ");
        for (uint32_t i = 0; i < a->n_order; i++) {
            if (i)
                strbuf_puts(out, ", ");
            explain_expr(out, a->order[i], in);
            if (a->order_desc[i])
                strbuf_puts(out, " DESC");
        }
        strbuf_putc(out, ')');
    }
    if (a->filter) {
        strbuf_puts(out, " FILTER (WHERE ");
        explain_expr(out, a->filter, in);
        strbuf_putc(out, ')');
    }
    strbuf_puts(out, " AS ");
    put_str(out, a->out_name);
}

static void attr_aggs(Line *l, const char *name, const PAggCall *aggs,
                      uint32_t n, const RelSchema *in)
{
    if (!n)
        return;
    attr(l, name);
    for (uint32_t i = 0; i < n; i++) {
        if (i)
            strbuf_puts(l->out, ", ");
        put_agg(l->out, &aggs[i], in);
    }
    attr_end(l);
}

static void put_keys_text(StrBuf *out, uint32_t n, PExpr *const *keys,
                          const RelSchema *in)
{
    if (!n) {
        strbuf_puts(out, "(one group)");
        return;
    }
    for (uint32_t i = 0; i < n; i++) {
        if (i)
            strbuf_puts(out, ", ");
        explain_expr(out, keys[i], in);
    }
}

static void put_ttl(StrBuf *out, int64_t ttl)
{
    if (ttl > 0) {
        strbuf_puts(out, ", idle keys expire after ");
        put_duration(out, ttl);
        strbuf_puts(out, " (table.exec.state.ttl)");
    } else {
        strbuf_puts(out, ", kept forever (no table.exec.state.ttl)");
    }
}

static void attr_join_keys(Line *l, const PJoinKeys *k, const RelSchema *left,
                           const RelSchema *right)
{
    if (!k->n_keys)
        return;
    attr(l, "keys");
    for (uint32_t i = 0; i < k->n_keys; i++) {
        if (i)
            strbuf_puts(l->out, ", ");
        explain_expr(l->out, k->left_keys[i], left);
        strbuf_putc(l->out, '=');
        explain_expr(l->out, k->right_keys[i], right);
    }
    attr_end(l);
}

static void put_window(StrBuf *out, const PWindow *w, const RelSchema *in)
{
    strbuf_printf(out, "%s(time=", pwindow_kind_name(w->kind));
    put_col(out, w->time_col, in);
    switch (w->kind) {
    case PW_TUMBLE:
        strbuf_puts(out, ", size=");
        put_duration(out, w->size_ms);
        break;
    case PW_HOP:
        strbuf_puts(out, ", slide=");
        put_duration(out, w->slide_ms);
        strbuf_puts(out, ", size=");
        put_duration(out, w->size_ms);
        break;
    case PW_CUMULATE:
        strbuf_puts(out, ", step=");
        put_duration(out, w->step_ms);
        strbuf_puts(out, ", max-size=");
        put_duration(out, w->size_ms);
        break;
    case PW_SESSION:
        strbuf_puts(out, ", gap=");
        put_duration(out, w->gap_ms);
        break;
    }
    if (w->offset_ms) {
        strbuf_puts(out, ", offset=");
        put_duration(out, w->offset_ms);
    }
    strbuf_putc(out, ')');
}

static void put_cache(StrBuf *out, const PLookupCache *c, bool bounded)
{
    switch (c->kind) {
    case PCACHE_NONE:
        strbuf_puts(out, "NONE");
        return;
    case PCACHE_FULL:
        strbuf_puts(out, bounded ? "FULL, loaded once at start" : "FULL");
        return;
    case PCACHE_PARTIAL:
        strbuf_puts(out, "PARTIAL");
        if (c->max_rows >= 0)
            strbuf_printf(out, ", max-rows=%lld", (long long)c->max_rows);
        if (c->expire_after_write_ms >= 0) {
            strbuf_puts(out, ", expire-after-write=");
            put_duration(out, c->expire_after_write_ms);
        }
        if (c->expire_after_access_ms >= 0) {
            strbuf_puts(out, ", expire-after-access=");
            put_duration(out, c->expire_after_access_ms);
        }
        if (!c->cache_missing_key)
            strbuf_puts(out, ", cache-missing-key=false");
        return;
    }
}

static void put_bound(StrBuf *out, PBoundKind k, int64_t off, FrameUnit u)
{
    switch (k) {
    case PB_UNBOUNDED_PRECEDING:
        strbuf_puts(out, "UNBOUNDED PRECEDING");
        return;
    case PB_CURRENT_ROW:
        strbuf_puts(out, "CURRENT ROW");
        return;
    case PB_UNBOUNDED_FOLLOWING:
        strbuf_puts(out, "UNBOUNDED FOLLOWING");
        return;
    case PB_PRECEDING:
    case PB_FOLLOWING:
        if (u == FRAME_RANGE)
            put_interval_ms(out, off);
        else
            strbuf_printf(out, "%lld", (long long)off);
        strbuf_puts(out, k == PB_PRECEDING ? " PRECEDING" : " FOLLOWING");
        return;
    }
}

static void put_frame(StrBuf *out, const PFrame *f)
{
    strbuf_puts(out, f->unit == FRAME_ROWS ? "ROWS BETWEEN " : "RANGE BETWEEN ");
    put_bound(out, f->lower, f->lower_off, f->unit);
    strbuf_puts(out, " AND ");
    put_bound(out, f->upper, f->upper_off, f->unit);
}

static bool frame_equal(const PFrame *a, const PFrame *b)
{
    return a->unit == b->unit && a->lower == b->lower && a->upper == b->upper
           && a->lower_off == b->lower_off && a->upper_off == b->upper_off;
}

static void put_pattern(StrBuf *out, const PPattern *p, bool top)
{
    if (!p)
        return;
    switch (p->kind) {
    case PAT_VAR:
        put_str(out, p->var);
        break;
    case PAT_CONCAT:
    case PAT_ALT:
        if (!top || p->kind == PAT_ALT || p->min != 1 || p->max != 1)
            strbuf_putc(out, '(');
        for (uint32_t i = 0; i < p->n_items; i++) {
            if (i)
                strbuf_puts(out, p->kind == PAT_ALT ? " | " : " ");
            put_pattern(out, p->items[i], false);
        }
        if (!top || p->kind == PAT_ALT || p->min != 1 || p->max != 1)
            strbuf_putc(out, ')');
        break;
    case PAT_PERMUTE:
        strbuf_puts(out, "PERMUTE(");
        for (uint32_t i = 0; i < p->n_items; i++) {
            if (i)
                strbuf_puts(out, ", ");
            put_pattern(out, p->items[i], false);
        }
        strbuf_putc(out, ')');
        break;
    case PAT_EXCLUDE:
        strbuf_puts(out, "{- ");
        if (p->n_items)
            put_pattern(out, p->items[0], false);
        strbuf_puts(out, " -}");
        break;
    case PAT_ANCHOR_START:
        strbuf_putc(out, '^');
        break;
    case PAT_ANCHOR_END:
        strbuf_putc(out, '$');
        break;
    case PAT_EMPTY:
        strbuf_puts(out, "()");
        break;
    }
    if (p->min == 1 && p->max == 1)
        return;
    if (p->min == 0 && p->max == -1)
        strbuf_putc(out, '*');
    else if (p->min == 1 && p->max == -1)
        strbuf_putc(out, '+');
    else if (p->min == 0 && p->max == 1)
        strbuf_putc(out, '?');
    else if (p->max == -1)
        strbuf_printf(out, "{%d,}", (int)p->min);
    else if (p->min == p->max)
        strbuf_printf(out, "{%d}", (int)p->min);
    else
        strbuf_printf(out, "{%d,%d}", (int)p->min, (int)p->max);
    if (p->is_reluctant)
        strbuf_putc(out, '?');
}

static const char *skip_text(SkipKind s)
{
    switch (s) {
    case SKIP_TO_NEXT_ROW:
        return "SKIP TO NEXT ROW";
    case SKIP_TO_FIRST:
        return "SKIP TO FIRST ";
    case SKIP_TO_LAST:
        return "SKIP TO LAST ";
    default:
        return "SKIP PAST LAST ROW";
    }
}

static void over_state(Line *l, const PNode *n, const RelSchema *in)
{
    const POverAgg *o = &n->u.over;
    int64_t range = -1, rows = -1;
    bool unbounded = false;
    for (uint32_t i = 0; i < o->n_calls; i++) {
        const PFrame *f = &o->calls[i].frame;
        if (f->lower == PB_UNBOUNDED_PRECEDING)
            unbounded = true;
        else if (f->unit == FRAME_RANGE && f->lower_off > range)
            range = f->lower_off;
        else if (f->unit == FRAME_ROWS && f->lower_off > rows)
            rows = f->lower_off;
        if (f->upper == PB_FOLLOWING && f->unit == FRAME_ROWS
            && f->upper_off > rows)
            rows = f->upper_off;
    }
    attr(l, "state");
    bool first = true;
    if (range >= 0) {
        strbuf_puts(l->out, "rows of the last ");
        put_duration(l->out, range);
        first = false;
    }
    if (rows >= 0) {
        strbuf_printf(l->out, "%slast %lld row%s", first ? "" : " + ",
                      (long long)rows, rows == 1 ? "" : "s");
        first = false;
    }
    if (unbounded) {
        strbuf_printf(l->out, "%srunning accumulators", first ? "" : " + ");
        first = false;
    }
    if (o->n_partition) {
        strbuf_puts(l->out, " per ");
        put_keys_text(l->out, o->n_partition, o->partition, in);
    } else {
        strbuf_puts(l->out, " (one partition)");
    }
    bool any_distinct = false;
    for (uint32_t i = 0; i < o->n_calls; i++)
        any_distinct |= o->calls[i].is_distinct;
    if (any_distinct)
        strbuf_puts(l->out, ", with value counts for DISTINCT");
    strbuf_puts(l->out, o->is_proctime ? "" : "; rows wait for the watermark");
    int64_t lead = -1;
    for (uint32_t i = 0; i < o->n_calls; i++) {
        const PFrame *f = &o->calls[i].frame;
        if (f->upper == PB_FOLLOWING && f->upper_off > lead)
            lead = f->upper_off;
    }
    if (lead > 0)
        strbuf_printf(l->out, "%s for the next %lld row%s of their "
                      "partition (LEAD)",
                      o->is_proctime ? "; rows wait" : " and",
                      (long long)lead, lead == 1 ? "" : "s");
    if (o->state_ttl_ms > 0) {
        strbuf_puts(l->out, "; idle partitions expire after ");
        put_duration(l->out, o->state_ttl_ms);
        strbuf_puts(l->out, " (table.exec.state.ttl)");
    }
    attr_end(l);
}

/* The attribute text of one node (inside the parentheses). */
static void node_attrs(Line *l, CompileCtx *cc, const PNode *n)
{
    const RelSchema *in = n->n_inputs ? n->inputs[0]->out : NULL;
    (void)cc;
    switch (n->kind) {
    case PN_TABLE_SOURCE_SCAN: {
        const PScan *s = &n->u.scan;
        const CatTable *t = s->table;
        attr_str(l, "table", t->full_name.len ? t->full_name : t->name);
        attr_str(l, "connector", t->connector);
        attr_names(l, "fields", n->out);
        bool any = false;
        for (uint32_t c = 0; c < t->n_cols; c++) {
            if (t->cols[c].kind == COL_COMPUTED)
                continue;
            bool read = false;
            for (uint32_t k = 0; k < s->n_fields && !read; k++)
                read = s->fields[k] == c;
            if (read)
                continue;
            if (!any)
                attr(l, "pruned");
            else
                strbuf_puts(l->out, ", ");
            any = true;
            put_str(l->out, t->cols[c].name);
        }
        if (any)
            attr_end(l);
        attr_options(l, t, NULL);
        attr_text(l, "bounded", s->is_bounded ? "true" : "false");
        if (n->changelog != CL_INSERT_ONLY)
            attr_text(l, "changelogMode", changelog_mode_text(n->changelog));
        break;
    }
    case PN_WATERMARK_ASSIGNER:
        attr(l, "rowtime");
        put_col(l->out, n->u.wm.rowtime_col, in);
        attr_end(l);
        attr_expr(l, "watermark", n->u.wm.expr, in);
        if (n->u.wm.delay_ms >= 0) {
            attr(l, "delay");
            put_duration(l->out, n->u.wm.delay_ms);
            attr_end(l);
        }
        break;
    case PN_CALC: {
        const PCalc *c = &n->u.calc;
        attr(l, "select");
        for (uint32_t i = 0; i < c->n_proj; i++) {
            if (i)
                strbuf_puts(l->out, ", ");
            explain_expr(l->out, c->proj[i], in);
            int32_t idx;
            if (!(pexpr_is_ref(c->proj[i], &idx) && in
                  && (uint32_t)idx < in->n_cols
                  && str_eq(in->cols[idx].name, n->out->cols[i].name))) {
                strbuf_puts(l->out, " AS ");
                put_str(l->out, n->out->cols[i].name);
            }
        }
        attr_end(l);
        attr_expr(l, "where", c->where, in);
        break;
    }
    case PN_VALUES: {
        attr(l, "tuples");
        for (uint32_t r = 0; r < n->u.values.n_rows; r++) {
            strbuf_puts(l->out, r ? ", [" : "[");
            for (uint32_t c = 0; c < n->out->n_cols; c++) {
                if (c)
                    strbuf_puts(l->out, ", ");
                explain_expr(l->out, n->u.values.rows[r][c], NULL);
            }
            strbuf_putc(l->out, ']');
        }
        attr_end(l);
        attr_names(l, "fields", n->out);
        break;
    }
    case PN_UNION:
        attr_text(l, "all", "true");
        attr_names(l, "union", n->out);
        break;
    case PN_LOOKUP_JOIN: {
        const PLookupJoin *j = &n->u.lookup;
        const CatTable *t = j->table;
        attr_str(l, "table", t->full_name.len ? t->full_name : t->name);
        attr_str(l, "connector", t->connector);
        attr_text(l, "joinType", pjoin_type_name(j->join_type));
        attr(l, "keys");
        for (uint32_t i = 0; i < j->n_keys; i++) {
            if (i)
                strbuf_puts(l->out, ", ");
            put_str(l->out, t->cols[j->dim_cols[i]].name);
            strbuf_putc(l->out, '=');
            explain_expr(l->out, j->probe_keys[i], in);
        }
        attr_end(l);
        if (j->dim_filter) {
            RelSchema dim = {0};
            dim.n_cols = n->out->n_cols - in->n_cols;
            dim.cols = n->out->cols + in->n_cols;
            attr_expr(l, "dimFilter", j->dim_filter, &dim);
        }
        attr_expr(l, "where", j->residual, n->out);
        attr(l, "time");
        if (j->is_event_time_as_of) {
            strbuf_puts(l->out, "processing time (FOR SYSTEM_TIME AS OF "
                                "rowtime column ");
            put_str(l->out, j->as_of_col);
            strbuf_puts(l->out, " is evaluated at processing time)");
        } else {
            strbuf_puts(l->out, "processing time");
        }
        attr_end(l);
        attr(l, "cache");
        put_cache(l->out, &j->cache, j->is_bounded_table);
        attr_end(l);
        attr_options(l, t, "lookup.");
        attr(l, "state");
        strbuf_puts(l->out, j->cache.kind == PCACHE_NONE
                                ? "none (every row is looked up)"
                                : "the lookup cache only");
        attr_end(l);
        attr_names(l, "select", n->out);
        break;
    }
    case PN_JOIN: {
        const PJoin *j = &n->u.join;
        const RelSchema *r = n->inputs[1]->out;
        attr_text(l, "joinType", pjoin_type_name(j->join_type));
        attr_join_keys(l, &j->keys, in, r);
        attr_expr(l, "where", j->residual, n->out);
        attr(l, "state");
        /* Issue 8 (runtime/op_join.c): what the join keeps.  A bounded
         * side (a filesystem table) is a hash table built once; rows of
         * the other side are kept only until it has been read, unless
         * the bounded side is an outer side. */
        bool lb = n->inputs[0]->is_bounded, rb = n->inputs[1]->is_bounded;
        bool l_outer = j->join_type == PJ_LEFT || j->join_type == PJ_FULL;
        bool r_outer = j->join_type == PJ_RIGHT || j->join_type == PJ_FULL;
        if (lb != rb && !(rb ? r_outer : l_outer)) {
            strbuf_puts(l->out, rb ? "the right side" : "the left side");
            strbuf_puts(l->out, j->keys.n_keys ? " per join key" : "");
            strbuf_puts(l->out, " (bounded: a hash table built first, kept "
                                "whole); rows of the other side wait until "
                                "it has been read, then pass through");
        } else {
            if (j->keys.n_keys) {
                /* Per side: one row per key when the join key holds a
                 * unique key of that input, else every row. */
                for (int s = 0; s < 2; s++) {
                    const RelSchema *sr = s ? r : in;
                    strbuf_puts(l->out, s ? "; right: " : "left: ");
                    if (!j->is_unique[s]) {
                        strbuf_puts(l->out, "all rows per join key");
                        continue;
                    }
                    strbuf_puts(l->out, "one row per join key (unique key ");
                    if (j->n_unique[s] == 0)
                        strbuf_puts(l->out, "(): one row in all");
                    for (uint32_t u = 0; u < j->n_unique[s]; u++) {
                        if (u)
                            strbuf_puts(l->out, ", ");
                        put_str(l->out, sr->cols[j->unique_cols[s][u]].name);
                    }
                    strbuf_putc(l->out, ')');
                }
            } else
                strbuf_puts(l->out,
                            "all rows of both sides (no equality key)");
            put_ttl(l->out, j->state_ttl_ms);
        }
        if (n->inputs[0]->changelog == CL_INSERT_ONLY &&
            n->inputs[1]->changelog == CL_INSERT_ONLY && !lb && !rb)
            strbuf_puts(l->out, "; both inputs are append-only: a time "
                                "bound in ON (an interval join) would free "
                                "rows as the watermark passes");
        attr_end(l);
        attr_text(l, "changelogMode", changelog_mode_text(n->changelog));
        attr_names(l, "select", n->out);
        break;
    }
    case PN_INTERVAL_JOIN: {
        const PIntervalJoin *j = &n->u.ijoin;
        const RelSchema *r = n->inputs[1]->out;
        attr_text(l, "joinType", pjoin_type_name(j->join_type));
        attr_join_keys(l, &j->keys, in, r);
        attr(l, "interval");
        put_col(l->out, j->left_time_col, in);
        strbuf_puts(l->out, " BETWEEN ");
        for (int b = 0; b < 2; b++) {
            int64_t v = b ? j->upper_ms : j->lower_ms;
            if (b)
                strbuf_puts(l->out, " AND ");
            put_col(l->out, j->right_time_col, r);
            if (v) {
                strbuf_puts(l->out, v < 0 ? " - " : " + ");
                put_duration(l->out, v < 0 ? -v : v);
            }
        }
        attr_end(l);
        attr_text(l, "time", j->is_proctime ? "processing time" : "event time");
        attr_expr(l, "where", j->residual, n->out);
        attr(l, "state");
        strbuf_puts(l->out, "rows of both sides per join key, freed when "
                            "the ");
        strbuf_puts(l->out, j->is_proctime ? "clock" : "watermark");
        strbuf_puts(l->out, " passes the interval");
        attr_end(l);
        attr_names(l, "select", n->out);
        break;
    }
    case PN_TEMPORAL_JOIN: {
        const PTemporalJoin *j = &n->u.tjoin;
        const RelSchema *r = n->inputs[1]->out;
        attr_str(l, "table", j->table->name);
        /* what a row of the versioned table is (docs/joins.md) */
        attr_text(l, "versions",
                  n->inputs[1]->changelog == CL_INSERT_ONLY
                      ? "append-only: each row is the new version of its key"
                      : "changelog: updates are new versions, deletes end "
                        "the key");
        attr_text(l, "joinType", pjoin_type_name(j->join_type));
        attr_join_keys(l, &j->keys, in, r);
        attr(l, "time");
        strbuf_puts(l->out, "event time (version of ");
        put_str(l->out, j->table->name);
        strbuf_puts(l->out, " valid at ");
        put_col(l->out, j->left_time_col, in);
        strbuf_puts(l->out, ", by ");
        put_col(l->out, j->right_time_col, r);
        strbuf_putc(l->out, ')');
        attr_end(l);
        attr_expr(l, "where", j->residual, n->out);
        attr_text(l, "state", "versions per key until the watermark passes "
                              "them, and left rows waiting for the watermark");
        attr_names(l, "select", n->out);
        break;
    }
    case PN_SEMI_JOIN: {
        const PSemiJoin *j = &n->u.semi;
        const RelSchema *r = n->n_inputs > 1 ? n->inputs[1]->out : NULL;
        RelSchema trel = {0};
        if (j->table) {
            trel.n_cols = j->table->n_cols;
            trel.cols = ARENA_NEW_ARRAY(&cc->a, RelColumn, trel.n_cols ? trel.n_cols : 1);
            for (uint32_t c = 0; c < trel.n_cols; c++)
                trel.cols[c].name = j->table->cols[c].name;
            r = &trel;
            attr_str(l, "lookup", j->table->name);
        }
        attr_text(l, "joinType", j->semi_kind == PSEMI_SEMI ? "LeftSemiJoin"
                                 : j->semi_kind == PSEMI_ANTI ? "LeftAntiJoin"
                                                              : "LeftMarkJoin");
        attr_join_keys(l, &j->keys, in, r);
        if (j->dim_filter)
            attr_expr(l, "dimFilter", j->dim_filter, &trel);
        if (j->semi_kind == PSEMI_MARK)
            attr_str(l, "mark", n->out->cols[n->out->n_cols - 1].name);
        attr(l, "state");
        if (j->table) {
            strbuf_puts(l->out, "the lookup cache only: ");
            put_cache(l->out, &j->cache, false);
        } else {
            strbuf_puts(l->out, "subquery rows per key");
            if (j->semi_kind != PSEMI_SEMI)
                strbuf_puts(l->out, " and probe rows per key");
            put_ttl(l->out, j->state_ttl_ms);
        }
        attr_end(l);
        if (n->changelog != CL_INSERT_ONLY)
            attr_text(l, "changelogMode", changelog_mode_text(n->changelog));
        break;
    }
    case PN_OVER_AGGREGATE: {
        const POverAgg *o = &n->u.over;
        if (o->n_partition)
            attr_exprs(l, "partitionBy", o->n_partition, o->partition, in);
        attr_sort(l, "orderBy", &o->order, 1, in);
        attr_text(l, "time", o->is_proctime ? "processing time" : "event time");
        bool *done = ARENA_NEW_ARRAY(&cc->a, bool, o->n_calls ? o->n_calls : 1);
        uint32_t w = 0;
        for (uint32_t i = 0; i < o->n_calls; i++) {
            if (done[i])
                continue;
            char name[32];
            snprintf(name, sizeof name, "window#%u", w++);
            attr(l, name);
            put_frame(l->out, &o->calls[i].frame);
            strbuf_puts(l->out, ": ");
            bool first = true;
            for (uint32_t k = i; k < o->n_calls; k++) {
                if (done[k] || !frame_equal(&o->calls[k].frame, &o->calls[i].frame))
                    continue;
                done[k] = true;
                if (!first)
                    strbuf_puts(l->out, ", ");
                first = false;
                put_agg(l->out, &o->calls[k], in);
            }
            attr_end(l);
        }
        over_state(l, n, in);
        attr_names(l, "select", n->out);
        break;
    }
    case PN_GROUP_WINDOW_AGGREGATE:
    case PN_WINDOW_AGGREGATE: {
        const PWindowAgg *w = &n->u.wagg;
        if (w->n_keys)
            attr_exprs(l, "groupBy", w->n_keys, w->keys, in);
        attr(l, "window");
        put_window(l->out, &w->window, in);
        attr_end(l);
        attr_aggs(l, "aggs", w->aggs, w->n_aggs, in);
        if (w->n_props) {
            attr(l, "properties");
            for (uint32_t i = 0; i < w->n_props; i++) {
                static const char *const pn[] = {"start", "end", "rowtime",
                                                 "proctime"};
                if (i)
                    strbuf_puts(l->out, ", ");
                strbuf_printf(l->out, "%s AS ", pn[w->props[i]]);
                put_str(l->out, n->out->cols[w->n_keys + w->n_aggs + i].name);
            }
            attr_end(l);
        }
        attr(l, "emit");
        strbuf_puts(l->out, w->window.is_proctime
                                ? "when the clock passes the window end"
                                : "when the watermark passes the window end");
        attr_end(l);
        attr(l, "state");
        if (w->on_panes) {
            /* runtime/op_window.c, "HOP and CUMULATE with panes" */
            int64_t pw = plan_window_pane_ms(&w->window);
            strbuf_puts(l->out, "one accumulator per ");
            put_duration(l->out, pw);
            strbuf_puts(l->out, " pane");
        } else {
            strbuf_puts(l->out, "one accumulator per open window");
        }
        if (w->n_keys) {
            strbuf_puts(l->out, " and ");
            put_keys_text(l->out, w->n_keys, w->keys, in);
        }
        if (w->on_panes && w->window.kind == PW_HOP)
            strbuf_printf(l->out,
                          "; a window merges its %lld panes when it fires",
                          (long long)(w->window.size_ms /
                                      plan_window_pane_ms(&w->window)));
        else if (w->on_panes)
            strbuf_puts(l->out, "; panes are folded into a running result "
                                "of the period when a window fires");
        attr_end(l);
        attr_names(l, "select", n->out);
        break;
    }
    case PN_WINDOW_TABLE_FUNCTION:
        attr(l, "window");
        put_window(l->out, &n->u.tvf.window, in);
        attr_end(l);
        if (n->u.tvf.pane_feed) {
            attr(l, "panes");
            strbuf_puts(l->out, "each row once, in its ");
            put_duration(l->out, plan_window_pane_ms(&n->u.tvf.window));
            strbuf_puts(l->out, " pane");
            attr_end(l);
        }
        attr_names(l, "select", n->out);
        break;
    case PN_GROUP_AGGREGATE: {
        const PGroupAgg *g = &n->u.gagg;
        if (g->is_distinct_only) {
            attr_names(l, "distinct", n->out);
        } else {
            if (g->n_keys)
                attr_exprs(l, "groupBy", g->n_keys, g->keys, in);
            attr_aggs(l, "aggs", g->aggs, g->n_aggs, in);
        }
        attr(l, "state");
        strbuf_puts(l->out, g->is_distinct_only ? "one entry per distinct row"
                                                : "one accumulator per ");
        if (!g->is_distinct_only)
            put_keys_text(l->out, g->n_keys, g->keys, in);
        put_ttl(l->out, g->state_ttl_ms);
        attr_end(l);
        attr_text(l, "changelogMode", changelog_mode_text(n->changelog));
        if (!g->is_distinct_only)
            attr_names(l, "select", n->out);
        break;
    }
    case PN_MATCH_RECOGNIZE: {
        const PMatch *m = &n->u.match;
        if (m->n_partition) {
            attr(l, "partitionBy");
            for (uint32_t i = 0; i < m->n_partition; i++) {
                if (i)
                    strbuf_puts(l->out, ", ");
                put_col(l->out, m->partition[i], in);
            }
            attr_end(l);
        }
        if (m->order.col >= 0)
            attr_sort(l, "orderBy", &m->order, 1, in);
        attr_text(l, "time", m->is_proctime ? "processing time" : "event time");
        if (m->n_measures) {
            attr(l, "measures");
            for (uint32_t i = 0; i < m->n_measures; i++) {
                if (i)
                    strbuf_puts(l->out, ", ");
                explain_expr(l->out, m->measures[i].expr, in);
                strbuf_puts(l->out, " AS ");
                put_str(l->out, m->measures[i].name);
            }
            attr_end(l);
        }
        attr_text(l, "rowsPerMatch", m->rows_per_match == RPM_ONE_ROW
                                         ? "ONE ROW PER MATCH"
                                         : "ALL ROWS PER MATCH");
        attr(l, "after");
        strbuf_puts(l->out, skip_text(m->skip));
        if (m->skip == SKIP_TO_FIRST || m->skip == SKIP_TO_LAST)
            put_str(l->out, m->skip_var);
        attr_end(l);
        attr(l, "pattern");
        put_pattern(l->out, m->pattern, true);
        attr_end(l);
        if (m->within_ms >= 0) {
            attr(l, "within");
            put_duration(l->out, m->within_ms);
            attr_end(l);
        }
        for (uint32_t s = 0; s < m->n_subsets; s++) {
            attr(l, "subset");
            put_str(l->out, m->subset_names[s]);
            strbuf_puts(l->out, " = (");
            for (uint32_t k = 0; k < m->subset_n[s]; k++) {
                if (k)
                    strbuf_puts(l->out, ", ");
                put_str(l->out, m->subset_vars[s][k]);
            }
            strbuf_puts(l->out, ")");
            attr_end(l);
        }
        if (m->n_defines) {
            attr(l, "define");
            for (uint32_t i = 0; i < m->n_defines; i++) {
                if (i)
                    strbuf_puts(l->out, ", ");
                put_str(l->out, m->defines[i].var);
                strbuf_puts(l->out, " AS ");
                explain_expr(l->out, m->defines[i].cond, in);
            }
            attr_end(l);
        }
        attr(l, "state");
        strbuf_puts(l->out, "partial matches");
        if (m->n_partition) {
            strbuf_puts(l->out, " per ");
            for (uint32_t i = 0; i < m->n_partition; i++) {
                if (i)
                    strbuf_puts(l->out, ", ");
                put_col(l->out, m->partition[i], in);
            }
        }
        if (m->within_ms >= 0) {
            strbuf_puts(l->out, ", dropped after ");
            put_duration(l->out, m->within_ms);
        }
        if (!m->is_proctime)
            strbuf_puts(l->out, "; rows wait for the watermark");
        attr_end(l);
        attr_names(l, "select", n->out);
        break;
    }
    case PN_SORT_LIMIT: {
        const PSortLimit *s = &n->u.sort;
        if (s->n_keys)
            attr_sort(l, "orderBy", s->keys, s->n_keys, in);
        if (s->offset) {
            attr(l, "offset");
            strbuf_printf(l->out, "%lld", (long long)s->offset);
            attr_end(l);
        }
        if (s->limit >= 0) {
            attr(l, "fetch");
            strbuf_printf(l->out, "%lld", (long long)s->limit);
            attr_end(l);
        }
        break;
    }
    case PN_SINK: {
        const CatTable *t = n->u.sink.table;
        attr_str(l, "table", t->full_name.len ? t->full_name : t->name);
        attr_str(l, "connector", t->connector);
        attr_names(l, "fields", n->out);
        attr_options(l, t, NULL);
        attr_text(l, "changelogMode", changelog_mode_text(n->changelog));
        break;
    }
    case PN_COLLECT:
        attr_text(l, "output", "stdout");
        attr_names(l, "fields", n->out);
        attr_text(l, "changelogMode", changelog_mode_text(n->changelog));
        break;
    default:
        break;
    }
}

/* ---- the tree ------------------------------------------------------------- */

typedef struct Ex {
    CompileCtx *cc;
    StrBuf *out;
    uint32_t *reuse;     /* node id -> reuse number (0: not yet printed) */
    uint32_t next_reuse;
} Ex;

static const char *node_title(const PNode *n)
{
    if (n->kind == PN_SEMI_JOIN)
        return n->u.semi.semi_kind == PSEMI_SEMI   ? "SemiJoin"
               : n->u.semi.semi_kind == PSEMI_ANTI ? "AntiJoin"
                                                   : "MarkJoin";
    return pnode_kind_name(n->kind);
}

static void print_node(Ex *x, const PNode *n, const char *prefix, bool root,
                       bool last)
{
    StrBuf *out = x->out;
    strbuf_puts(out, prefix);
    if (!root)
        strbuf_puts(out, last ? "+- " : ":- ");
    bool shared = n->n_consumers > 1;
    if (shared && x->reuse[n->id]) {
        strbuf_printf(out, "Reused(id=[%u])\n", x->reuse[n->id]);
        return;
    }
    strbuf_puts(out, node_title(n));
    strbuf_putc(out, '(');
    Line l = {out, true};
    node_attrs(&l, x->cc, n);
    if (shared) {
        x->reuse[n->id] = ++x->next_reuse;
        char buf[32];
        snprintf(buf, sizeof buf, "%u", x->reuse[n->id]);
        attr_text(&l, "reuse_id", buf);
    }
    strbuf_puts(out, ")\n");
    size_t plen = strlen(prefix);
    char *child = arena_alloc(&x->cc->a, plen + 4);
    memcpy(child, prefix, plen);
    if (root)
        child[plen] = 0;
    else
        memcpy(child + plen, last ? "   " : ":  ", 4);
    for (uint32_t i = 0; i < n->n_inputs; i++)
        print_node(x, n->inputs[i], child, false, i + 1 == n->n_inputs);
}

void explain_plan(CompileCtx *cc, const Plan *p, StrBuf *out)
{
    if (!p)
        return;
    Ex x = {cc, out, NULL, 0};
    x.reuse = ARENA_NEW_ARRAY(&cc->a, uint32_t, p->n_nodes + 2);
    strbuf_puts(out, "== Physical Plan ==\n");
    for (uint32_t r = 0; r < p->n_roots; r++) {
        if (r)
            strbuf_putc(out, '\n');
        print_node(&x, p->roots[r], "", true, true);
    }
}
