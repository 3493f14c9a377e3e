/*
 * plan_expr.c - PExpr, the typed expression tree of the physical plan:
 * builders, literal parsing (numbers, DATE/TIME/TIMESTAMP, INTERVAL), and
 * the small rewrites the planner needs (substitution for Calc merging,
 * shifting for join sides, conjunct splitting, equality).
 *
 * Everything is allocated from the CompileCtx arena; nothing is freed.
 */
#include "runtime/fsql.h"
#include "compiler/plan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const pop_texts[] = {
#define X(k, t, n, i) t,
    POP_KINDS(X)
#undef X
};

const char *pop_text(POp op)
{
    return (unsigned)op < PO_COUNT ? pop_texts[op] : "?";
}

PExpr *pexpr_new(CompileCtx *cc, PExprKind k, SqlType *type, SrcSpan at)
{
    PExpr *e = ARENA_NEW(&cc->a, PExpr);
    e->kind = k;
    e->type = type ? type : type_new(&cc->a, T_NULL);
    e->at = at;
    e->idx = -1;
    return e;
}

PExpr *pexpr_cast(CompileCtx *cc, PExpr *e, SqlType *t)
{
    if (!e->type || type_equal(e->type, t))
        return e;
    PExpr *c = pexpr_new(cc, PE_CAST, t, e->at);
    c->n_args = 1;
    c->args = ARENA_NEW_ARRAY(&cc->a, PExpr *, 1);
    c->args[0] = e;
    return c;
}

PExpr *pexpr_input_ref(CompileCtx *cc, int32_t idx, SqlType *type)
{
    SrcSpan none = {0, 0};
    PExpr *e = pexpr_new(cc, PE_INPUT_REF, type, none);
    e->idx = idx;
    return e;
}

PExpr *pexpr_call(CompileCtx *cc, POp op, SqlType *type, uint32_t n,
                  PExpr **args)
{
    SrcSpan none = {0, 0};
    PExpr *e = pexpr_new(cc, PE_CALL, type, none);
    e->op = op;
    e->n_args = n;
    e->args = ARENA_NEW_ARRAY(&cc->a, PExpr *, n ? n : 1);
    for (uint32_t i = 0; i < n; i++)
        e->args[i] = args[i];
    if (n)
        e->at = args[0]->at;
    return e;
}

PExpr *pexpr_bool(CompileCtx *cc, bool b)
{
    SrcSpan none = {0, 0};
    SqlType *t = type_new(&cc->a, T_BOOLEAN);
    t->is_nullable = false;
    PExpr *e = pexpr_new(cc, PE_LITERAL, t, none);
    e->lit.kind = PL_BOOL;
    e->lit.v.b = b;
    e->lit.text = b ? STR_LIT("TRUE") : STR_LIT("FALSE");
    return e;
}

PExpr *pexpr_and(CompileCtx *cc, PExpr *a, PExpr *b)
{
    if (!a)
        return b;
    if (!b)
        return a;
    /* Flatten nested ANDs so that EXPLAIN shows (a AND b AND c). */
    uint32_t n = 0;
    uint32_t na = (a->kind == PE_CALL && a->op == PO_AND) ? a->n_args : 1;
    uint32_t nb = (b->kind == PE_CALL && b->op == PO_AND) ? b->n_args : 1;
    PExpr **args = ARENA_NEW_ARRAY(&cc->a, PExpr *, na + nb);
    if (na > 1 || (a->kind == PE_CALL && a->op == PO_AND))
        for (uint32_t i = 0; i < a->n_args; i++)
            args[n++] = a->args[i];
    else
        args[n++] = a;
    if (nb > 1 || (b->kind == PE_CALL && b->op == PO_AND))
        for (uint32_t i = 0; i < b->n_args; i++)
            args[n++] = b->args[i];
    else
        args[n++] = b;
    SqlType *t = type_new(&cc->a, T_BOOLEAN);
    t->is_nullable = a->type->is_nullable || b->type->is_nullable;
    return pexpr_call(cc, PO_AND, t, n, args);
}

PExpr *pexpr_copy(CompileCtx *cc, const PExpr *e)
{
    if (!e)
        return NULL;
    PExpr *c = ARENA_NEW(&cc->a, PExpr);
    *c = *e;
    if (e->n_args) {
        c->args = ARENA_NEW_ARRAY(&cc->a, PExpr *, e->n_args);
        for (uint32_t i = 0; i < e->n_args; i++)
            c->args[i] = pexpr_copy(cc, e->args[i]);
    }
    return c;
}

/* ---- walking and rewriting ------------------------------------------- */

void pexpr_for_each_ref(PExpr *e, PExprRefFn fn, void *arg)
{
    if (!e)
        return;
    if (e->kind == PE_INPUT_REF) {
        fn(e, arg);
        return;
    }
    for (uint32_t i = 0; i < e->n_args; i++)
        pexpr_for_each_ref(e->args[i], fn, arg);
}

bool pexpr_is_ref(const PExpr *e, int32_t *idx)
{
    if (!e || e->kind != PE_INPUT_REF || e->var.len)
        return false;
    if (idx)
        *idx = e->idx;
    return true;
}

static bool lit_equal(const PLit *a, const PLit *b)
{
    if (a->kind != b->kind)
        return false;
    switch (a->kind) {
    case PL_NULL:
        return true;
    case PL_BOOL:
        return a->v.b == b->v.b;
    case PL_DOUBLE:
        return a->v.f == b->v.f;
    case PL_DECIMAL:
    case PL_STRING:
    case PL_BYTES:
        return str_eq(a->text, b->text);
    default:
        return a->v.i == b->v.i;
    }
}

bool pexpr_equal(const PExpr *a, const PExpr *b)
{
    if (a == b)
        return true;
    if (!a || !b || a->kind != b->kind || a->n_args != b->n_args)
        return false;
    switch (a->kind) {
    case PE_INPUT_REF:
        return a->idx == b->idx && str_ieq(a->var, b->var);
    case PE_LITERAL:
        return lit_equal(&a->lit, &b->lit) && a->unit == b->unit;
    case PE_CALL:
        if (a->op != b->op || a->unit != b->unit)
            return false;
        if (a->op == PO_FUNC || a->op == PO_FIELD)
            if (!str_ieq(a->name, b->name))
                return false;
        break;
    case PE_CAST:
        if (a->is_try != b->is_try || !type_equal(a->type, b->type))
            return false;
        break;
    case PE_IN_LIST:
        if (a->is_not != b->is_not)
            return false;
        break;
    case PE_AGG_CALL:
        if (!str_ieq(a->name, b->name) || a->is_distinct != b->is_distinct
            || !str_ieq(a->var, b->var))
            return false;
        break;
    default:
        break;
    }
    for (uint32_t i = 0; i < a->n_args; i++)
        if (!pexpr_equal(a->args[i], b->args[i]))
            return false;
    return true;
}

PExpr *pexpr_substitute(CompileCtx *cc, const PExpr *e, PExpr *const *subst)
{
    if (!e)
        return NULL;
    if (e->kind == PE_INPUT_REF) {
        PExpr *c = pexpr_copy(cc, subst[e->idx]);
        if (e->var.len && c->kind == PE_INPUT_REF)
            c->var = e->var;
        return c;
    }
    PExpr *c = ARENA_NEW(&cc->a, PExpr);
    *c = *e;
    if (e->n_args) {
        c->args = ARENA_NEW_ARRAY(&cc->a, PExpr *, e->n_args);
        for (uint32_t i = 0; i < e->n_args; i++)
            c->args[i] = pexpr_substitute(cc, e->args[i], subst);
    }
    return c;
}

PExpr *pexpr_shift(CompileCtx *cc, const PExpr *e, int32_t delta)
{
    if (!e)
        return NULL;
    PExpr *c = ARENA_NEW(&cc->a, PExpr);
    *c = *e;
    if (e->kind == PE_INPUT_REF) {
        c->idx = e->idx + delta;
        return c;
    }
    if (e->n_args) {
        c->args = ARENA_NEW_ARRAY(&cc->a, PExpr *, e->n_args);
        for (uint32_t i = 0; i < e->n_args; i++)
            c->args[i] = pexpr_shift(cc, e->args[i], delta);
    }
    return c;
}

void pexpr_conjuncts(CompileCtx *cc, PExpr *e, PExpr ***terms, uint32_t *n,
                     uint32_t *cap)
{
    if (!e)
        return;
    if (e->kind == PE_CALL && e->op == PO_AND) {
        for (uint32_t i = 0; i < e->n_args; i++)
            pexpr_conjuncts(cc, e->args[i], terms, n, cap);
        return;
    }
    if (*n == *cap) {
        uint32_t nc = *cap ? *cap * 2 : 8;
        PExpr **nt = ARENA_NEW_ARRAY(&cc->a, PExpr *, nc);
        if (*n)
            memcpy(nt, *terms, sizeof(PExpr *) * *n);
        *terms = nt;
        *cap = nc;
    }
    (*terms)[(*n)++] = e;
}

static void range_fn(PExpr *ref, void *arg)
{
    int32_t *r = arg;
    if (r[0] < 0 || ref->idx < r[0])
        r[0] = ref->idx;
    if (ref->idx > r[1])
        r[1] = ref->idx;
}

void pexpr_ref_range(const PExpr *e, int32_t *lo, int32_t *hi)
{
    int32_t r[2] = {-1, -1};
    pexpr_for_each_ref((PExpr *)e, range_fn, r);
    *lo = r[0];
    *hi = r[1];
}

/* ---- literals ----------------------------------------------------------- */

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t mp = (m + 9) % 12;
    int64_t doy = (153 * mp + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Read up to max digits; returns count read. */
static int read_num(const char **p, const char *end, int64_t *out)
{
    int n = 0;
    int64_t v = 0;
    while (*p < end && **p >= '0' && **p <= '9' && n < 18) {
        v = v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    *out = v;
    return n;
}

/* Fractional digits .fff -> milliseconds. */
static int64_t read_frac_ms(const char **p, const char *end)
{
    int64_t ms = 0;
    int digits = 0;
    if (*p < end && **p == '.') {
        (*p)++;
        while (*p < end && **p >= '0' && **p <= '9') {
            if (digits < 3) {
                ms = ms * 10 + (**p - '0');
                digits++;
            }
            (*p)++;
        }
    }
    while (digits < 3) {
        ms *= 10;
        digits++;
    }
    return ms;
}

static bool parse_date(const char **p, const char *end, int64_t *days)
{
    int64_t y, m, d;
    if (!read_num(p, end, &y) || *p >= end || **p != '-')
        return false;
    (*p)++;
    if (!read_num(p, end, &m) || *p >= end || **p != '-')
        return false;
    (*p)++;
    if (!read_num(p, end, &d))
        return false;
    if (m < 1 || m > 12 || d < 1 || d > 31)
        return false;
    *days = days_from_civil(y, m, d);
    return true;
}

static bool parse_time(const char **p, const char *end, int64_t *ms)
{
    int64_t h, mi, s = 0;
    if (!read_num(p, end, &h) || *p >= end || **p != ':')
        return false;
    (*p)++;
    if (!read_num(p, end, &mi))
        return false;
    if (*p < end && **p == ':') {
        (*p)++;
        if (!read_num(p, end, &s))
            return false;
    }
    if (h > 23 || mi > 59 || s > 59)
        return false;
    *ms = ((h * 60 + mi) * 60 + s) * 1000 + read_frac_ms(p, end);
    return true;
}

static int64_t unit_ms(TimeUnit u)
{
    switch (u) {
    case TU_WEEK:
        return 7LL * 86400000;
    case TU_DAY:
        return 86400000;
    case TU_HOUR:
        return 3600000;
    case TU_MINUTE:
        return 60000;
    case TU_SECOND:
        return 1000;
    case TU_MILLISECOND:
        return 1;
    default:
        return 0;
    }
}

/* INTERVAL 'text' unit [TO unit_to]: fields separated by ' ', ':' or '-'
 * from the leading unit down to unit_to; seconds may have a fraction. */
static bool parse_interval(const AstLiteral *l, PLit *out)
{
    const char *p = l->text.ptr, *end = p + l->text.len;
    bool neg = l->is_negative;
    while (p < end && *p == ' ')
        p++;
    if (p < end && (*p == '-' || *p == '+')) {
        if (*p == '-')
            neg = !neg;
        p++;
    }
    TimeUnit from = l->unit, to = l->unit_to == TU_NONE ? l->unit : l->unit_to;
    if (from == TU_YEAR || from == TU_QUARTER || from == TU_MONTH) {
        int64_t a, b = 0;
        if (!read_num(&p, end, &a))
            return false;
        int64_t months;
        if (from == TU_YEAR && to == TU_MONTH) {
            if (p < end && *p == '-') {
                p++;
                if (!read_num(&p, end, &b))
                    return false;
            }
            months = a * 12 + b;
        } else {
            months = from == TU_YEAR ? a * 12 : from == TU_QUARTER ? a * 3 : a;
        }
        if (p != end)
            return false;
        out->kind = PL_INTERVAL_MONTHS;
        out->v.i = neg ? -months : months;
        return true;
    }
    static const TimeUnit order[] = {TU_DAY, TU_HOUR, TU_MINUTE, TU_SECOND};
    int start = -1, stop = -1;
    for (int i = 0; i < 4; i++) {
        if (order[i] == from)
            start = i;
        if (order[i] == to)
            stop = i;
    }
    int64_t total = 0;
    if (start < 0 || stop < 0) {
        /* WEEK, MILLISECOND, ...: a single number. */
        int64_t a;
        if (!read_num(&p, end, &a) || p != end || !unit_ms(from))
            return false;
        total = a * unit_ms(from);
    } else {
        for (int i = start; i <= stop; i++) {
            int64_t a;
            if (i > start) {
                if (p >= end || (*p != ' ' && *p != ':' && *p != '-'))
                    return false;
                p++;
            }
            if (!read_num(&p, end, &a))
                return false;
            total += a * unit_ms(order[i]);
            if (order[i] == TU_SECOND)
                total += read_frac_ms(&p, end);
        }
        if (p != end)
            return false;
    }
    out->kind = PL_INTERVAL_MS;
    out->v.i = neg ? -total : total;
    return true;
}

static int hex_val(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : 0;
}

bool plan_parse_literal(CompileCtx *cc, const AstNode *lit, PLit *out)
{
    const AstLiteral *l = &lit->u.literal;
    const char *p = l->text.ptr, *end = p + l->text.len;
    memset(out, 0, sizeof(*out));
    out->text = l->text;
    bool ok = true;
    switch (l->lit_kind) {
    case LIT_NULL:
        out->kind = PL_NULL;
        break;
    case LIT_BOOL:
        out->kind = PL_BOOL;
        out->v.b = str_ieq_cstr(l->text, "TRUE");
        break;
    case LIT_INTEGER: {
        char buf[64];
        size_t n = l->text.len < 63 ? l->text.len : 63;
        memcpy(buf, l->text.ptr, n);
        buf[n] = 0;
        errno = 0;
        long long v = strtoll(buf, NULL, 10);
        if (errno == ERANGE || l->text.len > 19) {
            out->kind = PL_DECIMAL; /* too big for BIGINT: exact DECIMAL */
        } else {
            out->kind = PL_INT;
            out->v.i = v;
        }
        break;
    }
    case LIT_DECIMAL:
        out->kind = PL_DECIMAL;
        break;
    case LIT_DOUBLE: {
        char buf[128];
        size_t n = l->text.len < 127 ? l->text.len : 127;
        memcpy(buf, l->text.ptr, n);
        buf[n] = 0;
        out->kind = PL_DOUBLE;
        out->v.f = strtod(buf, NULL);
        break;
    }
    case LIT_STRING:
        out->kind = PL_STRING;
        break;
    case LIT_DATE:
        out->kind = PL_DATE;
        ok = parse_date(&p, end, &out->v.i) && p == end;
        break;
    case LIT_TIME:
        out->kind = PL_TIME;
        ok = parse_time(&p, end, &out->v.i) && p == end;
        break;
    case LIT_TIMESTAMP: {
        int64_t days, ms = 0;
        out->kind = PL_TIMESTAMP;
        ok = parse_date(&p, end, &days);
        if (ok && p < end && (*p == ' ' || *p == 'T')) {
            p++;
            ok = parse_time(&p, end, &ms);
        }
        ok = ok && p == end;
        out->v.i = days * 86400000 + ms;
        break;
    }
    case LIT_INTERVAL:
        ok = parse_interval(l, out);
        break;
    case LIT_BINARY: {
        /* the resolver checked the digits: an even number of them */
        size_t n = l->text.len / 2;
        char *b = arena_alloc(&cc->a, n + 1);
        for (size_t i = 0; i < n; i++)
            b[i] = (char)(hex_val(p[2 * i]) << 4 | hex_val(p[2 * i + 1]));
        b[n] = 0;
        out->kind = PL_BYTES;
        out->text.ptr = b;
        out->text.len = n;
        break;
    }
    }
    if (!ok) {
        diag_error(cc, DIAG_E_BAD_LITERAL, lit->at,
                   "cannot read '%.*s' as a %s literal", (int)l->text.len,
                   l->text.ptr,
                   l->lit_kind == LIT_INTERVAL    ? "INTERVAL"
                   : l->lit_kind == LIT_DATE      ? "DATE"
                   : l->lit_kind == LIT_TIME      ? "TIME"
                                                  : "TIMESTAMP");
        return false;
    }
    return true;
}

bool pexpr_interval_ms(const PExpr *e, int64_t *ms)
{
    if (!e)
        return false;
    if (e->kind == PE_LITERAL && e->lit.kind == PL_INTERVAL_MS) {
        *ms = e->lit.v.i;
        return true;
    }
    if (e->kind == PE_CALL && e->op == PO_NEG && e->n_args == 1) {
        int64_t v;
        if (!pexpr_interval_ms(e->args[0], &v))
            return false;
        *ms = -v;
        return true;
    }
    if (e->kind == PE_CAST && e->n_args == 1)
        return pexpr_interval_ms(e->args[0], ms);
    return false;
}

void explain_duration(StrBuf *out, int64_t ms)
{
    if (ms < 0) {
        strbuf_putc(out, '-');
        ms = -ms;
    }
    if (ms == 0)
        strbuf_puts(out, "0ms");
    else if (ms % 86400000 == 0)
        strbuf_printf(out, "%lldd", (long long)(ms / 86400000));
    else if (ms % 3600000 == 0)
        strbuf_printf(out, "%lldh", (long long)(ms / 3600000));
    else if (ms % 60000 == 0)
        strbuf_printf(out, "%lldmin", (long long)(ms / 60000));
    else if (ms % 1000 == 0)
        strbuf_printf(out, "%llds", (long long)(ms / 1000));
    else
        strbuf_printf(out, "%lldms", (long long)ms);
}
