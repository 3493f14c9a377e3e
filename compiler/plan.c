/*
 * plan.c - from a resolved statement to the physical operator DAG.
 *
 * plan_statement() plans one job (an INSERT, a statement set, a top-level
 * query, or the statement inside EXPLAIN) in three steps:
 *
 *  1. Usage: walk the statement and every view it reaches, and record
 *     which columns of each table are read anywhere (column references,
 *     `*`, window descriptors).  Scans read only those columns
 *     (projection pruning down to the source), lookup joins fetch only
 *     those dimension columns.
 *  2. Build: translate the query tree bottom-up into PNodes.  Views, CTEs
 *     and table sources are memoized per job, so a view referenced twice
 *     (or by several INSERTs of a statement set) is one shared sub-plan.
 *     On the way: WHERE conjuncts that touch one side of a join only are
 *     pushed below the join (probe side of lookup and left joins; either
 *     side of inner joins); IN/EXISTS subqueries become semi/anti joins
 *     (WHERE) or mark joins (inside expressions); joins are classified
 *     (lookup, temporal, interval, regular); Calc over Calc is merged.
 *  3. Finish: collect the reachable nodes in topological order, number
 *     them and count their consumers.
 *
 * Column references are bound by resolve.c (AstColumnRef.source/col); a
 * Scope maps each FROM item to the columns of the row being built.
 */
#include "runtime/fsql.h"
#include "compiler/plan.h"
#include "compiler/catalog.h"
#include "compiler/functions.h"
#include "runtime/agg.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- planner state ------------------------------------------------------ */

typedef struct Memo {
    const void *key;   /* CatTable, CatView, CTE node, TABLE_FUNC_REF node */
    PNode *node;
    int32_t *map;      /* key's columns -> node's columns */
    uint32_t n;
} Memo;

typedef struct Usage {
    const CatTable *table;
    uint8_t *used;     /* per table column */
} Usage;

/* Which output columns of a subquery or view body some consumer reads. */
typedef struct Need {
    const AstNode *q;  /* SELECT / SETOP / WITH / VALUES node */
    uint8_t *cols;
    uint32_t n;
    bool all;
} Need;

typedef struct ViewRefs {
    const void *view;  /* CatView */
    uint32_t n;        /* references in the job (syntactic) */
} ViewRefs;

typedef struct Planner {
    CompileCtx *cc;
    Memo *memo;
    uint32_t n_memo, cap_memo;
    Usage *usage;
    uint32_t n_usage, cap_usage;
    const CatView **seen_views;
    uint32_t n_seen, cap_seen;
    ViewRefs *refs;
    uint32_t n_refs, cap_refs;
    struct Need *needs;
    uint32_t n_needs, cap_needs;
    bool needs_changed;
    AstNode **ctes;    /* CTEs in scope (innermost last) */
    uint32_t n_ctes, cap_ctes;
    int64_t state_ttl_ms;
    uint32_t n_marks;  /* mark-join columns created */
    bool failed;
} Planner;

/* Grow an arena array by doubling (never frees: arena). */
static void *grow(Planner *P, void *arr, uint32_t n, uint32_t *cap,
                  size_t elem)
{
    if (n < *cap)
        return arr;
    uint32_t nc = *cap ? *cap * 2 : 8;
    void *na = arena_zalloc(&P->cc->a, elem * nc);
    if (n)
        memcpy(na, arr, elem * n);
    *cap = nc;
    return na;
}

#define PUSH(P, arr, n, cap, val)                                       \
    do {                                                                \
        (arr) = grow((P), (arr), (n), &(cap), sizeof(*(arr)));          \
        (arr)[(n)++] = (val);                                           \
    } while (0)

static Memo *memo_find(Planner *P, const void *key)
{
    for (uint32_t i = 0; i < P->n_memo; i++)
        if (P->memo[i].key == key)
            return &P->memo[i];
    return NULL;
}

static uint32_t view_refs(Planner *P, const void *v)
{
    for (uint32_t i = 0; i < P->n_refs; i++)
        if (P->refs[i].view == v)
            return P->refs[i].n;
    return 0;
}

static void view_ref_add(Planner *P, const void *v)
{
    for (uint32_t i = 0; i < P->n_refs; i++)
        if (P->refs[i].view == v) {
            P->refs[i].n++;
            return;
        }
    ViewRefs r = {v, 1};
    PUSH(P, P->refs, P->n_refs, P->cap_refs, r);
}

/* Memoize a sub-plan.  Table sources and views or CTEs referenced more
 * than once are pinned: shared by their consumers, never merged into
 * one. */
static void memo_add(Planner *P, const void *key, PNode *node, int32_t *map,
                     uint32_t n)
{
    Memo m = {key, node, map, n};
    if (view_refs(P, key) != 1)
        node->is_pinned = true;
    PUSH(P, P->memo, P->n_memo, P->cap_memo, m);
}

static uint8_t *usage_get(Planner *P, const CatTable *t)
{
    for (uint32_t i = 0; i < P->n_usage; i++)
        if (P->usage[i].table == t)
            return P->usage[i].used;
    Usage u = {t, arena_zalloc(&P->cc->a, t->n_cols ? t->n_cols : 1)};
    PUSH(P, P->usage, P->n_usage, P->cap_usage, u);
    return u.used;
}

static void fail(Planner *P)
{
    P->failed = true;
}

/* ---- small helpers ------------------------------------------------------ */

static Str str_fmt(Planner *P, const char *fmt, int n)
{
    char *s = arena_sprintf(&P->cc->a, fmt, n);
    return str_from_cstr(s);
}

static Str str_upper(Planner *P, Str s)
{
    char *p = arena_strndup(&P->cc->a, s.ptr ? s.ptr : "", s.len);
    for (size_t i = 0; i < s.len; i++)
        p[i] = (char)toupper((unsigned char)p[i]);
    return (Str){p, s.len};
}

static SqlType *ty_bool(Planner *P, bool nullable)
{
    SqlType *t = type_new(&P->cc->a, T_BOOLEAN);
    t->is_nullable = nullable;
    return t;
}

static SqlType *ty_of(Planner *P, const AstNode *e)
{
    if (e && e->type)
        return e->type;
    return type_new(&P->cc->a, T_NULL);
}

static RelSchema *rel_new(Planner *P, uint32_t n)
{
    RelSchema *r = ARENA_NEW(&P->cc->a, RelSchema);
    r->n_cols = n;
    r->cols = ARENA_NEW_ARRAY(&P->cc->a, RelColumn, n ? n : 1);
    return r;
}

/* Make the names of r unique (case-insensitively) by appending 0, 1, ...
 * to later duplicates, as Flink does for join outputs. */
static void rel_uniquify(Planner *P, RelSchema *r)
{
    for (uint32_t i = 1; i < r->n_cols; i++) {
        bool dup = false;
        for (uint32_t j = 0; j < i && !dup; j++)
            dup = str_ieq(r->cols[i].name, r->cols[j].name);
        if (!dup)
            continue;
        for (int k = 0;; k++) {
            char *s = arena_sprintf(&P->cc->a, "%.*s%d",
                                    (int)r->cols[i].name.len,
                                    r->cols[i].name.ptr, k);
            Str cand = str_from_cstr(s);
            bool taken = false;
            for (uint32_t j = 0; j < r->n_cols && !taken; j++)
                taken = j != i && str_ieq(cand, r->cols[j].name);
            if (!taken) {
                r->cols[i].name = cand;
                break;
            }
        }
    }
}

static PNode *node_new(Planner *P, PNodeKind k, uint32_t n_in, PNode **in,
                       RelSchema *out, SrcSpan at)
{
    PNode *n = ARENA_NEW(&P->cc->a, PNode);
    n->kind = k;
    n->out = out;
    n->at = at;
    n->n_inputs = n_in;
    n->inputs = ARENA_NEW_ARRAY(&P->cc->a, PNode *, n_in ? n_in : 1);
    n->is_bounded = true;
    n->changelog = CL_INSERT_ONLY;
    for (uint32_t i = 0; i < n_in; i++) {
        n->inputs[i] = in[i];
        in[i]->n_consumers++;
        if (!in[i]->is_bounded)
            n->is_bounded = false;
        if (in[i]->changelog > n->changelog)
            n->changelog = in[i]->changelog;
    }
    return n;
}

static PNode *node_new1(Planner *P, PNodeKind k, PNode *in, RelSchema *out,
                        SrcSpan at)
{
    return node_new(P, k, 1, &in, out, at);
}

static void node_unlink(PNode *n)
{
    for (uint32_t i = 0; i < n->n_inputs; i++)
        if (n->inputs[i]->n_consumers)
            n->inputs[i]->n_consumers--;
}

/* Option of a table by key (case-sensitive as Flink), or NULL. */
static const char *table_opt(const CatTable *t, const char *key)
{
    return catalog_table_option(t, key);
}

/* Flink durations ("30min", "1h", "10 s"): the catalog's reader. */
static bool dur_ms(const char *s, int64_t *out)
{
    return s && option_parse_duration_ms(str_from_cstr(s), out);
}

static bool is_connector(const CatTable *t, const char *name)
{
    return str_ieq_cstr(t->connector, name);
}

static bool table_is_bounded(const CatTable *t)
{
    if (is_connector(t, "filesystem") || is_connector(t, "jdbc"))
        return true;
    if (is_connector(t, "datagen"))
        return table_opt(t, "number-of-rows") != NULL;
    if (is_connector(t, "kafka") || is_connector(t, "upsert-kafka")) {
        const char *m = table_opt(t, "scan.bounded.mode");
        return m && strcmp(m, "unbounded") != 0;
    }
    return false;
}

/* Whether the table can serve lookups (right side of FOR SYSTEM_TIME AS OF
 * without being a versioned stream). */
static bool table_is_lookup(const CatTable *t)
{
    if (t->conn && t->conn->is_lookup)
        return true;
    return is_connector(t, "jdbc") || is_connector(t, "filesystem");
}

static int32_t table_col_by_name(const CatTable *t, Str name)
{
    for (uint32_t i = 0; i < t->n_cols; i++)
        if (str_ieq(t->cols[i].name, name))
            return (int32_t)i;
    return -1;
}

/* The last part of a column reference's name. */
static Str ref_name(const AstNode *ref)
{
    const QName *q = &ref->u.column_ref.name;
    return q->n_parts ? q->parts[q->n_parts - 1].name : STR_NULL;
}

/* Function name, upper case. */
static Str func_name(Planner *P, const AstNode *fc)
{
    if (fc->u.func_call.func)
        return str_from_cstr(fc->u.func_call.func->name);
    const QName *q = &fc->u.func_call.name;
    return str_upper(P, q->n_parts ? q->parts[q->n_parts - 1].name
                                   : STR_NULL);
}

static const char *const agg_names[] = {
    "COUNT", "SUM", "AVG", "MIN", "MAX", "STDDEV", "STDDEV_POP",
    "STDDEV_SAMP", "VARIANCE", "VAR_POP", "VAR_SAMP", "FIRST_VALUE",
    "LAST_VALUE", "LISTAGG", "COLLECT", "ARRAY_AGG", "PERCENTILE_CONT",
    "PERCENTILE_DISC", "SUM0", "BOOL_AND", "BOOL_OR"};
static const char *const winonly_names[] = {
    "ROW_NUMBER", "RANK", "DENSE_RANK", "LAG", "LEAD", "NTILE",
    "PERCENT_RANK", "CUME_DIST"};

static bool name_in(const AstNode *fc, const char *const *names, size_t n)
{
    const QName *q = &fc->u.func_call.name;
    if (!q->n_parts)
        return false;
    for (size_t i = 0; i < n; i++)
        if (str_ieq_cstr(q->parts[q->n_parts - 1].name, names[i]))
            return true;
    return false;
}

static bool is_agg_call(const AstNode *n)
{
    if (n->kind != AST_FUNC_CALL)
        return false;
    const FuncInfo *f = n->u.func_call.func;
    if (f)
        return f->kind == FUNC_AGGREGATE;
    return name_in(n, agg_names, FSQL_ARRAY_LEN(agg_names));
}

static bool is_window_only(const AstNode *n)
{
    const FuncInfo *f = n->u.func_call.func;
    if (f)
        return f->kind == FUNC_WINDOW_ONLY;
    return name_in(n, winonly_names, FSQL_ARRAY_LEN(winonly_names));
}

static bool is_group_window_call(const AstNode *n)
{
    if (n->kind != AST_FUNC_CALL)
        return false;
    const FuncInfo *f = n->u.func_call.func;
    if (f)
        return f->kind == FUNC_GROUP_WINDOW;
    static const char *const w[] = {"TUMBLE", "HOP", "SESSION", "CUMULATE"};
    return name_in(n, w, 4);
}

static bool is_group_window_aux(const AstNode *n)
{
    if (n->kind != AST_FUNC_CALL)
        return false;
    const FuncInfo *f = n->u.func_call.func;
    if (f)
        return f->kind == FUNC_GROUP_WINDOW_AUX;
    static const char *const w[] = {
        "TUMBLE_START", "TUMBLE_END", "TUMBLE_ROWTIME", "TUMBLE_PROCTIME",
        "HOP_START", "HOP_END", "HOP_ROWTIME", "HOP_PROCTIME",
        "SESSION_START", "SESSION_END", "SESSION_ROWTIME",
        "SESSION_PROCTIME"};
    return name_in(n, w, FSQL_ARRAY_LEN(w));
}

/* ---- generic AST walking ------------------------------------------------ */

/* fn returns true to descend into n's children. */
typedef bool (*AstVisit)(AstNode *n, void *arg);

static void walk(AstNode *n, AstVisit fn, void *arg);

static void walk_list(const AstList *l, AstVisit fn, void *arg)
{
    for (uint32_t i = 0; i < l->n; i++)
        walk(l->items[i], fn, arg);
}

static void walk(AstNode *n, AstVisit fn, void *arg)
{
    if (!n || !fn(n, arg))
        return;
    switch (n->kind) {
    case AST_INSERT:
        walk(n->u.insert.query, fn, arg);
        break;
    case AST_STATEMENT_SET:
        walk_list(&n->u.statement_set.inserts, fn, arg);
        break;
    case AST_EXPLAIN:
        walk(n->u.explain.stmt, fn, arg);
        break;
    case AST_QUERY_STMT:
        walk(n->u.query_stmt.query, fn, arg);
        break;
    case AST_SELECT:
        walk_list(&n->u.select.items, fn, arg);
        walk_list(&n->u.select.from, fn, arg);
        walk(n->u.select.where, fn, arg);
        walk_list(&n->u.select.group_by, fn, arg);
        walk(n->u.select.having, fn, arg);
        walk_list(&n->u.select.windows, fn, arg);
        walk(n->u.select.qualify, fn, arg);
        break;
    case AST_SELECT_ITEM:
        walk(n->u.select_item.expr, fn, arg);
        break;
    case AST_SETOP:
        walk(n->u.setop.left, fn, arg);
        walk(n->u.setop.right, fn, arg);
        break;
    case AST_VALUES:
        walk_list(&n->u.values.rows, fn, arg);
        break;
    case AST_WITH:
        walk_list(&n->u.with.ctes, fn, arg);
        walk(n->u.with.body, fn, arg);
        walk_list(&n->u.with.order_by, fn, arg);
        walk(n->u.with.limit, fn, arg);
        walk(n->u.with.offset, fn, arg);
        break;
    case AST_CTE:
        walk(n->u.cte.query, fn, arg);
        break;
    case AST_ORDER_ITEM:
        walk(n->u.order_item.expr, fn, arg);
        break;
    case AST_TABLE_REF:
        walk(n->u.table_ref.system_time, fn, arg);
        break;
    case AST_SUBQUERY_REF:
        walk(n->u.subquery_ref.query, fn, arg);
        break;
    case AST_JOIN:
        walk(n->u.join.left, fn, arg);
        walk(n->u.join.right, fn, arg);
        walk(n->u.join.on, fn, arg);
        walk_list(&n->u.join.using_cols, fn, arg);
        break;
    case AST_TABLE_FUNC_REF:
        walk(n->u.table_func_ref.call, fn, arg);
        break;
    case AST_MATCH_RECOGNIZE:
        walk(n->u.match_recognize.input, fn, arg);
        walk_list(&n->u.match_recognize.partition_by, fn, arg);
        walk_list(&n->u.match_recognize.order_by, fn, arg);
        walk_list(&n->u.match_recognize.measures, fn, arg);
        walk(n->u.match_recognize.within, fn, arg);
        walk_list(&n->u.match_recognize.defines, fn, arg);
        break;
    case AST_UNNEST_REF:
        walk_list(&n->u.unnest_ref.args, fn, arg);
        break;
    case AST_MEASURE:
        walk(n->u.measure.expr, fn, arg);
        break;
    case AST_DEFINE:
        walk(n->u.define.cond, fn, arg);
        break;
    case AST_WINDOW_SPEC:
        walk_list(&n->u.window_spec.partition_by, fn, arg);
        walk_list(&n->u.window_spec.order_by, fn, arg);
        walk(n->u.window_spec.frame_start, fn, arg);
        walk(n->u.window_spec.frame_end, fn, arg);
        break;
    case AST_WINDOW_DEF:
        walk(n->u.window_def.spec, fn, arg);
        break;
    case AST_FRAME_BOUND:
        walk(n->u.frame_bound.offset, fn, arg);
        break;
    case AST_UNARY:
        walk(n->u.unary.arg, fn, arg);
        break;
    case AST_BINARY:
        walk(n->u.binary.left, fn, arg);
        walk(n->u.binary.right, fn, arg);
        break;
    case AST_IS:
        walk(n->u.is.arg, fn, arg);
        walk(n->u.is.rhs, fn, arg);
        break;
    case AST_BETWEEN:
        walk(n->u.between.arg, fn, arg);
        walk(n->u.between.low, fn, arg);
        walk(n->u.between.high, fn, arg);
        break;
    case AST_IN_LIST:
        walk(n->u.in_list.arg, fn, arg);
        walk_list(&n->u.in_list.list, fn, arg);
        break;
    case AST_IN_SUBQUERY:
        walk(n->u.in_subquery.arg, fn, arg);
        walk(n->u.in_subquery.query, fn, arg);
        break;
    case AST_EXISTS:
        walk(n->u.exists.query, fn, arg);
        break;
    case AST_SUBQUERY_EXPR:
        walk(n->u.subquery_expr.query, fn, arg);
        break;
    case AST_LIKE:
        walk(n->u.like.arg, fn, arg);
        walk(n->u.like.pattern, fn, arg);
        walk(n->u.like.escape, fn, arg);
        break;
    case AST_CASE:
        walk(n->u.case_.operand, fn, arg);
        walk_list(&n->u.case_.whens, fn, arg);
        walk(n->u.case_.else_expr, fn, arg);
        break;
    case AST_WHEN:
        walk(n->u.when.cond, fn, arg);
        walk(n->u.when.result, fn, arg);
        break;
    case AST_CAST:
        walk(n->u.cast.arg, fn, arg);
        break;
    case AST_EXTRACT:
        walk(n->u.extract.arg, fn, arg);
        break;
    case AST_FUNC_CALL:
        walk_list(&n->u.func_call.args, fn, arg);
        walk(n->u.func_call.filter, fn, arg);
        walk_list(&n->u.func_call.within_group, fn, arg);
        walk(n->u.func_call.over, fn, arg);
        break;
    case AST_TABLE_ARG:
        walk(n->u.table_arg.query, fn, arg);
        break;
    case AST_NAMED_ARG:
        walk(n->u.named_arg.value, fn, arg);
        break;
    case AST_ROW_CTOR:
    case AST_ARRAY_CTOR:
    case AST_MAP_CTOR:
        walk_list(&n->u.ctor.items, fn, arg);
        break;
    case AST_SUBSCRIPT:
        walk(n->u.subscript.base, fn, arg);
        walk(n->u.subscript.index, fn, arg);
        break;
    case AST_FIELD_ACCESS:
        walk(n->u.field_access.base, fn, arg);
        break;
    default:
        break;
    }
}

static bool is_subquery_node(const AstNode *n)
{
    return n->kind == AST_IN_SUBQUERY || n->kind == AST_EXISTS
           || n->kind == AST_SUBQUERY_EXPR;
}

/* ---- step 1: column usage ----------------------------------------------- */

static Need *need_find(Planner *P, const AstNode *q)
{
    for (uint32_t i = 0; i < P->n_needs; i++)
        if (P->needs[i].q == q)
            return &P->needs[i];
    return NULL;
}

static Need *need_reg(Planner *P, const AstNode *q)
{
    Need *nd = need_find(P, q);
    if (nd)
        return nd;
    Need x = {q, NULL, 0, false};
    if (q->rel && q->rel->n_cols) {
        x.n = q->rel->n_cols;
        x.cols = arena_zalloc(&P->cc->a, x.n);
    } else {
        x.all = true;
    }
    PUSH(P, P->needs, P->n_needs, P->cap_needs, x);
    P->needs_changed = true;
    return &P->needs[P->n_needs - 1];
}

static void need_mark(Planner *P, const AstNode *q, int32_t col)
{
    Need *nd = need_reg(P, q);
    if (nd->all)
        return;
    if (col < 0 || (uint32_t)col >= nd->n) {
        nd->all = true;
        P->needs_changed = true;
    } else if (!nd->cols[col]) {
        nd->cols[col] = 1;
        P->needs_changed = true;
    }
}

static void need_all(Planner *P, const AstNode *q)
{
    Need *nd = need_reg(P, q);
    if (!nd->all) {
        nd->all = true;
        P->needs_changed = true;
    }
}

/* Whether select item i of q is read by some consumer. */
static bool item_needed(Planner *P, const AstNode *q, uint32_t i)
{
    const Need *nd = need_find(P, q);
    if (!nd || nd->all || q->kind != AST_SELECT || q->u.select.is_distinct)
        return true;
    const AstList *items = &q->u.select.items;
    for (uint32_t k = 0; k < items->n; k++)
        if (items->items[k]->u.select_item.expr->kind == AST_STAR)
            return true;
    return i >= nd->n || nd->cols[i];
}

/* The query whose output a FROM item is, for subqueries and views. */
static const AstNode *source_query(const AstNode *src)
{
    if (src->kind == AST_SUBQUERY_REF)
        return src->u.subquery_ref.query;
    if (src->kind == AST_TABLE_REF && src->u.table_ref.view)
        return src->u.table_ref.view->query;
    return NULL;
}

static const CatTable *tfr_table(Planner *P, const AstNode *tfr,
                                 const CatView **view);

static void mark_all_under(Planner *P, AstNode *item, const QName *qual)
{
    if (!item)
        return;
    switch (item->kind) {
    case AST_TABLE_REF: {
        const AstTableRef *tr = &item->u.table_ref;
        if (!tr->table)
            break;
        if (qual && qual->n_parts) {
            Str q = qual->parts[qual->n_parts - 1].name;
            Str nm = tr->has_alias ? tr->alias.name
                                   : tr->name.parts[tr->name.n_parts - 1].name;
            if (!str_ieq(q, nm))
                break;
        }
        uint8_t *u = usage_get(P, tr->table);
        memset(u, 1, tr->table->n_cols);
        break;
    }
    case AST_JOIN:
        mark_all_under(P, item->u.join.left, qual);
        mark_all_under(P, item->u.join.right, qual);
        break;
    case AST_TABLE_FUNC_REF: {
        const CatView *v = NULL;
        const CatTable *t = tfr_table(P, item, &v);
        if (t)
            memset(usage_get(P, t), 1, t->n_cols);
        if (v && v->query)
            need_all(P, v->query);
        break;
    }
    default:
        break;
    }
    const AstNode *sq = source_query(item);
    if (sq)
        need_all(P, sq);
}

static void mark_ref(Planner *P, const AstNode *ref)
{
    const AstColumnRef *cr = &ref->u.column_ref;
    const AstNode *src = cr->source;
    if (!src || cr->col < 0)
        return;
    if (src->kind == AST_TABLE_REF && src->u.table_ref.table) {
        const CatTable *t = src->u.table_ref.table;
        if ((uint32_t)cr->col < t->n_cols)
            usage_get(P, t)[cr->col] = 1;
    } else if (src->kind == AST_TABLE_FUNC_REF) {
        const CatView *v = NULL;
        const CatTable *t = tfr_table(P, src, &v);
        if (t && (uint32_t)cr->col < t->n_cols)
            usage_get(P, t)[cr->col] = 1;
        if (v && v->query)
            need_all(P, v->query);
    } else {
        const AstNode *sq = source_query(src);
        if (sq)
            need_mark(P, sq, cr->col);
    }
}

static void need_propagate(Planner *P, const AstNode *from, const AstNode *to)
{
    const Need *nd = need_find(P, from);
    if (!nd || nd->all || (from->kind == AST_SETOP && !from->u.setop.is_all)) {
        need_all(P, to);
        return;
    }
    need_reg(P, to);
    for (uint32_t i = 0; i < nd->n; i++)
        if (nd->cols[i])
            need_mark(P, to, (int32_t)i);
}

static bool use_visit(AstNode *n, void *arg);

static void use_select(Planner *P, AstNode *n)
{
    const AstSelect *s = &n->u.select;
    for (uint32_t i = 0; i < s->items.n; i++)
        if (item_needed(P, n, i))
            walk(s->items.items[i], use_visit, P);
    walk_list(&s->from, use_visit, P);
    walk(s->where, use_visit, P);
    walk_list(&s->group_by, use_visit, P);
    walk(s->having, use_visit, P);
    walk_list(&s->windows, use_visit, P);
    walk(s->qualify, use_visit, P);
}

static bool view_seen(Planner *P, const CatView *v)
{
    for (uint32_t i = 0; i < P->n_seen; i++)
        if (P->seen_views[i] == v)
            return true;
    PUSH(P, P->seen_views, P->n_seen, P->cap_seen, v);
    return false;
}

static bool use_visit(AstNode *n, void *arg)
{
    Planner *P = arg;
    switch (n->kind) {
    case AST_COLUMN_REF:
        mark_ref(P, n);
        break;
    case AST_TABLE_REF: {
        const CatView *v = n->u.table_ref.view;
        if (v)
            view_ref_add(P, v);
        if (v && v->query) {
            need_reg(P, v->query);
            if (!view_seen(P, v))
                walk(v->query, use_visit, P);
        }
        break;
    }
    case AST_SUBQUERY_REF:
        need_reg(P, n->u.subquery_ref.query);
        break;
    case AST_MATCH_RECOGNIZE:
        /* ALL ROWS PER MATCH passes every input column through, and
         * references to them are bound by position in that output. */
        if (n->u.match_recognize.rows_per_match != RPM_ONE_ROW)
            mark_all_under(P, n->u.match_recognize.input, NULL);
        break;
    case AST_SETOP:
        need_propagate(P, n, n->u.setop.left);
        need_propagate(P, n, n->u.setop.right);
        break;
    case AST_WITH:
        need_propagate(P, n, n->u.with.body);
        break;
    case AST_SELECT: {
        const AstSelect *s = &n->u.select;
        for (uint32_t i = 0; i < s->items.n; i++) {
            AstNode *e = s->items.items[i]->u.select_item.expr;
            if (e && e->kind == AST_STAR)
                for (uint32_t j = 0; j < s->from.n; j++)
                    mark_all_under(P, s->from.items[j],
                                   &e->u.star.qualifier);
        }
        use_select(P, n);
        return false;
    }
    case AST_TABLE_FUNC_REF: {
        const CatView *v = NULL;
        const CatTable *t = tfr_table(P, n, &v);
        if (v && v->query && !view_seen(P, v))
            walk(v->query, use_visit, P);
        /* The DESCRIPTOR column is the window's time attribute. */
        AstNode *call = n->u.table_func_ref.call;
        if (t && call && call->kind == AST_FUNC_CALL) {
            for (uint32_t i = 0; i < call->u.func_call.args.n; i++) {
                AstNode *a = call->u.func_call.args.items[i];
                if (a->kind == AST_NAMED_ARG)
                    a = a->u.named_arg.value;
                if (a && a->kind == AST_DESCRIPTOR_ARG) {
                    const AstList *cl = &a->u.descriptor_arg.columns;
                    for (uint32_t k = 0; k < cl->n; k++) {
                        int32_t c = table_col_by_name(t, ref_name(cl->items[k]));
                        if (c >= 0)
                            usage_get(P, t)[c] = 1;
                    }
                }
            }
        }
        break;
    }
    default:
        break;
    }
    return true;
}

/* ---- scopes and expression translation ---------------------------------- */

typedef struct ScopeEntry {
    const AstNode *src; /* FROM item */
    int32_t *map;       /* src column -> row column, -1 if absent */
    uint32_t n;
} ScopeEntry;

typedef struct Subst {
    const AstNode *ast;
    PExpr *expr;
    bool structural;    /* also matches structurally equal expressions */
} Subst;

typedef struct Scope {
    ScopeEntry *e;
    uint32_t n, cap;
    Subst *s;
    uint32_t ns, caps;
    const RelSchema *row;     /* the row expressions are evaluated on */
    const CatTable *table;    /* table mode (computed columns, watermark) */
    int32_t *table_map;
    const AstNode *select;    /* for references to SELECT aliases */
    const AstNode *mr;        /* inside MATCH_RECOGNIZE */
    bool after_agg;
} Scope;

static void scope_add(Planner *P, Scope *sc, const AstNode *src, int32_t *map,
                      uint32_t n)
{
    ScopeEntry e = {src, map, n};
    PUSH(P, sc->e, sc->n, sc->cap, e);
}

static void scope_subst(Planner *P, Scope *sc, const AstNode *ast, PExpr *x,
                        bool structural)
{
    Subst s = {ast, x, structural};
    PUSH(P, sc->s, sc->ns, sc->caps, s);
}

static int32_t *map_identity(Planner *P, uint32_t n, int32_t base)
{
    int32_t *m = ARENA_NEW_ARRAY(&P->cc->a, int32_t, n ? n : 1);
    for (uint32_t i = 0; i < n; i++)
        m[i] = base + (int32_t)i;
    return m;
}

static int32_t *map_copy(Planner *P, const int32_t *src, uint32_t n,
                         int32_t delta)
{
    int32_t *m = ARENA_NEW_ARRAY(&P->cc->a, int32_t, n ? n : 1);
    for (uint32_t i = 0; i < n; i++)
        m[i] = src[i] >= 0 ? src[i] + delta : -1;
    return m;
}

static void scope_shift(Scope *sc, uint32_t from, int32_t delta)
{
    for (uint32_t i = from; i < sc->n; i++)
        for (uint32_t c = 0; c < sc->e[i].n; c++)
            if (sc->e[i].map[c] >= 0)
                sc->e[i].map[c] += delta;
}

static PExpr *tx(Planner *P, Scope *sc, AstNode *e);

static PExpr *ref_at(Planner *P, Scope *sc, int32_t idx, AstNode *e)
{
    SqlType *t = e && e->type ? e->type : NULL;
    if (!t && sc->row && idx >= 0 && (uint32_t)idx < sc->row->n_cols)
        t = sc->row->cols[idx].type;
    PExpr *r = pexpr_input_ref(P->cc, idx, t);
    if (e)
        r->at = e->at;
    return r;
}

static PExpr *tx_table_col(Planner *P, Scope *sc, int32_t c, AstNode *e)
{
    const CatTable *t = sc->table;
    if (sc->table_map[c] >= 0)
        return ref_at(P, sc, sc->table_map[c], e);
    if (t->cols[c].kind == COL_COMPUTED && t->cols[c].expr)
        return tx(P, sc, t->cols[c].expr);
    diag_error(P->cc, DIAG_E_UNSUPPORTED, e ? e->at : (SrcSpan){0, 0},
               "cannot use column '%.*s' of table '%.*s' here",
               (int)t->cols[c].name.len, t->cols[c].name.ptr,
               (int)t->name.len, t->name.ptr);
    fail(P);
    return NULL;
}

static PExpr *tx_column(Planner *P, Scope *sc, AstNode *e)
{
    const AstColumnRef *cr = &e->u.column_ref;
    Str name = ref_name(e);
    if (sc->table) {
        int32_t c = cr->col;
        if (c < 0 || (uint32_t)c >= sc->table->n_cols
            || !str_ieq(sc->table->cols[c].name, name))
            c = table_col_by_name(sc->table, name);
        if (c >= 0)
            return tx_table_col(P, sc, c, e);
    }
    if (cr->depth > 0) {
        diag_error(P->cc, DIAG_E_UNSUPPORTED, e->at,
                   "cannot use column '%.*s' of an enclosing query here",
                   (int)name.len, name.ptr);
        diag_detail(P->cc, "fsql does not support correlated subqueries.");
        diag_hint(P->cc, "Rewrite the subquery as a join.");
        fail(P);
        return NULL;
    }
    if (cr->source && sc->select && cr->source == sc->select) {
        const AstList *items = &sc->select->u.select.items;
        if (cr->col >= 0 && (uint32_t)cr->col < items->n)
            return tx(P, sc, items->items[cr->col]->u.select_item.expr);
    }
    PExpr *r = NULL;
    for (uint32_t i = 0; i < sc->n && !r; i++) {
        if (sc->e[i].src != cr->source)
            continue;
        if (cr->col >= 0 && (uint32_t)cr->col < sc->e[i].n
            && sc->e[i].map[cr->col] >= 0)
            r = ref_at(P, sc, sc->e[i].map[cr->col], e);
    }
    if (!r && sc->row && !sc->after_agg) {
        /* Fallback: by name in the current row (unique match only). */
        int32_t found = -1, hits = 0;
        for (uint32_t i = 0; i < sc->row->n_cols; i++)
            if (str_ieq(sc->row->cols[i].name, name)) {
                found = (int32_t)i;
                hits++;
            }
        if (hits == 1)
            r = ref_at(P, sc, found, e);
    }
    if (!r) {
        if (sc->after_agg) {
            diag_error(P->cc, DIAG_E_NOT_GROUPED, e->at,
                       "column '%.*s' must appear in GROUP BY or be used "
                       "in an aggregate function",
                       (int)name.len, name.ptr);
        } else {
            diag_error(P->cc, DIAG_E_UNSUPPORTED, e->at,
                       "cannot use column '%.*s' here", (int)name.len,
                       name.ptr);
        }
        fail(P);
        return NULL;
    }
    if (cr->pattern_var.len)
        r->var = cr->pattern_var;
    return r;
}

static PExpr *tx_args(Planner *P, Scope *sc, PExpr *call, const AstList *l)
{
    call->n_args = l->n;
    call->args = ARENA_NEW_ARRAY(&P->cc->a, PExpr *, l->n ? l->n : 1);
    for (uint32_t i = 0; i < l->n; i++) {
        AstNode *a = l->items[i];
        if (a->kind == AST_NAMED_ARG)
            a = a->u.named_arg.value;
        if (a->kind == AST_TIME_UNIT_ARG) {
            PExpr *s = pexpr_new(P->cc, PE_LITERAL,
                                 type_new(&P->cc->a, T_SYMBOL), a->at);
            s->lit.kind = PL_SYMBOL;
            s->unit = a->u.time_unit_arg.unit;
            s->lit.text = str_from_cstr(time_unit_name(s->unit));
            call->args[i] = s;
            continue;
        }
        call->args[i] = tx(P, sc, a);
        if (!call->args[i])
            return NULL;
    }
    return call;
}

static PExpr *mk(Planner *P, PExprKind k, AstNode *e)
{
    return pexpr_new(P->cc, k, ty_of(P, e), e->at);
}

static PExpr *mk_call(Planner *P, POp op, AstNode *e, uint32_t n, ...);

static PExpr *tx_case(Planner *P, Scope *sc, AstNode *e)
{
    const AstCase *c = &e->u.case_;
    PExpr *x = mk(P, PE_CASE, e);
    uint32_t n = c->whens.n * 2 + 1;
    x->n_args = n;
    x->args = ARENA_NEW_ARRAY(&P->cc->a, PExpr *, n);
    PExpr *operand = NULL;
    if (c->operand && !(operand = tx(P, sc, c->operand)))
        return NULL;
    for (uint32_t i = 0; i < c->whens.n; i++) {
        AstNode *w = c->whens.items[i];
        PExpr *cond = tx(P, sc, w->u.when.cond);
        PExpr *res = tx(P, sc, w->u.when.result);
        if (!cond || !res)
            return NULL;
        if (operand) {
            PExpr *args[2] = {pexpr_copy(P->cc, operand), cond};
            cond = pexpr_call(P->cc, PO_EQ, ty_bool(P, true), 2, args);
        }
        x->args[2 * i] = cond;
        x->args[2 * i + 1] = res;
    }
    if (c->else_expr) {
        if (!(x->args[n - 1] = tx(P, sc, c->else_expr)))
            return NULL;
    } else {
        PExpr *nl = pexpr_new(P->cc, PE_LITERAL, x->type, e->at);
        nl->lit.kind = PL_NULL;
        nl->lit.text = STR_LIT("NULL");
        x->args[n - 1] = nl;
    }
    return x;
}

static PExpr *tx(Planner *P, Scope *sc, AstNode *e)
{
    if (!e)
        return NULL;
    for (uint32_t i = sc->ns; i-- > 0;) {
        const Subst *s = &sc->s[i];
        if (s->ast == e || (s->structural && ast_expr_equal(s->ast, e))) {
            PExpr *r = pexpr_copy(P->cc, s->expr);
            r->at = e->at;
            return r;
        }
    }
    PExpr *x;
    switch (e->kind) {
    case AST_COLUMN_REF:
        return tx_column(P, sc, e);
    case AST_LITERAL:
        x = mk(P, PE_LITERAL, e);
        if (!plan_parse_literal(P->cc, e, &x->lit)) {
            fail(P);
            return NULL;
        }
        x->unit = e->u.literal.unit;
        return x;
    case AST_UNARY: {
        PExpr *a = tx(P, sc, e->u.unary.arg);
        if (!a)
            return NULL;
        if (e->u.unary.op == UOP_PLUS)
            return a;
        return mk_call(P, e->u.unary.op == UOP_NEG ? PO_NEG : PO_NOT, e, 1,
                       a);
    }
    case AST_BINARY: {
        static const POp ops[] = {PO_ADD, PO_SUB, PO_MUL, PO_DIV, PO_MOD,
                                  PO_CONCAT, PO_EQ, PO_NE, PO_LT, PO_LE,
                                  PO_GT, PO_GE, PO_AND, PO_OR};
        PExpr *l = tx(P, sc, e->u.binary.left);
        PExpr *r = tx(P, sc, e->u.binary.right);
        if (!l || !r)
            return NULL;
        return mk_call(P, ops[e->u.binary.op], e, 2, l, r);
    }
    case AST_IS: {
        const AstIs *is = &e->u.is;
        PExpr *a = tx(P, sc, is->arg);
        if (!a)
            return NULL;
        switch (is->what) {
        case IS_NULL:
        case IS_UNKNOWN:
            return mk_call(P, is->is_not ? PO_IS_NOT_NULL : PO_IS_NULL, e, 1,
                           a);
        case IS_TRUE:
            return mk_call(P, is->is_not ? PO_IS_NOT_TRUE : PO_IS_TRUE, e, 1,
                           a);
        case IS_FALSE:
            return mk_call(P, is->is_not ? PO_IS_NOT_FALSE : PO_IS_FALSE, e,
                           1, a);
        case IS_DISTINCT_FROM: {
            PExpr *b = tx(P, sc, is->rhs);
            if (!b)
                return NULL;
            return mk_call(P,
                           is->is_not ? PO_IS_NOT_DISTINCT_FROM
                                      : PO_IS_DISTINCT_FROM,
                           e, 2, a, b);
        }
        }
        return NULL;
    }
    case AST_BETWEEN: {
        PExpr *a = tx(P, sc, e->u.between.arg);
        PExpr *lo = tx(P, sc, e->u.between.low);
        PExpr *hi = tx(P, sc, e->u.between.high);
        if (!a || !lo || !hi)
            return NULL;
        return mk_call(P, e->u.between.is_not ? PO_NOT_BETWEEN : PO_BETWEEN,
                       e, 3, a, lo, hi);
    }
    case AST_IN_LIST: {
        x = mk(P, PE_IN_LIST, e);
        x->is_not = e->u.in_list.is_not;
        const AstList *l = &e->u.in_list.list;
        x->n_args = l->n + 1;
        x->args = ARENA_NEW_ARRAY(&P->cc->a, PExpr *, l->n + 1);
        if (!(x->args[0] = tx(P, sc, e->u.in_list.arg)))
            return NULL;
        for (uint32_t i = 0; i < l->n; i++)
            if (!(x->args[i + 1] = tx(P, sc, l->items[i])))
                return NULL;
        return x;
    }
    case AST_LIKE: {
        const AstLike *lk = &e->u.like;
        POp op = lk->is_similar ? (lk->is_not ? PO_NOT_SIMILAR : PO_SIMILAR)
                                : (lk->is_not ? PO_NOT_LIKE : PO_LIKE);
        PExpr *a = tx(P, sc, lk->arg), *p = tx(P, sc, lk->pattern);
        if (!a || !p)
            return NULL;
        if (lk->escape) {
            PExpr *esc = tx(P, sc, lk->escape);
            if (!esc)
                return NULL;
            return mk_call(P, op, e, 3, a, p, esc);
        }
        return mk_call(P, op, e, 2, a, p);
    }
    case AST_CASE:
        return tx_case(P, sc, e);
    case AST_CAST: {
        PExpr *a = tx(P, sc, e->u.cast.arg);
        if (!a)
            return NULL;
        x = mk(P, PE_CAST, e);
        if (e->u.cast.type && e->u.cast.type->type && !e->type)
            x->type = e->u.cast.type->type;
        x->is_try = e->u.cast.is_try;
        x->n_args = 1;
        x->args = ARENA_NEW_ARRAY(&P->cc->a, PExpr *, 1);
        x->args[0] = a;
        return x;
    }
    case AST_EXTRACT: {
        PExpr *a = tx(P, sc, e->u.extract.arg);
        if (!a)
            return NULL;
        x = mk_call(P, PO_EXTRACT, e, 1, a);
        x->unit = e->u.extract.unit;
        return x;
    }
    case AST_FUNC_CALL: {
        const AstFuncCall *fc = &e->u.func_call;
        if (sc->mr && is_agg_call(e)) {
            x = mk(P, PE_AGG_CALL, e);
            x->name = func_name(P, e);
            x->func = fc->func;
            x->is_distinct = fc->is_distinct;
            x->nav = fc->nav; /* issue 7: RUNNING / FINAL */
            if (!tx_args(P, sc, x, &fc->args))
                return NULL;
            /* The variable the aggregate ranges over. */
            x->var = fc->star_var.name; /* COUNT(A.*) */
            for (uint32_t i = 0; i < x->n_args && !x->var.len; i++)
                if (x->args[i]->kind == PE_INPUT_REF)
                    x->var = x->args[i]->var;
            return x;
        }
        if (fc->over || is_agg_call(e) || is_window_only(e)
            || is_group_window_aux(e) || is_group_window_call(e)) {
            Str nm = func_name(P, e);
            diag_error(P->cc, DIAG_E_AGG_MISUSE, e->at,
                       "cannot use '%.*s' here", (int)nm.len, nm.ptr);
            fail(P);
            return NULL;
        }
        x = mk(P, PE_CALL, e);
        x->op = PO_FUNC;
        x->func = fc->func;
        x->name = func_name(P, e);
        x->nav = fc->nav; /* issue 7: RUNNING / FINAL (MATCH_RECOGNIZE) */
        /* TRIM(LEADING|TRAILING [c] FROM s): the run-time function
         * names carry the side (runtime/func.c). */
        if (fc->has_trim_mode && fc->trim_mode == 1)
            x->name = STR_LIT("$TRIM_LEADING");
        else if (fc->has_trim_mode && fc->trim_mode == 2)
            x->name = STR_LIT("$TRIM_TRAILING");
        return tx_args(P, sc, x, &fc->args);
    }
    case AST_ROW_CTOR:
    case AST_ARRAY_CTOR:
    case AST_MAP_CTOR:
        x = mk(P, PE_CALL, e);
        x->op = e->kind == AST_ROW_CTOR     ? PO_ROW
                : e->kind == AST_ARRAY_CTOR ? PO_ARRAY
                                            : PO_MAP;
        return tx_args(P, sc, x, &e->u.ctor.items);
    case AST_SUBSCRIPT: {
        PExpr *b = tx(P, sc, e->u.subscript.base);
        PExpr *i = tx(P, sc, e->u.subscript.index);
        if (!b || !i)
            return NULL;
        return mk_call(P, PO_ITEM, e, 2, b, i);
    }
    case AST_FIELD_ACCESS: {
        PExpr *b = tx(P, sc, e->u.field_access.base);
        if (!b)
            return NULL;
        x = mk_call(P, PO_FIELD, e, 1, b);
        x->name = e->u.field_access.field.name;
        return x;
    }
    case AST_IN_SUBQUERY:
    case AST_EXISTS:
    case AST_SUBQUERY_EXPR:
        diag_error(P->cc, DIAG_E_SUBQUERY, e->at,
                   "cannot use a subquery here");
        diag_detail(P->cc, "fsql plans IN and EXISTS subqueries in WHERE "
                           "and in SELECT expressions of a plain query; "
                           "scalar subqueries are not supported.");
        fail(P);
        return NULL;
    default:
        diag_error(P->cc, DIAG_E_UNSUPPORTED, e->at,
                   "cannot use %s here", ast_kind_name(e->kind));
        fail(P);
        return NULL;
    }
}

static PExpr *mk_call(Planner *P, POp op, AstNode *e, uint32_t n, ...)
{
    PExpr *args[4];
    va_list ap;
    va_start(ap, n);
    for (uint32_t i = 0; i < n && i < 4; i++)
        args[i] = va_arg(ap, PExpr *);
    va_end(ap);
    PExpr *x = pexpr_call(P->cc, op, ty_of(P, e), n, args);
    x->at = e->at;
    return x;
}

/* ---- Calc construction and merging ---------------------------------------- */

static void count_ref(PExpr *ref, void *arg)
{
    uint32_t *counts = arg;
    counts[ref->idx]++;
}

static bool calc_mergeable(Planner *P, const PNode *lower, PExpr *where,
                           uint32_t n, PExpr **proj)
{
    uint32_t w = lower->out->n_cols;
    uint32_t *counts = ARENA_NEW_ARRAY(&P->cc->a, uint32_t, w ? w : 1);
    pexpr_for_each_ref(where, count_ref, counts);
    for (uint32_t i = 0; i < n; i++)
        pexpr_for_each_ref(proj[i], count_ref, counts);
    for (uint32_t i = 0; i < w; i++) {
        const PExpr *x = lower->u.calc.proj[i];
        bool trivial = x->kind == PE_INPUT_REF || x->kind == PE_LITERAL;
        if (counts[i] > 1 && !trivial)
            return false; /* merging would evaluate it twice */
    }
    return true;
}

static Str expr_default_name(Planner *P, const PNode *in, const PExpr *x,
                             uint32_t i)
{
    int32_t idx;
    if (pexpr_is_ref(x, &idx) && (uint32_t)idx < in->out->n_cols)
        return in->out->cols[idx].name;
    return str_fmt(P, "EXPR$%d", (int)i);
}

static PNode *make_calc(Planner *P, PNode *in, PExpr *where, uint32_t n,
                        PExpr **proj, const Str *names, SrcSpan at)
{
    bool identity = !where && n == in->out->n_cols;
    for (uint32_t i = 0; i < n && identity; i++) {
        int32_t idx;
        identity = pexpr_is_ref(proj[i], &idx) && idx == (int32_t)i
                   && (!names || str_ieq(names[i], in->out->cols[i].name));
    }
    if (identity)
        return in;
    if (in->kind == PN_CALC && !in->is_pinned && in->n_consumers == 0
        && calc_mergeable(P, in, where, n, proj)) {
        PExpr **sub = in->u.calc.proj;
        PExpr *w = pexpr_and(P->cc, in->u.calc.where,
                             pexpr_substitute(P->cc, where, sub));
        PExpr **np = ARENA_NEW_ARRAY(&P->cc->a, PExpr *, n ? n : 1);
        Str *nn = ARENA_NEW_ARRAY(&P->cc->a, Str, n ? n : 1);
        for (uint32_t i = 0; i < n; i++) {
            np[i] = pexpr_substitute(P->cc, proj[i], sub);
            nn[i] = names ? names[i] : expr_default_name(P, in, proj[i], i);
        }
        PNode *base = in->inputs[0];
        node_unlink(in);
        return make_calc(P, base, w, n, np, nn, at);
    }
    RelSchema *out = rel_new(P, n);
    for (uint32_t i = 0; i < n; i++) {
        out->cols[i].name = names ? names[i]
                                  : expr_default_name(P, in, proj[i], i);
        out->cols[i].type = proj[i]->type;
    }
    rel_uniquify(P, out);
    PNode *c = node_new1(P, PN_CALC, in, out, at);
    c->u.calc.where = where;
    c->u.calc.n_proj = n;
    c->u.calc.proj = proj;
    return c;
}

/* A Calc that filters and keeps every column. */
static PNode *make_filter(Planner *P, PNode *in, PExpr *where, SrcSpan at)
{
    if (!where)
        return in;
    uint32_t n = in->out->n_cols;
    PExpr **proj = ARENA_NEW_ARRAY(&P->cc->a, PExpr *, n ? n : 1);
    for (uint32_t i = 0; i < n; i++)
        proj[i] = pexpr_input_ref(P->cc, (int32_t)i, in->out->cols[i].type);
    Str *names = ARENA_NEW_ARRAY(&P->cc->a, Str, n ? n : 1);
    for (uint32_t i = 0; i < n; i++)
        names[i] = in->out->cols[i].name;
    return make_calc(P, in, where, n, proj, names, at);
}

/* ---- table sources ----------------------------------------------------- */

static bool deps_visit(AstNode *n, void *arg)
{
    void **a = arg;
    const CatTable *t = a[0];
    uint8_t *need = a[1];
    if (n->kind == AST_COLUMN_REF) {
        int32_t c = n->u.column_ref.col;
        if (c < 0 || (uint32_t)c >= t->n_cols
            || !str_ieq(t->cols[c].name, ref_name(n)))
            c = table_col_by_name(t, ref_name(n));
        if (c >= 0)
            need[c] = 1;
    }
    return true;
}

/* The memoized source of table t in this job: TableSourceScan of the used
 * physical/metadata columns, a Calc for computed columns, and a
 * WatermarkAssigner.  *map receives table column -> output column. */
static PNode *table_source(Planner *P, const CatTable *t, int32_t **map_out,
                           SrcSpan at)
{
    Memo *m = memo_find(P, t);
    if (m) {
        *map_out = m->map;
        return m->node;
    }
    uint32_t nc = t->n_cols;
    uint8_t *need = ARENA_NEW_ARRAY(&P->cc->a, uint8_t, nc ? nc : 1);
    memcpy(need, usage_get(P, t), nc);
    void *arg[2] = {(void *)t, need};
    if (t->watermark_col >= 0) {
        need[t->watermark_col] = 1;
        walk(t->watermark_expr, deps_visit, arg);
    }
    for (bool changed = true; changed;) {
        changed = false;
        for (uint32_t c = 0; c < nc; c++) {
            if (!need[c] || t->cols[c].kind != COL_COMPUTED)
                continue;
            uint8_t before[512];
            uint32_t k = nc < 512 ? nc : 512;
            memcpy(before, need, k);
            walk(t->cols[c].expr, deps_visit, arg);
            if (memcmp(before, need, k) != 0)
                changed = true;
        }
    }
    /* The scan: physical and metadata columns in table order. */
    uint32_t nf = 0;
    for (uint32_t c = 0; c < nc; c++)
        if (need[c] && t->cols[c].kind != COL_COMPUTED)
            nf++;
    RelSchema *out = rel_new(P, nf);
    uint32_t *fields = ARENA_NEW_ARRAY(&P->cc->a, uint32_t, nf ? nf : 1);
    int32_t *map = ARENA_NEW_ARRAY(&P->cc->a, int32_t, nc ? nc : 1);
    nf = 0;
    for (uint32_t c = 0; c < nc; c++) {
        map[c] = -1;
        if (!need[c] || t->cols[c].kind == COL_COMPUTED)
            continue;
        fields[nf] = c;
        out->cols[nf].name = t->cols[c].name;
        out->cols[nf].type = catalog_column_type(t, c);
        map[c] = (int32_t)nf++;
    }
    PNode *node = node_new(P, PN_TABLE_SOURCE_SCAN, 0, NULL, out, at);
    node->u.scan.table = (CatTable *)t;
    node->u.scan.n_fields = nf;
    node->u.scan.fields = fields;
    node->u.scan.is_bounded = table_is_bounded(t);
    node->is_bounded = node->u.scan.is_bounded;
    /* The upsert-kafka source keeps the last value per key and sends
     * retractions (-U before +U, -D): runtime/conn_upsert_kafka.c. */
    if (is_connector(t, "upsert-kafka"))
        node->changelog = CL_RETRACT;

    Scope sc = {0};
    sc.table = t;
    sc.table_map = map;
    sc.row = out;
    /* Computed columns, in table order after the scanned ones' places. */
    bool any_computed = false;
    for (uint32_t c = 0; c < nc; c++)
        if (need[c] && t->cols[c].kind == COL_COMPUTED)
            any_computed = true;
    if (any_computed) {
        uint32_t n = 0;
        for (uint32_t c = 0; c < nc; c++)
            n += need[c];
        PExpr **proj = ARENA_NEW_ARRAY(&P->cc->a, PExpr *, n);
        Str *names = ARENA_NEW_ARRAY(&P->cc->a, Str, n);
        int32_t *map2 = ARENA_NEW_ARRAY(&P->cc->a, int32_t, nc);
        n = 0;
        for (uint32_t c = 0; c < nc; c++) {
            map2[c] = -1;
            if (!need[c])
                continue;
            if (t->cols[c].kind == COL_COMPUTED) {
                proj[n] = tx(P, &sc, t->cols[c].expr);
                if (!proj[n])
                    return NULL;
                SqlType *ct = catalog_column_type(t, c);
                if (ct)
                    proj[n]->type = ct;
            } else {
                proj[n] = pexpr_input_ref(P->cc, map[c], catalog_column_type(t, c));
            }
            names[n] = t->cols[c].name;
            map2[c] = (int32_t)n++;
        }
        node = make_calc(P, node, NULL, n, proj, names, at);
        map = map2;
        sc.table_map = map;
        sc.row = node->out;
    }
    if (t->watermark_col >= 0 && t->watermark_expr) {
        PExpr *wm = tx(P, &sc, t->watermark_expr);
        if (!wm)
            return NULL;
        PNode *w = node_new1(P, PN_WATERMARK_ASSIGNER, node, node->out, at);
        w->u.wm.rowtime_col = map[t->watermark_col];
        w->u.wm.expr = wm;
        w->u.wm.delay_ms = -1;
        int64_t d;
        int32_t idx;
        if (wm->kind == PE_CALL && wm->op == PO_SUB
            && pexpr_is_ref(wm->args[0], &idx) && idx == w->u.wm.rowtime_col
            && pexpr_interval_ms(wm->args[1], &d))
            w->u.wm.delay_ms = d;
        else if (pexpr_is_ref(wm, &idx) && idx == w->u.wm.rowtime_col)
            w->u.wm.delay_ms = 0;
        node = w;
    }
    memo_add(P, t, node, map, nc);
    *map_out = map;
    return node;
}

/* ---- conjunct lists (filter pushdown) ---------------------------------- */

typedef struct Conj {
    AstNode *ast;
    bool done;
} Conj;

typedef struct ConjList {
    Conj *c;
    uint32_t n, cap;
} ConjList;

static void conj_split(Planner *P, AstNode *e, ConjList *l)
{
    if (!e)
        return;
    if (e->kind == AST_BINARY && e->u.binary.op == BOP_AND) {
        conj_split(P, e->u.binary.left, l);
        conj_split(P, e->u.binary.right, l);
        return;
    }
    Conj c = {e, false};
    PUSH(P, l->c, l->n, l->cap, c);
}

static bool has_special_visit(AstNode *n, void *arg)
{
    bool *found = arg;
    if (is_subquery_node(n)
        || (n->kind == AST_FUNC_CALL
            && (n->u.func_call.over || is_agg_call(n) || is_window_only(n)
                || is_group_window_aux(n)))
        || (n->kind == AST_COLUMN_REF && n->u.column_ref.depth > 0))
        *found = true;
    return !*found;
}

/* Whether e can be evaluated below aggregation and joins: no subquery,
 * aggregate, window function or outer reference. */
static bool conj_is_pushable(AstNode *e)
{
    bool found = false;
    walk(e, has_special_visit, &found);
    return !found;
}

static bool item_contains(const AstNode *item, const AstNode *src)
{
    if (!item)
        return false;
    if (item == src)
        return true;
    if (item->kind == AST_JOIN)
        return item_contains(item->u.join.left, src)
               || item_contains(item->u.join.right, src);
    return false;
}

typedef struct WithinArg {
    const AstNode *item;
    bool ok;
    bool any;
} WithinArg;

static bool within_visit(AstNode *n, void *arg)
{
    WithinArg *w = arg;
    if (n->kind == AST_COLUMN_REF) {
        w->any = true;
        if (!n->u.column_ref.source
            || !item_contains(w->item, n->u.column_ref.source))
            w->ok = false;
    }
    return w->ok;
}

/* Whether every column e references comes from FROM item `item` (and it
 * references at least one). */
static bool conj_within(AstNode *e, const AstNode *item)
{
    WithinArg w = {item, true, false};
    walk(e, within_visit, &w);
    return w.ok && w.any;
}

/* ---- FROM items ----------------------------------------------------------- */

static PNode *plan_query(Planner *P, AstNode *q);
static PNode *plan_join(Planner *P, AstNode *j, Scope *sc, ConjList *pend);
static PNode *plan_tvf(Planner *P, AstNode *tfr, Scope *sc);
static PNode *plan_match(Planner *P, AstNode *mr, Scope *sc);

static AstNode *cte_find(Planner *P, Str name)
{
    for (uint32_t i = P->n_ctes; i-- > 0;)
        if (str_ieq(P->ctes[i]->u.cte.name.name, name))
            return P->ctes[i];
    return NULL;
}

/* A memoized query (view or CTE): planned once per job. */
static PNode *plan_shared_query(Planner *P, const void *key, AstNode *query)
{
    Memo *m = memo_find(P, key);
    if (m)
        return m->node;
    PNode *n = plan_query(P, query);
    if (!n)
        return NULL;
    memo_add(P, key, n, NULL, 0);
    return n;
}

static PNode *plan_table_ref(Planner *P, AstNode *item, Scope *sc)
{
    AstTableRef *tr = &item->u.table_ref;
    if (tr->table) {
        int32_t *map;
        PNode *n = table_source(P, tr->table, &map, item->at);
        if (!n)
            return NULL;
        scope_add(P, sc, item, map_copy(P, map, tr->table->n_cols, 0),
                  tr->table->n_cols);
        return n;
    }
    PNode *n = NULL;
    if (tr->view) {
        n = plan_shared_query(P, tr->view, tr->view->query);
    } else {
        Str nm = tr->name.n_parts ? tr->name.parts[tr->name.n_parts - 1].name
                                  : STR_NULL;
        AstNode *cte = cte_find(P, nm);
        if (!cte) {
            diag_error(P->cc, DIAG_E_UNKNOWN_TABLE, item->at,
                       "cannot plan table '%.*s'", (int)nm.len, nm.ptr);
            fail(P);
            return NULL;
        }
        n = plan_shared_query(P, cte, cte->u.cte.query);
    }
    if (!n)
        return NULL;
    scope_add(P, sc, item, map_identity(P, n->out->n_cols, 0),
              n->out->n_cols);
    return n;
}

/* Plan one FROM item, append its scope entries (offsets relative to the
 * returned node), and apply the pending conjuncts that only it touches. */
static PNode *plan_item(Planner *P, AstNode *item, Scope *sc, ConjList *pend)
{
    uint32_t e0 = sc->n;
    PNode *n = NULL;
    switch (item->kind) {
    case AST_TABLE_REF:
        n = plan_table_ref(P, item, sc);
        break;
    case AST_SUBQUERY_REF:
        n = plan_query(P, item->u.subquery_ref.query);
        if (n)
            scope_add(P, sc, item, map_identity(P, n->out->n_cols, 0),
                      n->out->n_cols);
        break;
    case AST_JOIN:
        n = plan_join(P, item, sc, pend);
        break;
    case AST_TABLE_FUNC_REF:
        n = plan_tvf(P, item, sc);
        break;
    case AST_MATCH_RECOGNIZE:
        n = plan_match(P, item, sc);
        break;
    case AST_UNNEST_REF:
        diag_error(P->cc, DIAG_E_UNSUPPORTED, item->at,
                   "UNNEST is not supported yet");
        diag_hint(P->cc, "ARRAY values are not supported at run time "
                         "yet; a MAP's entries can be read by key "
                         "(m['k']) and counted with CARDINALITY(m).");
        fail(P);
        return NULL;
    default:
        diag_error(P->cc, DIAG_E_UNSUPPORTED, item->at,
                   "cannot plan this FROM item (%s)",
                   ast_kind_name(item->kind));
        fail(P);
        return NULL;
    }
    if (!n || !pend)
        return n;
    /* Filters pushed down to this item. */
    Scope sub = {0};
    sub.e = sc->e + e0;
    sub.n = sub.cap = sc->n - e0;
    sub.row = n->out;
    PExpr *where = NULL;
    SrcSpan at = item->at;
    for (uint32_t i = 0; i < pend->n; i++) {
        Conj *c = &pend->c[i];
        if (c->done || !conj_within(c->ast, item))
            continue;
        PExpr *x = tx(P, &sub, c->ast);
        if (!x)
            return NULL;
        c->done = true;
        where = pexpr_and(P->cc, where, x);
        at = c->ast->at;
    }
    return make_filter(P, n, where, at);
}

/* ---- joins ------------------------------------------------------------------ */

static PJoinType join_type_of(JoinKind k)
{
    switch (k) {
    case JOIN_LEFT:
        return PJ_LEFT;
    case JOIN_RIGHT:
        return PJ_RIGHT;
    case JOIN_FULL:
        return PJ_FULL;
    default:
        return PJ_INNER;
    }
}

static RelSchema *rel_concat(Planner *P, const RelSchema *a,
                             const RelSchema *b)
{
    RelSchema *r = rel_new(P, a->n_cols + b->n_cols);
    for (uint32_t i = 0; i < a->n_cols; i++)
        r->cols[i] = a->cols[i];
    for (uint32_t i = 0; i < b->n_cols; i++)
        r->cols[a->n_cols + i] = b->cols[i];
    rel_uniquify(P, r);
    return r;
}

static void lookup_cache_of(const CatTable *t, PLookupCache *c)
{
    memset(c, 0, sizeof(*c));
    c->kind = PCACHE_NONE;
    c->max_rows = -1;
    c->expire_after_write_ms = -1;
    c->expire_after_access_ms = -1;
    c->cache_missing_key = true;
    if (is_connector(t, "filesystem")) {
        c->kind = PCACHE_FULL;
        return;
    }
    const char *mode = table_opt(t, "lookup.cache");
    const char *pmax = table_opt(t, "lookup.partial-cache.max-rows");
    const char *pw = table_opt(t, "lookup.partial-cache.expire-after-write");
    const char *pa = table_opt(t, "lookup.partial-cache.expire-after-access");
    const char *pm = table_opt(t, "lookup.partial-cache.cache-missing-key");
    const char *lmax = table_opt(t, "lookup.cache.max-rows");
    const char *lttl = table_opt(t, "lookup.cache.ttl");
    const char *lmiss = table_opt(t, "lookup.cache.caching-missing-key");
    if ((mode && !strcasecmp(mode, "PARTIAL"))
        || (!mode && (pmax || pw || pa))) {
        c->kind = PCACHE_PARTIAL;
        if (pmax)
            c->max_rows = strtoll(pmax, NULL, 10);
        if (pw)
            dur_ms(pw, &c->expire_after_write_ms);
        if (pa)
            dur_ms(pa, &c->expire_after_access_ms);
        if (pm)
            c->cache_missing_key = strcasecmp(pm, "false") != 0;
    } else if (mode && !strcasecmp(mode, "FULL")) {
        c->kind = PCACHE_FULL;
    } else if (!mode && (lmax || lttl)) {
        c->kind = PCACHE_PARTIAL;
        c->is_legacy = true;
        if (lmax)
            c->max_rows = strtoll(lmax, NULL, 10);
        if (lttl)
            dur_ms(lttl, &c->expire_after_write_ms);
        if (lmiss)
            c->cache_missing_key = strcasecmp(lmiss, "false") != 0;
    }
}

/* Translate the ON conjuncts over the scope's current row. */
static PExpr **tx_conjs(Planner *P, Scope *sc, ConjList *on, uint32_t *n)
{
    PExpr **xs = ARENA_NEW_ARRAY(&P->cc->a, PExpr *, on->n ? on->n : 1);
    *n = 0;
    for (uint32_t i = 0; i < on->n; i++) {
        if (on->c[i].done)
            continue;
        PExpr *x = tx(P, sc, on->c[i].ast);
        if (!x)
            return NULL;
        /* A conjunction coming from pushdown may itself be an AND. */
        xs[(*n)++] = x;
    }
    return xs;
}

static void keys_push(Planner *P, PJoinKeys *k, PExpr *l, PExpr *r,
                      uint32_t *cap)
{
    if (k->n_keys == *cap) {
        uint32_t nc = *cap ? *cap * 2 : 4;
        PExpr **nl = ARENA_NEW_ARRAY(&P->cc->a, PExpr *, nc);
        PExpr **nr = ARENA_NEW_ARRAY(&P->cc->a, PExpr *, nc);
        if (k->n_keys) {
            memcpy(nl, k->left_keys, sizeof(PExpr *) * k->n_keys);
            memcpy(nr, k->right_keys, sizeof(PExpr *) * k->n_keys);
        }
        k->left_keys = nl;
        k->right_keys = nr;
        *cap = nc;
    }
    k->left_keys[k->n_keys] = l;
    k->right_keys[k->n_keys] = r;
    k->n_keys++;
}

/* Whether x references only columns in [lo, hi) (and at least one when
 * need_ref). */
static bool refs_in(const PExpr *x, int32_t lo, int32_t hi, bool need_ref)
{
    int32_t a, b;
    pexpr_ref_range(x, &a, &b);
    if (a < 0)
        return !need_ref;
    return a >= lo && b < hi;
}

static PNode *plan_lookup_join(Planner *P, AstNode *j, PNode *L, Scope *sc,
                               uint32_t e0, ConjList *on, PJoinType jt)
{
    AstNode *right = j->u.join.right;
    const CatTable *t = right->u.table_ref.table;
    int32_t lw = (int32_t)L->out->n_cols;
    if (jt != PJ_INNER && jt != PJ_LEFT) {
        diag_error(P->cc, DIAG_E_LOOKUP_JOIN, j->at,
                   "cannot use a %s join with lookup table '%.*s'",
                   jt == PJ_RIGHT ? "RIGHT" : "FULL", (int)t->name.len,
                   t->name.ptr);
        diag_hint(P->cc, "A lookup join is an INNER or LEFT join with the "
                         "lookup table on the right.");
        fail(P);
        return NULL;
    }
    /* AS OF column (on the probe side). */
    Scope ls = *sc;
    ls.e = sc->e + e0;
    ls.n = ls.cap = sc->n - e0;
    ls.row = L->out;
    ls.ns = ls.caps = 0;
    ls.s = NULL;
    PExpr *asof = tx(P, &ls, right->u.table_ref.system_time);
    if (!asof)
        return NULL;

    uint8_t *used = usage_get(P, t);
    uint32_t nd = 0;
    for (uint32_t c = 0; c < t->n_cols; c++)
        if (used[c] && t->cols[c].kind != COL_COMPUTED)
            nd++;
    uint32_t *dim_fields = ARENA_NEW_ARRAY(&P->cc->a, uint32_t, nd ? nd : 1);
    int32_t *map = ARENA_NEW_ARRAY(&P->cc->a, int32_t, t->n_cols ? t->n_cols : 1);
    RelSchema *dim = rel_new(P, nd);
    nd = 0;
    for (uint32_t c = 0; c < t->n_cols; c++) {
        map[c] = -1;
        if (!used[c] || t->cols[c].kind == COL_COMPUTED)
            continue;
        dim->cols[nd].name = t->cols[c].name;
        dim->cols[nd].type = catalog_column_type(t, c);
        dim_fields[nd] = c;
        map[c] = lw + (int32_t)nd++;
    }
    scope_add(P, sc, right, map, t->n_cols);
    RelSchema *out = rel_concat(P, L->out, dim);
    Scope js = *sc;
    js.e = sc->e + e0;
    js.n = js.cap = sc->n - e0;
    js.row = out;
    uint32_t nx;
    PExpr **xs = tx_conjs(P, &js, on, &nx);
    if (!xs)
        return NULL;

    PLookupJoin lj = {0};
    lj.table = (CatTable *)t;
    lj.join_type = jt;
    lj.n_dim_fields = nd;
    lj.dim_fields = dim_fields;
    lj.dim_cols = ARENA_NEW_ARRAY(&P->cc->a, uint32_t, nx ? nx : 1);
    lj.probe_keys = ARENA_NEW_ARRAY(&P->cc->a, PExpr *, nx ? nx : 1);
    int32_t hi = lw + (int32_t)nd;
    for (uint32_t i = 0; i < nx; i++) {
        PExpr *x = xs[i];
        if (x->kind == PE_CALL && x->op == PO_EQ) {
            for (int s = 0; s < 2; s++) {
                PExpr *d = x->args[s], *p = x->args[1 - s];
                int32_t idx;
                if (pexpr_is_ref(d, &idx) && idx >= lw
                    && refs_in(p, 0, lw, false)) {
                    lj.dim_cols[lj.n_keys] = dim_fields[idx - lw];
                    lj.probe_keys[lj.n_keys] = p;
                    lj.n_keys++;
                    x = NULL;
                    break;
                }
            }
            if (!x)
                continue;
        }
        if (refs_in(x, lw, hi, true))
            lj.dim_filter = pexpr_and(P->cc, lj.dim_filter,
                                      pexpr_shift(P->cc, x, -lw));
        else
            lj.residual = pexpr_and(P->cc, lj.residual, x);
    }
    if (lj.n_keys == 0) {
        diag_error(P->cc, DIAG_E_LOOKUP_JOIN,
                   j->u.join.on ? j->u.join.on->at : j->at,
                   "cannot look up '%.*s' without an equality condition on "
                   "one of its columns",
                   (int)t->name.len, t->name.ptr);
        diag_hint(P->cc, "Add ON %.*s.<column> = <expression over the "
                         "stream> to the join condition.",
                  (int)t->name.len, t->name.ptr);
        fail(P);
        return NULL;
    }
    int32_t idx;
    if (pexpr_is_ref(asof, &idx)) {
        lj.as_of_col = L->out->cols[idx].name;
        lj.is_event_time_as_of = asof->type->time_attr == TA_ROWTIME
                                 || (asof->type->time_attr == TA_NONE
                                     && L->out->cols[idx].type
                                     && L->out->cols[idx].type->time_attr
                                            == TA_ROWTIME);
    }
    lookup_cache_of(t, &lj.cache);
    lj.is_bounded_table = is_connector(t, "filesystem");
    PNode *n = node_new1(P, PN_LOOKUP_JOIN, L, out, j->at);
    n->u.lookup = lj;
    return n;
}

/* x is `c`, `c + interval`, `interval + c` or `c - interval` where c is a
 * time attribute column. */
static bool time_term(const PExpr *x, int32_t *col, int64_t *off,
                      TimeAttr *ta)
{
    int32_t idx;
    int64_t v;
    if (pexpr_is_ref(x, &idx)) {
        if (x->type->time_attr == TA_NONE)
            return false;
        *col = idx;
        *off = 0;
        *ta = x->type->time_attr;
        return true;
    }
    if (x->kind != PE_CALL || (x->op != PO_ADD && x->op != PO_SUB))
        return false;
    int sref = pexpr_is_ref(x->args[0], &idx) ? 0 : 1;
    if (!pexpr_is_ref(x->args[sref], &idx)
        || x->args[sref]->type->time_attr == TA_NONE
        || !pexpr_interval_ms(x->args[1 - sref], &v))
        return false;
    if (x->op == PO_SUB && sref != 0)
        return false;
    *col = idx;
    *off = x->op == PO_SUB ? -v : v;
    *ta = x->args[sref]->type->time_attr;
    return true;
}

typedef struct Bounds {
    bool has_lower, has_upper;
    int64_t lower, upper;
    int32_t lcol, rcol;
    TimeAttr ta;
} Bounds;

/* a OP b as a bound on d = left.t - right.t; true when it is one. */
static bool bound_from_cmp(POp op, const PExpr *a, const PExpr *b, int32_t lw,
                           Bounds *bd)
{
    int32_t ca, cb;
    int64_t oa, ob;
    TimeAttr ta, tb;
    if (!time_term(a, &ca, &oa, &ta) || !time_term(b, &cb, &ob, &tb)
        || ta != tb)
        return false;
    bool a_left = ca < lw, b_left = cb < lw;
    if (a_left == b_left)
        return false;
    int64_t v;
    int32_t lcol, rcol;
    if (a_left) { /* l + oa OP r + ob  =>  d OP ob - oa */
        v = ob - oa;
        lcol = ca;
        rcol = cb - lw;
    } else { /* r + oa OP l + ob  =>  d OP' oa - ob */
        v = oa - ob;
        lcol = cb;
        rcol = ca - lw;
        op = op == PO_GE ? PO_LE : op == PO_GT ? PO_LT
             : op == PO_LE ? PO_GE : PO_GT;
    }
    if (bd->lcol >= 0 && (bd->lcol != lcol || bd->rcol != rcol))
        return false;
    bd->lcol = lcol;
    bd->rcol = rcol;
    bd->ta = ta;
    switch (op) {
    case PO_GE:
    case PO_GT:
        if (op == PO_GT)
            v += 1;
        if (!bd->has_lower || v > bd->lower)
            bd->lower = v;
        bd->has_lower = true;
        return true;
    case PO_LE:
    case PO_LT:
        if (op == PO_LT)
            v -= 1;
        if (!bd->has_upper || v < bd->upper)
            bd->upper = v;
        bd->has_upper = true;
        return true;
    default:
        return false;
    }
}

static bool is_time_bound(const PExpr *x, int32_t lw, Bounds *bd)
{
    if (x->kind != PE_CALL)
        return false;
    if (x->op == PO_GE || x->op == PO_GT || x->op == PO_LE || x->op == PO_LT)
        return bound_from_cmp(x->op, x->args[0], x->args[1], lw, bd);
    if (x->op == PO_BETWEEN) {
        Bounds save = *bd;
        if (bound_from_cmp(PO_GE, x->args[0], x->args[1], lw, bd)
            && bound_from_cmp(PO_LE, x->args[0], x->args[2], lw, bd))
            return true;
        *bd = save;
    }
    return false;
}

/* A unique key of n's output (columns in n->out): the PRIMARY KEY of a
 * scanned table, the GROUP BY keys of an aggregate (none for a global
 * aggregate: one row), carried through watermark assigners and Calcs
 * that project the key columns unchanged.  cols has room for n->out's
 * columns.  False when none is known. */
static bool unique_key_of(const PNode *n, uint32_t *cols, uint32_t *nc)
{
    switch (n->kind) {
    case PN_TABLE_SOURCE_SCAN: {
        const PScan *sc = &n->u.scan;
        const CatTable *t = sc->table;
        if (!t || t->n_pk == 0)
            return false;
        for (uint32_t i = 0; i < t->n_pk; i++) {
            bool found = false;
            for (uint32_t f = 0; f < sc->n_fields && !found; f++)
                if (sc->fields[f] == t->pk_cols[i]) {
                    cols[i] = f;
                    found = true;
                }
            if (!found)
                return false;
        }
        *nc = t->n_pk;
        return true;
    }
    case PN_WATERMARK_ASSIGNER:
        return unique_key_of(n->inputs[0], cols, nc);
    case PN_CALC: {
        const PCalc *c = &n->u.calc;
        if (!unique_key_of(n->inputs[0], cols, nc))
            return false;
        if (c->n_proj == 0)
            return true;
        for (uint32_t i = 0; i < *nc; i++) {
            bool found = false;
            for (uint32_t o = 0; o < c->n_proj && !found; o++) {
                int32_t idx;
                if (pexpr_is_ref(c->proj[o], &idx) && (uint32_t)idx == cols[i]) {
                    cols[i] = o;
                    found = true;
                }
            }
            if (!found)
                return false;
        }
        return true;
    }
    case PN_GROUP_AGGREGATE:
        *nc = n->u.gagg.n_keys;
        for (uint32_t i = 0; i < *nc; i++)
            cols[i] = i;
        return true;
    default:
        return false;
    }
}

/* Does the join key of side `side` contain a unique key of its input?
 * Fills j->is_unique/n_unique/unique_cols. */
static void join_unique_side(Planner *P, PJoin *j, const PNode *in, int side)
{
    uint32_t *cols = ARENA_NEW_ARRAY(&P->cc->a, uint32_t,
                                     in->out->n_cols + 1);
    uint32_t nc = 0;
    if (!unique_key_of(in, cols, &nc))
        return;
    PExpr **keys = side == 0 ? j->keys.left_keys : j->keys.right_keys;
    for (uint32_t i = 0; i < nc; i++) {
        bool found = false;
        for (uint32_t k = 0; k < j->keys.n_keys && !found; k++) {
            int32_t idx;
            found = pexpr_is_ref(keys[k], &idx) && (uint32_t)idx == cols[i];
        }
        if (!found)
            return;
    }
    j->is_unique[side] = true;
    j->n_unique[side] = nc;
    j->unique_cols[side] = cols;
}

static PNode *plan_join(Planner *P, AstNode *j, Scope *sc, ConjList *pend)
{
    AstJoin *J = &j->u.join;
    PJoinType jt = join_type_of(J->join_kind);
    AstNode *right = J->right;
    bool right_is_temporal = right->kind == AST_TABLE_REF
                             && right->u.table_ref.system_time
                             && right->u.table_ref.table;
    const AstNode *as_of = right_is_temporal ? right->u.table_ref.system_time
                                             : NULL;
    TimeAttr as_of_ta = as_of && as_of->type ? as_of->type->time_attr
                                             : TA_NONE;
    bool is_lookup = right_is_temporal
                     && table_is_lookup(right->u.table_ref.table)
                     && !catalog_table_is_versioned_file(
                         right->u.table_ref.table, as_of_ta);
    ConjList on = {0}, lp = {0}, rp = {0};
    conj_split(P, J->on, &on);
    bool left_ok = jt == PJ_INNER || jt == PJ_LEFT;
    bool right_ok = (jt == PJ_INNER || jt == PJ_RIGHT) && !right_is_temporal;
    if (pend) {
        for (uint32_t i = 0; i < pend->n; i++) {
            Conj *c = &pend->c[i];
            if (c->done)
                continue;
            if (left_ok && conj_within(c->ast, J->left)) {
                PUSH(P, lp.c, lp.n, lp.cap, *c);
                c->done = true;
            } else if (right_ok && conj_within(c->ast, right)) {
                PUSH(P, rp.c, rp.n, rp.cap, *c);
                c->done = true;
            } else if (jt == PJ_INNER && conj_within(c->ast, j)) {
                PUSH(P, on.c, on.n, on.cap, *c);
                c->done = true;
            }
        }
    }
    /* ON conditions on one side only: below the join where that keeps the
     * result (inner: either side; left join: the right side). */
    for (uint32_t i = 0; i < on.n; i++) {
        Conj *c = &on.c[i];
        if (!conj_is_pushable(c->ast))
            continue;
        if (jt == PJ_INNER && conj_within(c->ast, J->left)) {
            PUSH(P, lp.c, lp.n, lp.cap, *c);
            c->done = true;
        } else if ((jt == PJ_INNER || jt == PJ_LEFT) && !right_is_temporal
                   && conj_within(c->ast, right)) {
            PUSH(P, rp.c, rp.n, rp.cap, *c);
            c->done = true;
        }
    }
    uint32_t e0 = sc->n;
    PNode *L = plan_item(P, J->left, sc, &lp);
    if (!L)
        return NULL;
    if (is_lookup)
        return plan_lookup_join(P, j, L, sc, e0, &on, jt);
    uint32_t e1 = sc->n;
    PNode *R;
    if (right_is_temporal)
        R = plan_table_ref(P, right, sc);
    else
        R = plan_item(P, right, sc, &rp);
    if (!R)
        return NULL;
    int32_t lw = (int32_t)L->out->n_cols;
    scope_shift(sc, e1, lw);
    RelSchema *out = rel_concat(P, L->out, R->out);
    Scope js = *sc;
    js.e = sc->e + e0;
    js.n = js.cap = sc->n - e0;
    js.row = out;
    uint32_t nx;
    PExpr **xs = tx_conjs(P, &js, &on, &nx);
    if (!xs)
        return NULL;
    PJoinKeys keys = {0};
    uint32_t kcap = 0;
    PExpr *residual = NULL;
    Bounds bd = {0};
    bd.lcol = -1;
    int32_t hi = lw + (int32_t)R->out->n_cols;
    bool *is_bound = ARENA_NEW_ARRAY(&P->cc->a, bool, nx ? nx : 1);
    for (uint32_t i = 0; i < nx; i++) {
        PExpr *x = xs[i];
        if (x->kind == PE_CALL && x->op == PO_EQ) {
            PExpr *a = x->args[0], *b = x->args[1];
            if (refs_in(a, 0, lw, true) && refs_in(b, lw, hi, true)) {
                keys_push(P, &keys, a, pexpr_shift(P->cc, b, -lw), &kcap);
                continue;
            }
            if (refs_in(b, 0, lw, true) && refs_in(a, lw, hi, true)) {
                keys_push(P, &keys, b, pexpr_shift(P->cc, a, -lw), &kcap);
                continue;
            }
        }
        if (!right_is_temporal && is_time_bound(x, lw, &bd)) {
            is_bound[i] = true;
            continue;
        }
    }
    bool interval = bd.has_lower && bd.has_upper;
    for (uint32_t i = 0; i < nx; i++) {
        PExpr *x = xs[i];
        bool is_key = false;
        for (uint32_t k = 0; k < keys.n_keys && !is_key; k++)
            is_key = x->kind == PE_CALL && x->op == PO_EQ
                     && (x->args[0] == keys.left_keys[k]
                         || x->args[1] == keys.left_keys[k]);
        if (is_key || (interval && is_bound[i]))
            continue;
        residual = pexpr_and(P->cc, residual, x);
    }
    PNode *in[2] = {L, R};
    PNode *n;
    if (right_is_temporal) {
        const CatTable *t = right->u.table_ref.table;
        Scope ls = js;
        ls.n = ls.cap = e1 - e0;
        ls.row = L->out;
        PExpr *asof = tx(P, &ls, right->u.table_ref.system_time);
        if (!asof)
            return NULL;
        int32_t lt = -1;
        if (!pexpr_is_ref(asof, &lt) || t->watermark_col < 0 || !t->n_pk
            || keys.n_keys == 0) {
            diag_error(P->cc, DIAG_E_JOIN, right->at,
                       "cannot join '%.*s' FOR SYSTEM_TIME AS OF an "
                       "event time: it is not a versioned table",
                       (int)t->name.len, t->name.ptr);
            diag_detail(P->cc, "An event-time temporal join needs a table "
                               "with a PRIMARY KEY and a WATERMARK, an "
                               "equality on the key, and a time attribute "
                               "column of the left side after AS OF.");
            diag_hint(P->cc, "For a dimension table in a database, use the "
                             "jdbc connector: it is joined by lookup.");
            fail(P);
            return NULL;
        }
        n = node_new(P, PN_TEMPORAL_JOIN, 2, in, out, j->at);
        n->u.tjoin.join_type = jt;
        n->u.tjoin.keys = keys;
        n->u.tjoin.residual = residual;
        n->u.tjoin.left_time_col = lt;
        n->u.tjoin.table = (CatTable *)t;
        int32_t rt = -1;
        for (uint32_t i = e1; i < sc->n; i++)
            if (sc->e[i].src == right)
                rt = sc->e[i].map[t->watermark_col] - lw;
        n->u.tjoin.right_time_col = rt;
        n->changelog = L->changelog;
        return n;
    }
    if (interval && (L->changelog != CL_INSERT_ONLY
                     || R->changelog != CL_INSERT_ONLY)) {
        /* An interval join emits each match once and never takes it back,
         * so it needs append-only inputs (Flink refuses the same). */
        bool left_upd = L->changelog != CL_INSERT_ONLY;
        diag_error(P->cc, DIAG_E_JOIN, j->at,
                   "cannot use an interval join on an updating input");
        diag_detail(P->cc, "The %s input of this time-bounded join is "
                           "updating (it retracts or replaces rows, like a "
                           "GROUP BY result or an upsert source), but an "
                           "interval join emits each match once and never "
                           "retracts it, so both inputs must be "
                           "append-only.",
                    left_upd ? "left" : "right");
        diag_hint(P->cc, "Join the append-only streams first and aggregate "
                         "after the join, or drop the time bound for a "
                         "regular join, which handles retractions (its "
                         "state is bounded by 'table.exec.state.ttl').");
        fail(P);
        return NULL;
    }
    if (interval) {
        n = node_new(P, PN_INTERVAL_JOIN, 2, in, out, j->at);
        n->u.ijoin.join_type = jt;
        n->u.ijoin.keys = keys;
        n->u.ijoin.residual = residual;
        n->u.ijoin.left_time_col = bd.lcol;
        n->u.ijoin.right_time_col = bd.rcol;
        n->u.ijoin.lower_ms = bd.lower;
        n->u.ijoin.upper_ms = bd.upper;
        n->u.ijoin.is_proctime = bd.ta == TA_PROCTIME;
        n->changelog = CL_INSERT_ONLY;
        /* Time attributes survive an interval join. */
        return n;
    }
    n = node_new(P, PN_JOIN, 2, in, out, j->at);
    n->u.join.join_type = jt;
    n->u.join.keys = keys;
    n->u.join.residual = residual;
    n->u.join.state_ttl_ms = P->state_ttl_ms;
    if (jt != PJ_INNER || L->changelog != CL_INSERT_ONLY
        || R->changelog != CL_INSERT_ONLY)
        n->changelog = CL_RETRACT;
    /* A regular join's output has no time attributes (rows may come out
     * in any time order). */
    RelSchema *o2 = rel_new(P, out->n_cols);
    for (uint32_t i = 0; i < out->n_cols; i++) {
        o2->cols[i] = out->cols[i];
        if (out->cols[i].type && out->cols[i].type->time_attr != TA_NONE)
            o2->cols[i].type = type_with_time_attr(&P->cc->a,
                                                   out->cols[i].type, TA_NONE);
    }
    n->out = o2;
    return n;
}

/* ---- window table functions ---------------------------------------------- */

static AstNode *call_arg(const AstNode *call, uint32_t pos, const char *name)
{
    const AstList *args = &call->u.func_call.args;
    for (uint32_t i = 0; i < args->n; i++) {
        AstNode *a = args->items[i];
        if (a->kind == AST_NAMED_ARG) {
            if (str_ieq_cstr(a->u.named_arg.name.name, name))
                return a->u.named_arg.value;
        }
    }
    if (pos < args->n && args->items[pos]->kind != AST_NAMED_ARG)
        return args->items[pos];
    return NULL;
}

static const CatTable *tfr_table(Planner *P, const AstNode *tfr,
                                 const CatView **view)
{
    *view = NULL;
    const AstNode *call = tfr->u.table_func_ref.call;
    if (!call || call->kind != AST_FUNC_CALL)
        return NULL;
    AstNode *data = call_arg(call, 0, "DATA");
    if (!data || data->kind != AST_TABLE_ARG || data->u.table_arg.query
        || !data->u.table_arg.name.n_parts)
        return NULL;
    const QName *q = &data->u.table_arg.name;
    CatTable *t = catalog_find_table_q(P->cc->cat, q);
    if (t)
        return t;
    *view = catalog_find_view_q(P->cc->cat, q);
    return NULL;
}

static bool window_kind_of(Str name, PWindowKind *k)
{
    if (str_ieq_cstr(name, "TUMBLE"))
        *k = PW_TUMBLE;
    else if (str_ieq_cstr(name, "HOP"))
        *k = PW_HOP;
    else if (str_ieq_cstr(name, "SESSION"))
        *k = PW_SESSION;
    else if (str_ieq_cstr(name, "CUMULATE"))
        *k = PW_CUMULATE;
    else
        return false;
    return true;
}

static bool interval_arg(Planner *P, Scope *sc, AstNode *a, int64_t *ms)
{
    if (!a)
        return false;
    PExpr *x = tx(P, sc, a);
    if (!x)
        return false;
    if (!pexpr_interval_ms(x, ms) || *ms <= 0) {
        diag_error(P->cc, DIAG_E_WINDOW, a->at,
                   "cannot use this as a window size: a positive constant "
                   "INTERVAL of days, hours, minutes or seconds is needed");
        fail(P);
        return false;
    }
    return true;
}

/* Fill w's sizes from a window call's interval arguments; first is the
 * index of the first interval argument (TVF: 2, GROUP BY form: 1). */
static bool window_sizes(Planner *P, Scope *sc, const AstNode *call,
                         uint32_t first, PWindow *w)
{
    bool ok = true;
    AstNode *off = NULL;
    switch (w->kind) {
    case PW_TUMBLE:
        ok = interval_arg(P, sc, call_arg(call, first, "SIZE"), &w->size_ms);
        off = call_arg(call, first + 1, "OFFSET");
        break;
    case PW_HOP:
        ok = interval_arg(P, sc, call_arg(call, first, "SLIDE"), &w->slide_ms)
             && interval_arg(P, sc, call_arg(call, first + 1, "SIZE"),
                             &w->size_ms);
        off = call_arg(call, first + 2, "OFFSET");
        break;
    case PW_CUMULATE:
        ok = interval_arg(P, sc, call_arg(call, first, "STEP"), &w->step_ms)
             && interval_arg(P, sc, call_arg(call, first + 1, "SIZE"),
                             &w->size_ms);
        off = call_arg(call, first + 2, "OFFSET");
        break;
    case PW_SESSION:
        ok = interval_arg(P, sc, call_arg(call, first, "GAP"), &w->gap_ms);
        break;
    }
    if (ok && off) {
        PExpr *x = tx(P, sc, off);
        if (!x || !pexpr_interval_ms(x, &w->offset_ms))
            return false;
    }
    return ok;
}

static PNode *plan_tvf(Planner *P, AstNode *tfr, Scope *sc)
{
    AstNode *call = tfr->u.table_func_ref.call;
    PWindowKind wk;
    if (!call || call->kind != AST_FUNC_CALL
        || !window_kind_of(func_name(P, call), &wk)) {
        diag_error(P->cc, DIAG_E_UNSUPPORTED, tfr->at,
                   "cannot plan this table function");
        diag_detail(P->cc, "fsql supports the window table functions "
                           "TUMBLE, HOP, CUMULATE and SESSION.");
        fail(P);
        return NULL;
    }
    const CatView *v = NULL;
    const CatTable *t = tfr_table(P, tfr, &v);
    AstNode *data = call_arg(call, 0, "DATA");
    PNode *in = NULL;
    int32_t *inmap = NULL;
    uint32_t n_in = 0;
    if (t) {
        in = table_source(P, t, &inmap, tfr->at);
        n_in = t->n_cols;
    } else if (v) {
        in = plan_shared_query(P, v, v->query);
    } else if (data && data->kind == AST_TABLE_ARG && data->u.table_arg.query) {
        in = plan_query(P, data->u.table_arg.query);
    } else if (data && data->kind == AST_TABLE_ARG) {
        const QName *q = &data->u.table_arg.name;
        AstNode *cte = q->n_parts ? cte_find(P, q->parts[q->n_parts - 1].name)
                                  : NULL;
        if (cte)
            in = plan_shared_query(P, cte, cte->u.cte.query);
    }
    if (!in) {
        if (!P->failed) {
            diag_error(P->cc, DIAG_E_UNKNOWN_TABLE, data ? data->at : tfr->at,
                       "cannot find the table of this window function");
            fail(P);
        }
        return NULL;
    }
    if (!inmap) {
        n_in = in->out->n_cols;
        inmap = map_identity(P, n_in, 0);
    }
    /* The time column named by DESCRIPTOR(...). */
    AstNode *desc = call_arg(call, 1, "TIMECOL");
    int32_t rel_col = -1;
    if (desc && desc->kind == AST_DESCRIPTOR_ARG
        && desc->u.descriptor_arg.columns.n) {
        Str nm = ref_name(desc->u.descriptor_arg.columns.items[0]);
        if (t)
            rel_col = table_col_by_name(t, nm);
        else
            for (uint32_t i = 0; i < in->out->n_cols; i++)
                if (str_ieq(in->out->cols[i].name, nm))
                    rel_col = (int32_t)i;
    }
    if (rel_col < 0 || inmap[rel_col] < 0) {
        diag_error(P->cc, DIAG_E_WINDOW, desc ? desc->at : call->at,
                   "cannot find the time column of this window");
        fail(P);
        return NULL;
    }
    PWindow w = {0};
    w.kind = wk;
    w.time_col = inmap[rel_col];
    Scope empty = {0};
    if (!window_sizes(P, &empty, call, 2, &w))
        return NULL;
    SqlType *tc = in->out->cols[w.time_col].type;
    w.is_proctime = tc && tc->time_attr == TA_PROCTIME;
    uint32_t iw = in->out->n_cols;
    RelSchema *out = rel_new(P, iw + 3);
    for (uint32_t i = 0; i < iw; i++)
        out->cols[i] = in->out->cols[i];
    static const char *const wn[3] = {"window_start", "window_end",
                                      "window_time"};
    for (uint32_t k = 0; k < 3; k++) {
        out->cols[iw + k].name = str_from_cstr(wn[k]);
        SqlType *ty = NULL;
        if (tfr->rel && tfr->rel->n_cols >= 3)
            ty = tfr->rel->cols[tfr->rel->n_cols - 3 + k].type;
        if (!ty) {
            ty = type_new_timestamp(&P->cc->a, T_TIMESTAMP, 3);
            ty->is_nullable = false;
            if (k == 2)
                ty = type_with_time_attr(&P->cc->a, ty,
                                         w.is_proctime ? TA_PROCTIME
                                                       : TA_ROWTIME);
        }
        out->cols[iw + k].type = ty;
    }
    rel_uniquify(P, out);
    PNode *n = node_new1(P, PN_WINDOW_TABLE_FUNCTION, in, out, tfr->at);
    n->u.tvf.window = w;
    n->u.tvf.time_rel_col = rel_col;
    uint32_t nrel = n_in + 3;
    int32_t *map = ARENA_NEW_ARRAY(&P->cc->a, int32_t, nrel);
    for (uint32_t c = 0; c < n_in; c++)
        map[c] = inmap[c];
    for (uint32_t k = 0; k < 3; k++)
        map[n_in + k] = (int32_t)(iw + k);
    scope_add(P, sc, tfr, map, nrel);
    memo_add(P, tfr, n, map, nrel);
    return n;
}

/* ---- MATCH_RECOGNIZE ------------------------------------------------------ */

static PPattern *pattern_of(Planner *P, const AstNode *a)
{
    if (!a)
        return NULL;
    const AstPattern *ap = &a->u.pattern;
    PPattern *p = ARENA_NEW(&P->cc->a, PPattern);
    p->kind = ap->pat_kind;
    p->var = ap->var.name;
    p->min = ap->has_quantifier ? ap->min : 1;
    p->max = ap->has_quantifier ? ap->max : 1;
    p->is_reluctant = ap->is_reluctant;
    p->n_items = ap->items.n;
    p->items = ARENA_NEW_ARRAY(&P->cc->a, PPattern *, ap->items.n ? ap->items.n : 1);
    for (uint32_t i = 0; i < ap->items.n; i++)
        p->items[i] = pattern_of(P, ap->items.items[i]);
    return p;
}

static bool sort_key_of(Planner *P, Scope *sc, AstNode *item, PSortKey *k)
{
    AstNode *e = item->kind == AST_ORDER_ITEM ? item->u.order_item.expr : item;
    PExpr *x = tx(P, sc, e);
    if (!x)
        return false;
    if (!pexpr_is_ref(x, &k->col)) {
        diag_error(P->cc, DIAG_E_UNSUPPORTED, e->at,
                   "cannot order by an expression here; use a column");
        fail(P);
        return false;
    }
    if (item->kind == AST_ORDER_ITEM) {
        k->is_desc = item->u.order_item.is_desc;
        k->nulls = item->u.order_item.nulls;
    }
    return true;
}

static PNode *plan_match(Planner *P, AstNode *mr, Scope *sc)
{
    AstMatchRecognize *M = &mr->u.match_recognize;
    Scope in = {0};
    in.mr = mr;
    PNode *I = plan_item(P, M->input, &in, NULL);
    if (!I)
        return NULL;
    in.row = I->out;
    PMatch m = {0};
    m.n_partition = M->partition_by.n;
    m.partition = ARENA_NEW_ARRAY(&P->cc->a, int32_t, m.n_partition ? m.n_partition : 1);
    for (uint32_t i = 0; i < M->partition_by.n; i++) {
        PSortKey k = {0};
        if (!sort_key_of(P, &in, M->partition_by.items[i], &k))
            return NULL;
        m.partition[i] = k.col;
    }
    if (M->order_by.n) {
        if (!sort_key_of(P, &in, M->order_by.items[0], &m.order))
            return NULL;
        SqlType *ot = I->out->cols[m.order.col].type;
        m.is_proctime = ot && ot->time_attr == TA_PROCTIME;
        m.n_extra_order = M->order_by.n - 1;
        m.extra_order = ARENA_NEW_ARRAY(&P->cc->a, PSortKey, M->order_by.n);
        for (uint32_t i = 1; i < M->order_by.n; i++)
            if (!sort_key_of(P, &in, M->order_by.items[i],
                             &m.extra_order[i - 1]))
                return NULL;
    } else {
        m.order.col = -1;
    }
    m.n_measures = M->measures.n;
    m.measures = ARENA_NEW_ARRAY(&P->cc->a, PMeasure, m.n_measures ? m.n_measures : 1);
    for (uint32_t i = 0; i < M->measures.n; i++) {
        AstNode *me = M->measures.items[i];
        m.measures[i].name = me->u.measure.alias.name;
        if (!(m.measures[i].expr = tx(P, &in, me->u.measure.expr)))
            return NULL;
    }
    m.n_defines = M->defines.n;
    m.defines = ARENA_NEW_ARRAY(&P->cc->a, PDefine, m.n_defines ? m.n_defines : 1);
    for (uint32_t i = 0; i < M->defines.n; i++) {
        AstNode *d = M->defines.items[i];
        m.defines[i].var = d->u.define.var.name;
        if (!(m.defines[i].cond = tx(P, &in, d->u.define.cond)))
            return NULL;
    }
    m.rows_per_match = M->rows_per_match;
    m.skip = M->skip;
    if (M->skip == SKIP_DEFAULT && M->pattern) { /* issue 7 */
        diag_warn(P->cc, DIAG_W_MATCH_SKIP_DEFAULT, M->pattern->at,
                  "AFTER MATCH SKIP is not written, so the SQL standard's "
                  "default applies: AFTER MATCH SKIP PAST LAST ROW");
        diag_hint(P->cc, "Users of Flink's CEP library often expect the "
                         "next match to start at the row after the previous "
                         "match's first row; write AFTER MATCH SKIP PAST "
                         "LAST ROW or AFTER MATCH SKIP TO NEXT ROW to say "
                         "which one you mean.");
    }
    m.skip_var = M->skip_var.name;
    m.pattern = pattern_of(P, M->pattern);
    m.within_ms = -1;
    if (M->within) {
        Scope empty = {0};
        PExpr *w = tx(P, &empty, M->within);
        if (!w || !pexpr_interval_ms(w, &m.within_ms))
            return NULL;
    }
    m.n_subsets = M->subsets.n;
    if (m.n_subsets) {
        m.subset_names = ARENA_NEW_ARRAY(&P->cc->a, Str, m.n_subsets);
        m.subset_vars = ARENA_NEW_ARRAY(&P->cc->a, Str *, m.n_subsets);
        m.subset_n = ARENA_NEW_ARRAY(&P->cc->a, uint32_t, m.n_subsets);
        for (uint32_t i = 0; i < m.n_subsets; i++) {
            const AstSubset *s = &M->subsets.items[i]->u.subset;
            m.subset_names[i] = s->name.name;
            m.subset_n[i] = s->vars.n;
            m.subset_vars[i] = ARENA_NEW_ARRAY(&P->cc->a, Str, s->vars.n ? s->vars.n : 1);
            for (uint32_t k = 0; k < s->vars.n; k++)
                m.subset_vars[i][k] = ref_name(s->vars.items[k]);
        }
    }
    /* Output: partition columns ++ (ALL ROWS: input columns ++) measures. */
    bool all_rows = m.rows_per_match != RPM_ONE_ROW;
    uint32_t n = m.n_partition + m.n_measures + (all_rows ? I->out->n_cols : 0);
    if (all_rows)
        n = I->out->n_cols + m.n_measures;
    RelSchema *out = rel_new(P, n);
    uint32_t k = 0;
    if (all_rows) {
        for (uint32_t i = 0; i < I->out->n_cols; i++)
            out->cols[k++] = I->out->cols[i];
    } else {
        for (uint32_t i = 0; i < m.n_partition; i++)
            out->cols[k++] = I->out->cols[m.partition[i]];
    }
    for (uint32_t i = 0; i < m.n_measures; i++) {
        out->cols[k].name = m.measures[i].name;
        out->cols[k].type = m.measures[i].expr->type;
        k++;
    }
    if (mr->rel && mr->rel->n_cols == n)
        for (uint32_t i = 0; i < n; i++) {
            out->cols[i].name = mr->rel->cols[i].name;
            if (mr->rel->cols[i].type)
                out->cols[i].type = mr->rel->cols[i].type;
        }
    rel_uniquify(P, out);
    PNode *node = node_new1(P, PN_MATCH_RECOGNIZE, I, out, mr->at);
    node->u.match = m;
    scope_add(P, sc, mr, map_identity(P, n, 0), n);
    return node;
}

/* ---- IN / EXISTS subqueries ---------------------------------------------- */

/* SELECT c FROM jdbc_table [WHERE ...]: answered by lookups. */
static bool subquery_is_lookup(const AstNode *q)
{
    if (!q || q->kind != AST_SELECT)
        return false;
    const AstSelect *s = &q->u.select;
    if (s->from.n != 1 || s->group_by.n || s->having || s->is_distinct
        || s->items.n != 1 || s->is_aggregate)
        return false;
    const AstNode *f = s->from.items[0];
    if (f->kind != AST_TABLE_REF || !f->u.table_ref.table
        || f->u.table_ref.system_time)
        return false;
    const CatTable *t = f->u.table_ref.table;
    if (!is_connector(t, "jdbc"))
        return false;
    const AstNode *e = s->items.items[0]->u.select_item.expr;
    if (!e || e->kind != AST_COLUMN_REF || e->u.column_ref.source != f
        || e->u.column_ref.depth)
        return false;
    return !s->where || conj_is_pushable(s->where);
}

static PNode *plan_semi(Planner *P, PNode *cur, Scope *sc, AstNode *sub,
                        PSemiKind kind)
{
    AstNode *q, *arg = NULL;
    if (sub->kind == AST_IN_SUBQUERY) {
        q = sub->u.in_subquery.query;
        arg = sub->u.in_subquery.arg;
    } else {
        q = sub->u.exists.query;
    }
    PSemiJoin sj = {0};
    sj.semi_kind = kind;
    sj.state_ttl_ms = P->state_ttl_ms;
    uint32_t kcap = 0;
    PExpr *probe = NULL;
    if (arg && !(probe = tx(P, sc, arg)))
        return NULL;
    PNode *R = NULL;
    if (arg && subquery_is_lookup(q)) {
        const AstNode *f = q->u.select.from.items[0];
        const CatTable *t = f->u.table_ref.table;
        const AstNode *e = q->u.select.items.items[0]->u.select_item.expr;
        Scope ts = {0};
        ts.table = t;
        ts.table_map = map_identity(P, t->n_cols, 0);
        sj.table = (CatTable *)t;
        int32_t c = e->u.column_ref.col;
        keys_push(P, &sj.keys, probe,
                  pexpr_input_ref(P->cc, c, catalog_column_type(t, c)), &kcap);
        if (q->u.select.where
            && !(sj.dim_filter = tx(P, &ts, q->u.select.where)))
            return NULL;
        lookup_cache_of(t, &sj.cache);
    } else {
        if (sub->kind == AST_EXISTS && q->kind == AST_SELECT) {
            /* An uncorrelated EXISTS: true when the subquery has a row. */
        }
        R = plan_query(P, q);
        if (!R)
            return NULL;
        if (probe)
            keys_push(P, &sj.keys, probe,
                      pexpr_input_ref(P->cc, 0, R->out->cols[0].type), &kcap);
    }
    RelSchema *out = cur->out;
    if (kind == PSEMI_MARK) {
        out = rel_new(P, cur->out->n_cols + 1);
        for (uint32_t i = 0; i < cur->out->n_cols; i++)
            out->cols[i] = cur->out->cols[i];
        out->cols[cur->out->n_cols].name =
            str_fmt(P, "$in%d", (int)P->n_marks++);
        out->cols[cur->out->n_cols].type = ty_bool(P, true);
        rel_uniquify(P, out);
    }
    PNode *in[2] = {cur, R};
    PNode *n = node_new(P, PN_SEMI_JOIN, R ? 2 : 1, in, out, sub->at);
    n->u.semi = sj;
    if (R && kind != PSEMI_SEMI)
        n->changelog = CL_RETRACT;
    return n;
}

typedef struct SubqArg {
    Planner *P;
    AstNode **found;
    uint32_t n, cap;
} SubqArg;

static bool subq_visit(AstNode *n, void *arg)
{
    SubqArg *s = arg;
    if (n->kind == AST_IN_SUBQUERY || n->kind == AST_EXISTS) {
        PUSH(s->P, s->found, s->n, s->cap, n);
        return false;
    }
    if (n->kind == AST_SUBQUERY_EXPR || n->kind == AST_SELECT)
        return false;
    return true;
}

/* Mark joins for the IN/EXISTS subqueries inside expressions. */
static PNode *plan_marks(Planner *P, PNode *cur, Scope *sc, AstNode *e)
{
    SubqArg s = {P, NULL, 0, 0};
    if (e && e->kind == AST_SELECT_ITEM)
        e = e->u.select_item.expr;
    walk(e, subq_visit, &s);
    for (uint32_t i = 0; i < s.n && cur; i++) {
        AstNode *sub = s.found[i];
        bool seen = false;
        for (uint32_t k = 0; k < sc->ns && !seen; k++)
            seen = sc->s[k].ast == sub;
        if (seen)
            continue;
        cur = plan_semi(P, cur, sc, sub, PSEMI_MARK);
        if (!cur)
            return NULL;
        sc->row = cur->out;
        PExpr *r = pexpr_input_ref(P->cc, (int32_t)cur->out->n_cols - 1,
                                   cur->out->cols[cur->out->n_cols - 1].type);
        bool neg = sub->kind == AST_IN_SUBQUERY ? sub->u.in_subquery.is_not
                                                : sub->u.exists.is_not;
        if (neg)
            r = pexpr_call(P->cc, PO_NOT, r->type, 1, &r);
        scope_subst(P, sc, sub, r, false);
    }
    return cur;
}

/* ---- aggregation ------------------------------------------------------------ */

typedef struct AggCollect {
    Planner *P;
    AstNode **aggs;
    uint32_t n_aggs, cap_aggs;
    AstNode **aux;
    uint32_t n_aux, cap_aux;
    AstNode **overs;
    uint32_t n_overs, cap_overs;
} AggCollect;

static bool agg_visit(AstNode *n, void *arg)
{
    AggCollect *a = arg;
    if (is_subquery_node(n) || n->kind == AST_SELECT)
        return false;
    if (n->kind != AST_FUNC_CALL)
        return true;
    if (n->u.func_call.over) {
        PUSH(a->P, a->overs, a->n_overs, a->cap_overs, n);
        return false;
    }
    if (is_agg_call(n)) {
        for (uint32_t i = 0; i < a->n_aggs; i++)
            if (ast_expr_equal(a->aggs[i], n))
                return false;
        PUSH(a->P, a->aggs, a->n_aggs, a->cap_aggs, n);
        return false;
    }
    if (is_group_window_aux(n)) {
        PUSH(a->P, a->aux, a->n_aux, a->cap_aux, n);
        return false;
    }
    return true;
}

/* The alias of the select item whose whole expression is e, if any. */
static bool item_alias_of(const AstNode *q, const AstNode *e, Str *alias)
{
    const AstList *items = &q->u.select.items;
    for (uint32_t i = 0; i < items->n; i++) {
        const AstSelectItem *it = &items->items[i]->u.select_item;
        if (it->expr == e || ast_expr_equal(it->expr, e)) {
            if (it->has_alias) {
                *alias = it->alias.name;
                return true;
            }
            if (q->rel && i < q->rel->n_cols) {
                *alias = q->rel->cols[i].name;
                return true;
            }
        }
    }
    return false;
}

static bool agg_call_of(Planner *P, Scope *sc, AstNode *call, PAggCall *a)
{
    const AstFuncCall *fc = &call->u.func_call;
    memset(a, 0, sizeof(*a));
    a->name = func_name(P, call);
    a->func = fc->func;
    a->is_distinct = fc->is_distinct;
    a->is_star = fc->is_star;
    a->type = ty_of(P, call);
    a->n_args = fc->args.n;
    a->args = ARENA_NEW_ARRAY(&P->cc->a, PExpr *, fc->args.n ? fc->args.n : 1);
    for (uint32_t i = 0; i < fc->args.n; i++)
        if (!(a->args[i] = tx(P, sc, fc->args.items[i])))
            return false;
    if (fc->filter && !(a->filter = tx(P, sc, fc->filter)))
        return false;
    a->n_order = fc->within_group.n;
    if (a->n_order) {
        a->order = ARENA_NEW_ARRAY(&P->cc->a, PExpr *, a->n_order);
        a->order_desc = ARENA_NEW_ARRAY(&P->cc->a, bool, a->n_order);
        for (uint32_t i = 0; i < a->n_order; i++) {
            AstNode *oi = fc->within_group.items[i];
            AstNode *e = oi->kind == AST_ORDER_ITEM ? oi->u.order_item.expr : oi;
            if (!(a->order[i] = tx(P, sc, e)))
                return false;
            a->order_desc[i] = oi->kind == AST_ORDER_ITEM
                               && oi->u.order_item.is_desc;
        }
    }
    return true;
}

static bool is_tvf_window_ref(const AstNode *g, const char *which)
{
    if (g->kind != AST_COLUMN_REF || !g->u.column_ref.source
        || g->u.column_ref.source->kind != AST_TABLE_FUNC_REF)
        return false;
    Str nm = ref_name(g);
    if (which)
        return str_ieq_cstr(nm, which);
    return str_ieq_cstr(nm, "window_start") || str_ieq_cstr(nm, "window_end");
}

static PWinProp prop_of(Str name)
{
    size_t n = name.len;
    const char *p = name.ptr;
    if (n >= 6 && !strncasecmp(p + n - 6, "_START", 6))
        return PWP_START;
    if (n >= 4 && !strncasecmp(p + n - 4, "_END", 4))
        return PWP_END;
    if (n >= 9 && !strncasecmp(p + n - 9, "_PROCTIME", 9))
        return PWP_PROCTIME;
    return PWP_ROWTIME;
}

static PNode *plan_aggregate(Planner *P, AstNode *q, PNode *cur, Scope *sc,
                             AggCollect *ac, Scope *post)
{
    AstSelect *S = &q->u.select;
    AstNode *wcall = NULL;
    const AstNode *tvf_src = NULL;
    uint32_t nk = 0;
    AstNode **key_ast = ARENA_NEW_ARRAY(&P->cc->a, AstNode *,
                                        S->group_by.n ? S->group_by.n : 1);
    for (uint32_t i = 0; i < S->group_by.n; i++) {
        AstNode *g = S->group_by.items[i];
        if (is_group_window_call(g)) {
            if (wcall) {
                diag_error(P->cc, DIAG_E_WINDOW, g->at,
                           "cannot group by two group windows");
                fail(P);
                return NULL;
            }
            wcall = g;
        } else if (is_tvf_window_ref(g, NULL)) {
            tvf_src = g->u.column_ref.source;
        } else {
            key_ast[nk++] = g;
        }
    }
    PExpr **keys = ARENA_NEW_ARRAY(&P->cc->a, PExpr *, nk ? nk : 1);
    Str *key_names = ARENA_NEW_ARRAY(&P->cc->a, Str, nk ? nk : 1);
    for (uint32_t i = 0; i < nk; i++) {
        if (!(keys[i] = tx(P, sc, key_ast[i])))
            return NULL;
        int32_t idx;
        if (pexpr_is_ref(keys[i], &idx))
            key_names[i] = cur->out->cols[idx].name;
        else if (!item_alias_of(q, key_ast[i], &key_names[i]))
            key_names[i] = str_fmt(P, "$f%d", (int)i);
    }
    uint32_t na = ac->n_aggs;
    PAggCall *aggs = ARENA_NEW_ARRAY(&P->cc->a, PAggCall, na ? na : 1);
    for (uint32_t i = 0; i < na; i++) {
        if (!agg_call_of(P, sc, ac->aggs[i], &aggs[i]))
            return NULL;
        if (!item_alias_of(q, ac->aggs[i], &aggs[i].out_name))
            aggs[i].out_name = str_fmt(P, "$f%d", (int)(nk + i));
    }
    PWinProp props[4];
    Str prop_names[4];
    uint32_t np = 0;
    PWindow w = {0};
    int32_t start_col = -1, end_col = -1;
    if (wcall) {
        if (!window_kind_of(func_name(P, wcall), &w.kind))
            return NULL;
        PExpr *tc = tx(P, sc, wcall->u.func_call.args.n
                                  ? wcall->u.func_call.args.items[0]
                                  : NULL);
        if (!tc)
            return NULL;
        if (!pexpr_is_ref(tc, &w.time_col)
            || tc->type->time_attr == TA_NONE) {
            diag_error(P->cc, DIAG_E_TIME_ATTR,
                       wcall->u.func_call.args.items[0]->at,
                       "cannot use this as the time of a group window: a "
                       "time attribute column is needed");
            diag_detail(P->cc, "A time attribute is a column with a "
                               "WATERMARK (event time) or computed as "
                               "PROCTIME(), not modified since.");
            fail(P);
            return NULL;
        }
        w.is_proctime = tc->type->time_attr == TA_PROCTIME;
        if (!window_sizes(P, sc, wcall, 1, &w))
            return NULL;
        for (uint32_t i = 0; i < ac->n_aux; i++) {
            PWinProp pp = prop_of(func_name(P, ac->aux[i]));
            bool dup = false;
            for (uint32_t k = 0; k < np; k++)
                dup |= props[k] == pp;
            if (dup)
                continue;
            props[np] = pp;
            if (!item_alias_of(q, ac->aux[i], &prop_names[np]))
                prop_names[np] = str_from_cstr(
                    pp == PWP_START ? "w$start" : pp == PWP_END ? "w$end"
                    : pp == PWP_ROWTIME ? "w$rowtime" : "w$proctime");
            np++;
        }
    } else if (tvf_src) {
        const ScopeEntry *en = NULL;
        for (uint32_t i = 0; i < sc->n; i++)
            if (sc->e[i].src == tvf_src)
                en = &sc->e[i];
        Memo *m = memo_find(P, tvf_src);
        if (!en || !m) {
            diag_error(P->cc, DIAG_E_WINDOW, q->at,
                       "cannot find the window table function of this "
                       "GROUP BY");
            fail(P);
            return NULL;
        }
        w = m->node->u.tvf.window;
        start_col = en->map[en->n - 3];
        end_col = en->map[en->n - 2];
        int32_t tcol = m->node->u.tvf.time_rel_col;
        w.time_col = tcol >= 0 && en->map[tcol] >= 0 ? en->map[tcol]
                                                     : en->map[en->n - 1];
        props[0] = PWP_START;
        props[1] = PWP_END;
        props[2] = w.is_proctime ? PWP_PROCTIME : PWP_ROWTIME;
        prop_names[0] = STR_LIT("window_start");
        prop_names[1] = STR_LIT("window_end");
        prop_names[2] = STR_LIT("window_time");
        np = 3;
    }
    bool windowed = wcall || tvf_src;
    if (windowed && cur->changelog != CL_INSERT_ONLY) {
        diag_error(P->cc, DIAG_E_WINDOW, wcall ? wcall->at : q->at,
                   "cannot compute a window aggregate over an updating "
                   "input");
        diag_detail(P->cc, "The input of this GROUP BY produces updates "
                           "(for example from a regular outer join or an "
                           "unbounded aggregate); window aggregates need an "
                           "append-only input.");
        fail(P);
        return NULL;
    }
    RelSchema *out = rel_new(P, nk + na + np);
    for (uint32_t i = 0; i < nk; i++) {
        out->cols[i].name = key_names[i];
        out->cols[i].type = keys[i]->type;
    }
    for (uint32_t i = 0; i < na; i++) {
        out->cols[nk + i].name = aggs[i].out_name;
        out->cols[nk + i].type = aggs[i].type;
    }
    for (uint32_t i = 0; i < np; i++) {
        SqlType *t = type_new_timestamp(&P->cc->a,
            w.is_proctime ? T_TIMESTAMP_LTZ : T_TIMESTAMP, 3);
        t->is_nullable = false;
        if (props[i] == PWP_ROWTIME)
            t = type_with_time_attr(&P->cc->a, t, TA_ROWTIME);
        else if (props[i] == PWP_PROCTIME)
            t = type_with_time_attr(&P->cc->a, t, TA_PROCTIME);
        out->cols[nk + na + i].name = prop_names[i];
        out->cols[nk + na + i].type = t;
    }
    rel_uniquify(P, out);
    PNode *n;
    if (windowed) {
        n = node_new1(P, tvf_src ? PN_WINDOW_AGGREGATE
                                 : PN_GROUP_WINDOW_AGGREGATE,
                      cur, out, wcall ? wcall->at : q->at);
        PWindowAgg *wa = &n->u.wagg;
        wa->n_keys = nk;
        wa->keys = keys;
        wa->key_names = key_names;
        wa->window = w;
        wa->n_aggs = na;
        wa->aggs = aggs;
        wa->n_props = np;
        wa->props = ARENA_NEW_ARRAY(&P->cc->a, PWinProp, np ? np : 1);
        memcpy(wa->props, props, sizeof(PWinProp) * np);
        wa->start_col = start_col;
        wa->end_col = end_col;
        n->changelog = CL_INSERT_ONLY;
    } else {
        n = node_new1(P, PN_GROUP_AGGREGATE, cur, out, q->at);
        PGroupAgg *ga = &n->u.gagg;
        ga->n_keys = nk;
        ga->keys = keys;
        ga->key_names = key_names;
        ga->n_aggs = na;
        ga->aggs = aggs;
        ga->state_ttl_ms = P->state_ttl_ms;
        n->changelog = CL_RETRACT;
    }
    /* The scope after aggregation. */
    memset(post, 0, sizeof(*post));
    post->select = q;
    post->after_agg = true;
    post->row = out;
    for (uint32_t i = 0; i < nk; i++) {
        PExpr *r = pexpr_input_ref(P->cc, (int32_t)i, out->cols[i].type);
        scope_subst(P, post, key_ast[i], r, true);
        const AstNode *g = key_ast[i];
        if (g->kind == AST_COLUMN_REF && g->u.column_ref.source == q) {
            const AstList *items = &S->items;
            int32_t c = g->u.column_ref.col;
            if (c >= 0 && (uint32_t)c < items->n)
                scope_subst(P, post, items->items[c]->u.select_item.expr, r,
                            true);
        }
    }
    for (uint32_t i = 0; i < na; i++)
        scope_subst(P, post, ac->aggs[i],
                    pexpr_input_ref(P->cc, (int32_t)(nk + i),
                                    out->cols[nk + i].type),
                    true);
    if (wcall) {
        for (uint32_t i = 0; i < ac->n_aux; i++) {
            PWinProp pp = prop_of(func_name(P, ac->aux[i]));
            for (uint32_t k = 0; k < np; k++)
                if (props[k] == pp)
                    scope_subst(P, post, ac->aux[i],
                                pexpr_input_ref(P->cc, (int32_t)(nk + na + k),
                                                out->cols[nk + na + k].type),
                                true);
        }
    }
    if (tvf_src) {
        const ScopeEntry *en = NULL;
        for (uint32_t i = 0; i < sc->n; i++)
            if (sc->e[i].src == tvf_src)
                en = &sc->e[i];
        int32_t *map = ARENA_NEW_ARRAY(&P->cc->a, int32_t, en->n);
        for (uint32_t c = 0; c < en->n; c++)
            map[c] = -1;
        for (uint32_t k = 0; k < 3; k++)
            map[en->n - 3 + k] = (int32_t)(nk + na + k);
        scope_add(P, post, tvf_src, map, en->n);
    }
    return n;
}

/* ---- OVER windows ------------------------------------------------------------ */

typedef struct Spec {
    const AstList *part;
    const AstList *order;
    FrameUnit unit;
    AstNode *start, *end;
} Spec;

static void spec_of(const AstNode *q, const AstNode *over, Spec *sp)
{
    static const AstList empty;
    const AstWindowSpec *ws = &over->u.window_spec;
    sp->part = &ws->partition_by;
    sp->order = &ws->order_by;
    sp->unit = ws->frame_unit;
    sp->start = ws->frame_start;
    sp->end = ws->frame_end;
    if (!ws->base.name.len || q->kind != AST_SELECT)
        return;
    const AstList *defs = &q->u.select.windows;
    for (uint32_t i = 0; i < defs->n; i++) {
        const AstWindowDef *d = &defs->items[i]->u.window_def;
        if (!str_ieq(d->name.name, ws->base.name) || !d->spec)
            continue;
        const AstWindowSpec *b = &d->spec->u.window_spec;
        if (!sp->part->n)
            sp->part = &b->partition_by;
        if (!sp->order->n)
            sp->order = &b->order_by;
        if (sp->unit == FRAME_NONE) {
            sp->unit = b->frame_unit;
            sp->start = b->frame_start;
            sp->end = b->frame_end;
        }
    }
    if (!sp->part)
        sp->part = &empty;
}

static bool bound_of(Planner *P, Scope *sc, FrameUnit unit, AstNode *b,
                     PBoundKind *kind, int64_t *off)
{
    *off = 0;
    if (!b) {
        *kind = PB_CURRENT_ROW;
        return true;
    }
    const AstFrameBound *fb = &b->u.frame_bound;
    switch (fb->bound) {
    case BOUND_UNBOUNDED_PRECEDING:
        *kind = PB_UNBOUNDED_PRECEDING;
        return true;
    case BOUND_CURRENT_ROW:
        *kind = PB_CURRENT_ROW;
        return true;
    case BOUND_UNBOUNDED_FOLLOWING:
        *kind = PB_UNBOUNDED_FOLLOWING;
        return true;
    case BOUND_PRECEDING:
        *kind = PB_PRECEDING;
        break;
    case BOUND_FOLLOWING:
        *kind = PB_FOLLOWING;
        break;
    }
    PExpr *x = tx(P, sc, fb->offset);
    if (!x)
        return false;
    if (unit == FRAME_RANGE && pexpr_interval_ms(x, off))
        return true;
    if (x->kind == PE_LITERAL && x->lit.kind == PL_INT) {
        *off = x->lit.v.i;
        return true;
    }
    diag_error(P->cc, DIAG_E_WINDOW, fb->offset->at,
               "cannot use this as a window frame offset: a constant %s is "
               "needed",
               unit == FRAME_RANGE ? "INTERVAL" : "number of rows");
    fail(P);
    return false;
}

static bool frame_of(Planner *P, Scope *sc, AstNode *call, const Spec *sp,
                     PFrame *f)
{
    Str nm = func_name(P, call);
    memset(f, 0, sizeof(*f));
    f->upper = PB_CURRENT_ROW;
    if (str_ieq_cstr(nm, "LAG") || str_ieq_cstr(nm, "LEAD")) {
        int64_t off = 1;
        const AstList *args = &call->u.func_call.args;
        if (args->n >= 2) {
            PExpr *x = tx(P, sc, args->items[1]);
            if (x && x->kind == PE_LITERAL && x->lit.kind == PL_INT)
                off = x->lit.v.i;
        }
        f->unit = FRAME_ROWS;
        if (str_ieq_cstr(nm, "LAG")) {
            f->lower = PB_PRECEDING;
            f->lower_off = off;
        } else {
            f->lower = PB_CURRENT_ROW;
            f->upper = PB_FOLLOWING;
            f->upper_off = off;
        }
        return true;
    }
    if (is_window_only(call)) {
        f->unit = FRAME_ROWS;
        f->lower = PB_UNBOUNDED_PRECEDING;
        return true;
    }
    if (sp->unit == FRAME_NONE) {
        f->unit = FRAME_RANGE;
        f->lower = PB_UNBOUNDED_PRECEDING;
        return true;
    }
    f->unit = sp->unit;
    return bound_of(P, sc, sp->unit, sp->start, &f->lower, &f->lower_off)
           && bound_of(P, sc, sp->unit, sp->end, &f->upper, &f->upper_off);
}

static PNode *plan_over(Planner *P, AstNode *q, PNode *cur, Scope *sc,
                        AggCollect *ac)
{
    uint32_t n = ac->n_overs;
    Spec *specs = ARENA_NEW_ARRAY(&P->cc->a, Spec, n);
    int32_t *group = ARENA_NEW_ARRAY(&P->cc->a, int32_t, n);
    uint32_t ng = 0;
    for (uint32_t i = 0; i < n; i++) {
        spec_of(q, ac->overs[i]->u.func_call.over, &specs[i]);
        group[i] = -1;
        for (uint32_t k = 0; k < i && group[i] < 0; k++)
            if (ast_expr_list_equal(specs[k].part, specs[i].part)
                && ast_expr_list_equal(specs[k].order, specs[i].order))
                group[i] = group[k];
        if (group[i] < 0)
            group[i] = (int32_t)ng++;
    }
    uint32_t call_no = 0;
    for (uint32_t g = 0; g < ng; g++) {
        uint32_t first = 0, nc = 0;
        for (uint32_t i = 0; i < n; i++)
            if (group[i] == (int32_t)g) {
                if (!nc)
                    first = i;
                nc++;
            }
        const Spec *sp = &specs[first];
        POverAgg oa = {0};
        oa.n_partition = sp->part->n;
        oa.partition = ARENA_NEW_ARRAY(&P->cc->a, PExpr *, oa.n_partition ? oa.n_partition : 1);
        for (uint32_t i = 0; i < sp->part->n; i++)
            if (!(oa.partition[i] = tx(P, sc, sp->part->items[i])))
                return NULL;
        if (!sp->order->n) {
            diag_error(P->cc, DIAG_E_WINDOW, ac->overs[first]->at,
                       "cannot compute an OVER window without ORDER BY");
            diag_hint(P->cc, "Add ORDER BY <time attribute> to the OVER "
                             "clause.");
            fail(P);
            return NULL;
        }
        if (!sort_key_of(P, sc, sp->order->items[0], &oa.order))
            return NULL;
        SqlType *ot = cur->out->cols[oa.order.col].type;
        oa.is_proctime = ot && ot->time_attr == TA_PROCTIME;
        oa.n_calls = nc;
        oa.calls = ARENA_NEW_ARRAY(&P->cc->a, PAggCall, nc);
        uint32_t w = cur->out->n_cols;
        RelSchema *out = rel_new(P, w + nc);
        for (uint32_t i = 0; i < w; i++)
            out->cols[i] = cur->out->cols[i];
        uint32_t k = 0;
        for (uint32_t i = 0; i < n; i++) {
            if (group[i] != (int32_t)g)
                continue;
            AstNode *call = ac->overs[i];
            PAggCall *a = &oa.calls[k];
            if (!agg_call_of(P, sc, call, a)
                || !frame_of(P, sc, call, &specs[i], &a->frame))
                return NULL;
            if (!item_alias_of(q, call, &a->out_name))
                a->out_name = str_fmt(P, "w$o%d", (int)call_no);
            call_no++;
            out->cols[w + k].name = a->out_name;
            out->cols[w + k].type = a->type;
            k++;
        }
        rel_uniquify(P, out);
        PNode *node = node_new1(P, PN_OVER_AGGREGATE, cur, out,
                                ac->overs[first]->at);
        node->u.over = oa;
        node->u.over.state_ttl_ms = P->state_ttl_ms;
        k = 0;
        for (uint32_t i = 0; i < n; i++) {
            if (group[i] != (int32_t)g)
                continue;
            scope_subst(P, sc, ac->overs[i],
                        pexpr_input_ref(P->cc, (int32_t)(w + k),
                                        out->cols[w + k].type),
                        false);
            k++;
        }
        cur = node;
        sc->row = cur->out;
    }
    return cur;
}

/* ---- SELECT ------------------------------------------------------------------- */

static Str entry_name(const AstNode *src)
{
    switch (src->kind) {
    case AST_TABLE_REF: {
        const AstTableRef *t = &src->u.table_ref;
        if (t->has_alias)
            return t->alias.name;
        return t->name.n_parts ? t->name.parts[t->name.n_parts - 1].name
                               : STR_NULL;
    }
    case AST_SUBQUERY_REF:
        return src->u.subquery_ref.alias.name;
    case AST_TABLE_FUNC_REF:
        return src->u.table_func_ref.alias.name;
    case AST_MATCH_RECOGNIZE:
        return src->u.match_recognize.alias.name;
    default:
        return STR_NULL;
    }
}

static PNode *values_one_row(Planner *P, SrcSpan at)
{
    PNode *n = node_new(P, PN_VALUES, 0, NULL, rel_new(P, 0), at);
    n->u.values.n_rows = 1;
    n->u.values.rows = ARENA_NEW_ARRAY(&P->cc->a, PExpr **, 1);
    return n;
}

static PNode *distinct_of(Planner *P, PNode *cur, SrcSpan at)
{
    uint32_t n = cur->out->n_cols;
    RelSchema *out = rel_new(P, n);
    PGroupAgg ga = {0};
    ga.n_keys = n;
    ga.keys = ARENA_NEW_ARRAY(&P->cc->a, PExpr *, n ? n : 1);
    ga.key_names = ARENA_NEW_ARRAY(&P->cc->a, Str, n ? n : 1);
    for (uint32_t i = 0; i < n; i++) {
        out->cols[i] = cur->out->cols[i];
        ga.keys[i] = pexpr_input_ref(P->cc, (int32_t)i, out->cols[i].type);
        ga.key_names[i] = out->cols[i].name;
    }
    ga.state_ttl_ms = P->state_ttl_ms;
    ga.is_distinct_only = true;
    PNode *g = node_new1(P, PN_GROUP_AGGREGATE, cur, out, at);
    g->u.gagg = ga;
    g->changelog = CL_RETRACT;
    return g;
}

static PNode *plan_select(Planner *P, AstNode *q)
{
    AstSelect *S = &q->u.select;
    Scope sc = {0};
    sc.select = q;
    ConjList all = {0}, pend = {0}, other = {0};
    conj_split(P, S->where, &all);
    for (uint32_t i = 0; i < all.n; i++) {
        if (conj_is_pushable(all.c[i].ast))
            PUSH(P, pend.c, pend.n, pend.cap, all.c[i]);
        else
            PUSH(P, other.c, other.n, other.cap, all.c[i]);
    }
    PNode *cur;
    if (S->from.n == 0) {
        cur = values_one_row(P, q->at);
    } else {
        if (S->from.n > 1) {
            diag_error(P->cc, DIAG_E_UNSUPPORTED, S->from.items[1]->at,
                       "cannot plan several FROM items here");
            fail(P);
            return NULL;
        }
        cur = plan_item(P, S->from.items[0], &sc, &pend);
    }
    if (!cur)
        return NULL;
    sc.row = cur->out;
    /* Conjuncts no FROM item took (constants). */
    PExpr *w = NULL;
    for (uint32_t i = 0; i < pend.n; i++) {
        if (pend.c[i].done)
            continue;
        PExpr *x = tx(P, &sc, pend.c[i].ast);
        if (!x)
            return NULL;
        w = pexpr_and(P->cc, w, x);
    }
    cur = make_filter(P, cur, w, S->where ? S->where->at : q->at);
    sc.row = cur->out;
    /* IN / EXISTS in WHERE: semi and anti joins; elsewhere: mark joins. */
    w = NULL;
    for (uint32_t i = 0; i < other.n; i++) {
        AstNode *c = other.c[i].ast;
        bool neg = false;
        AstNode *inner = c;
        if (c->kind == AST_UNARY && c->u.unary.op == UOP_NOT) {
            inner = c->u.unary.arg;
            neg = true;
        }
        if (inner->kind == AST_IN_SUBQUERY || inner->kind == AST_EXISTS) {
            bool is_not = inner->kind == AST_IN_SUBQUERY
                              ? inner->u.in_subquery.is_not
                              : inner->u.exists.is_not;
            if (neg)
                is_not = !is_not;
            cur = plan_semi(P, cur, &sc, inner,
                            is_not ? PSEMI_ANTI : PSEMI_SEMI);
            if (!cur)
                return NULL;
            sc.row = cur->out;
            continue;
        }
        cur = plan_marks(P, cur, &sc, c);
        if (!cur)
            return NULL;
        PExpr *x = tx(P, &sc, c);
        if (!x)
            return NULL;
        w = pexpr_and(P->cc, w, x);
    }
    cur = make_filter(P, cur, w, S->where ? S->where->at : q->at);
    sc.row = cur->out;
    for (uint32_t i = 0; i < S->items.n && cur; i++)
        if (item_needed(P, q, i))
            cur = plan_marks(P, cur, &sc, S->items.items[i]);
    if (!cur)
        return NULL;
    sc.row = cur->out;

    AggCollect ac = {0};
    ac.P = P;
    for (uint32_t i = 0; i < S->items.n; i++)
        if (item_needed(P, q, i))
            walk(S->items.items[i], agg_visit, &ac);
    walk(S->having, agg_visit, &ac);
    walk(S->qualify, agg_visit, &ac);
    Scope post;
    Scope *cs = &sc;
    if (S->group_by.n || ac.n_aggs || S->is_aggregate) {
        cur = plan_aggregate(P, q, cur, &sc, &ac, &post);
        if (!cur)
            return NULL;
        cs = &post;
        if (S->having) {
            PExpr *h = tx(P, cs, S->having);
            if (!h)
                return NULL;
            cur = make_filter(P, cur, h, S->having->at);
            cs->row = cur->out;
        }
    }
    if (ac.n_overs) {
        if (cur->changelog != CL_INSERT_ONLY) {
            diag_error(P->cc, DIAG_E_WINDOW, ac.overs[0]->at,
                       "cannot compute an OVER window over an updating "
                       "input");
            fail(P);
            return NULL;
        }
        cur = plan_over(P, q, cur, cs, &ac);
        if (!cur)
            return NULL;
    }
    /* Projection. */
    uint32_t n = 0, cap = 0;
    PExpr **proj = NULL;
    Str *names = NULL;
    uint32_t ncap = 0, nn = 0;
    for (uint32_t i = 0; i < S->items.n; i++) {
        const AstSelectItem *it = &S->items.items[i]->u.select_item;
        AstNode *e = it->expr;
        if (e->kind == AST_STAR) {
            const QName *qual = &e->u.star.qualifier;
            for (uint32_t k = 0; k < sc.n; k++) {
                const ScopeEntry *en = &sc.e[k];
                if (qual->n_parts
                    && !str_ieq(qual->parts[qual->n_parts - 1].name,
                                entry_name(en->src)))
                    continue;
                const RelSchema *r = en->src->rel;
                for (uint32_t c = 0; c < en->n; c++) {
                    if (en->map[c] < 0)
                        continue;
                    if (r && c < r->n_cols && r->cols[c].is_hidden)
                        continue;
                    PExpr *x = pexpr_input_ref(
                        P->cc, en->map[c], cur->out->cols[en->map[c]].type);
                    PUSH(P, proj, n, cap, x);
                    Str nm = r && c < r->n_cols ? r->cols[c].name
                                                : cur->out->cols[en->map[c]].name;
                    PUSH(P, names, nn, ncap, nm);
                }
            }
            continue;
        }
        PExpr *x;
        if (item_needed(P, q, i)) {
            x = tx(P, cs, e);
        } else {
            /* No consumer reads this column: a typed NULL placeholder that
             * Calc merging drops. */
            x = pexpr_new(P->cc, PE_LITERAL, ty_of(P, e), e->at);
            x->lit.kind = PL_NULL;
            x->lit.text = STR_LIT("NULL");
        }
        if (!x)
            return NULL;
        PUSH(P, proj, n, cap, x);
        Str nm;
        if (it->has_alias)
            nm = it->alias.name;
        else if (e->kind == AST_COLUMN_REF)
            nm = ref_name(e);
        else
            nm = str_fmt(P, "EXPR$%d", (int)(n - 1));
        PUSH(P, names, nn, ncap, nm);
    }
    if (q->rel && q->rel->n_cols == n)
        for (uint32_t i = 0; i < n; i++)
            names[i] = q->rel->cols[i].name;
    PExpr *qual = NULL;
    if (S->qualify && !(qual = tx(P, cs, S->qualify)))
        return NULL;
    cur = make_calc(P, cur, qual, n, proj, names, q->at);
    if (S->is_distinct)
        cur = distinct_of(P, cur, q->at);
    return cur;
}

/* ---- set operations, VALUES, WITH ------------------------------------------ */

/* Cast the columns of n to the types of rel where they differ. */
static PNode *cast_to(Planner *P, PNode *n, const RelSchema *rel, SrcSpan at)
{
    if (!rel || rel->n_cols != n->out->n_cols)
        return n;
    bool need = false;
    for (uint32_t i = 0; i < rel->n_cols; i++)
        if (rel->cols[i].type && n->out->cols[i].type
            && !type_equal(rel->cols[i].type, n->out->cols[i].type)
            && rel->cols[i].type->kind != T_NULL)
            need = true;
    if (!need)
        return n;
    uint32_t k = rel->n_cols;
    PExpr **proj = ARENA_NEW_ARRAY(&P->cc->a, PExpr *, k);
    Str *names = ARENA_NEW_ARRAY(&P->cc->a, Str, k);
    for (uint32_t i = 0; i < k; i++) {
        PExpr *r = pexpr_input_ref(P->cc, (int32_t)i, n->out->cols[i].type);
        if (rel->cols[i].type && n->out->cols[i].type
            && !type_equal(rel->cols[i].type, n->out->cols[i].type)
            && rel->cols[i].type->kind != T_NULL) {
            PExpr *c = pexpr_new(P->cc, PE_CAST, rel->cols[i].type, at);
            c->n_args = 1;
            c->args = ARENA_NEW_ARRAY(&P->cc->a, PExpr *, 1);
            c->args[0] = r;
            r = c;
        }
        proj[i] = r;
        names[i] = n->out->cols[i].name;
    }
    return make_calc(P, n, NULL, k, proj, names, at);
}

static void union_inputs(Planner *P, AstNode *q, PNode ***ins, uint32_t *n,
                         uint32_t *cap)
{
    if (q->kind == AST_SETOP && q->u.setop.op == SETOP_UNION
        && q->u.setop.is_all) {
        union_inputs(P, q->u.setop.left, ins, n, cap);
        union_inputs(P, q->u.setop.right, ins, n, cap);
        return;
    }
    PNode *x = plan_query(P, q);
    if (!x) {
        fail(P);
        return;
    }
    PUSH(P, *ins, *n, *cap, x);
}

static PNode *plan_setop(Planner *P, AstNode *q)
{
    const AstSetOp *so = &q->u.setop;
    if (so->op != SETOP_UNION) {
        diag_error(P->cc, DIAG_E_UNSUPPORTED, q->at,
                   "cannot run %s on streams yet",
                   so->op == SETOP_INTERSECT ? "INTERSECT" : "EXCEPT");
        diag_hint(P->cc, "Use a join, or NOT IN (SELECT ...) for EXCEPT.");
        fail(P);
        return NULL;
    }
    PNode **ins = NULL;
    uint32_t n = 0, cap = 0;
    union_inputs(P, so->left, &ins, &n, &cap);
    union_inputs(P, so->right, &ins, &n, &cap);
    if (P->failed)
        return NULL;
    const RelSchema *rel = q->rel ? q->rel : ins[0]->out;
    for (uint32_t i = 0; i < n; i++) {
        if (ins[i]->out->n_cols != rel->n_cols) {
            diag_error(P->cc, DIAG_E_TYPE_MISMATCH, q->at,
                       "cannot UNION queries with %u and %u columns",
                       rel->n_cols, ins[i]->out->n_cols);
            fail(P);
            return NULL;
        }
        ins[i] = cast_to(P, ins[i], rel, q->at);
    }
    RelSchema *out = rel_new(P, rel->n_cols);
    for (uint32_t i = 0; i < rel->n_cols; i++) {
        out->cols[i].name = rel->cols[i].name;
        out->cols[i].type = rel->cols[i].type ? rel->cols[i].type
                                              : ins[0]->out->cols[i].type;
    }
    rel_uniquify(P, out);
    PNode *u = node_new(P, PN_UNION, n, ins, out, q->at);
    if (!so->is_all)
        u = distinct_of(P, u, q->at);
    return u;
}

static PNode *plan_values(Planner *P, AstNode *q)
{
    const AstList *rows = &q->u.values.rows;
    uint32_t nc = 0;
    if (rows->n) {
        AstNode *r0 = rows->items[0];
        nc = r0->kind == AST_ROW_CTOR ? r0->u.ctor.items.n : 1;
    }
    PValues v = {0};
    v.n_rows = rows->n;
    v.rows = ARENA_NEW_ARRAY(&P->cc->a, PExpr **, rows->n ? rows->n : 1);
    Scope empty = {0};
    for (uint32_t r = 0; r < rows->n; r++) {
        AstNode *row = rows->items[r];
        v.rows[r] = ARENA_NEW_ARRAY(&P->cc->a, PExpr *, nc ? nc : 1);
        for (uint32_t c = 0; c < nc; c++) {
            AstNode *e = row->kind == AST_ROW_CTOR
                             ? (c < row->u.ctor.items.n ? row->u.ctor.items.items[c]
                                                        : NULL)
                             : row;
            if (!e || !(v.rows[r][c] = tx(P, &empty, e)))
                return NULL;
        }
    }
    RelSchema *out = rel_new(P, nc);
    for (uint32_t c = 0; c < nc; c++) {
        if (q->rel && c < q->rel->n_cols) {
            out->cols[c] = q->rel->cols[c];
        } else {
            out->cols[c].name = str_fmt(P, "EXPR$%d", (int)c);
        }
        if (!out->cols[c].type && rows->n)
            out->cols[c].type = v.rows[0][c]->type;
    }
    rel_uniquify(P, out);
    PNode *n = node_new(P, PN_VALUES, 0, NULL, out, q->at);
    n->u.values = v;
    return n;
}

/* The output column an ORDER BY item names. */
static bool order_col(Planner *P, AstNode *body, PNode *n, AstNode *e,
                      int32_t *col)
{
    if (e->kind == AST_COLUMN_REF && e->u.column_ref.source == body) {
        *col = e->u.column_ref.col;
        return *col >= 0 && (uint32_t)*col < n->out->n_cols;
    }
    if (e->kind == AST_LITERAL && e->u.literal.lit_kind == LIT_INTEGER) {
        int64_t k = strtoll(e->u.literal.text.ptr, NULL, 10);
        if (k >= 1 && (uint64_t)k <= n->out->n_cols) {
            *col = (int32_t)(k - 1);
            return true;
        }
    }
    if (body->kind == AST_SELECT) {
        const AstList *items = &body->u.select.items;
        for (uint32_t i = 0; i < items->n && i < n->out->n_cols; i++)
            if (ast_expr_equal(items->items[i]->u.select_item.expr, e)) {
                *col = (int32_t)i;
                return true;
            }
    }
    Str nm = e->kind == AST_COLUMN_REF ? ref_name(e) : STR_NULL;
    for (uint32_t i = 0; nm.len && i < n->out->n_cols; i++)
        if (str_ieq(n->out->cols[i].name, nm)) {
            *col = (int32_t)i;
            return true;
        }
    diag_error(P->cc, DIAG_E_UNSUPPORTED, e->at,
               "cannot order by an expression that is not selected");
    diag_hint(P->cc, "Add it to the SELECT list and order by its alias.");
    fail(P);
    return false;
}

static PNode *plan_with(Planner *P, AstNode *q)
{
    AstWith *W = &q->u.with;
    uint32_t saved = P->n_ctes;
    for (uint32_t i = 0; i < W->ctes.n; i++)
        PUSH(P, P->ctes, P->n_ctes, P->cap_ctes, W->ctes.items[i]);
    PNode *n = plan_query(P, W->body);
    P->n_ctes = saved;
    if (!n || (!W->order_by.n && !W->limit && !W->offset))
        return n;
    PSortLimit sl = {0};
    sl.limit = -1;
    sl.n_keys = W->order_by.n;
    sl.keys = ARENA_NEW_ARRAY(&P->cc->a, PSortKey, sl.n_keys ? sl.n_keys : 1);
    for (uint32_t i = 0; i < W->order_by.n; i++) {
        AstNode *oi = W->order_by.items[i];
        if (!order_col(P, W->body, n, oi->u.order_item.expr, &sl.keys[i].col))
            return NULL;
        sl.keys[i].is_desc = oi->u.order_item.is_desc;
        sl.keys[i].nulls = oi->u.order_item.nulls;
    }
    Scope empty = {0};
    if (W->limit) {
        PExpr *x = tx(P, &empty, W->limit);
        if (!x)
            return NULL;
        if (x->kind != PE_LITERAL || x->lit.kind != PL_INT) {
            diag_error(P->cc, DIAG_E_UNSUPPORTED, W->limit->at,
                       "cannot use this as a LIMIT: a constant integer is "
                       "needed");
            fail(P);
            return NULL;
        }
        sl.limit = x->lit.v.i;
    }
    if (W->offset) {
        PExpr *x = tx(P, &empty, W->offset);
        if (x && x->kind == PE_LITERAL && x->lit.kind == PL_INT)
            sl.offset = x->lit.v.i;
    }
    if (!n->is_bounded && sl.n_keys) {
        SqlType *t = n->out->cols[sl.keys[0].col].type;
        if (!t || t->time_attr == TA_NONE || sl.keys[0].is_desc) {
            diag_error(P->cc, DIAG_E_UNSUPPORTED, W->order_by.items[0]->at,
                       "cannot sort an unbounded stream by '%.*s'",
                       (int)n->out->cols[sl.keys[0].col].name.len,
                       n->out->cols[sl.keys[0].col].name.ptr);
            diag_detail(P->cc, "On an unbounded input, ORDER BY must start "
                               "with a time attribute in ascending order; "
                               "any other order would wait forever.");
            diag_hint(P->cc, "Order by the event-time column, or read a "
                             "bounded source (a file or a bounded Kafka "
                             "range).");
            fail(P);
            return NULL;
        }
    }
    PNode *s = node_new1(P, PN_SORT_LIMIT, n, n->out, q->at);
    s->u.sort = sl;
    if (!n->is_bounded && !sl.n_keys)
        s->changelog = n->changelog; /* LIMIT on a stream: first rows */
    return s;
}

static PNode *plan_query(Planner *P, AstNode *q)
{
    if (!q || P->failed)
        return NULL;
    PNode *n;
    switch (q->kind) {
    case AST_SELECT:
        n = plan_select(P, q);
        break;
    case AST_SETOP:
        n = plan_setop(P, q);
        break;
    case AST_VALUES:
        n = plan_values(P, q);
        break;
    case AST_WITH:
        n = plan_with(P, q);
        break;
    default:
        diag_error(P->cc, DIAG_E_UNSUPPORTED, q->at, "cannot plan %s",
                   ast_kind_name(q->kind));
        fail(P);
        return NULL;
    }
    if (!n)
        fail(P);
    return n;
}

/* ---- sinks and the job ---------------------------------------------------- */

static bool sink_accepts_updates(const CatTable *t)
{
    if (is_connector(t, "kafka") || is_connector(t, "filesystem"))
        return false;
    return true;
}

static const char *update_reason(const PNode *n)
{
    for (;;) {
        switch (n->kind) {
        case PN_GROUP_AGGREGATE:
            return "an unbounded GROUP BY updates its results";
        case PN_JOIN:
            return "a regular join updates earlier results as rows arrive "
                   "on either side";
        case PN_SEMI_JOIN:
            return "an anti or mark join updates earlier results";
        case PN_TABLE_SOURCE_SCAN:
            return "the source table is an upsert table";
        default:
            break;
        }
        const PNode *next = NULL;
        for (uint32_t i = 0; i < n->n_inputs; i++)
            if (n->inputs[i]->changelog != CL_INSERT_ONLY)
                next = n->inputs[i];
        if (!next)
            return "an operator of the query updates its results";
        n = next;
    }
}

static PNode *plan_insert(Planner *P, AstNode *ins)
{
    AstInsert *I = &ins->u.insert;
    CatTable *t = catalog_find_table_q(P->cc->cat, &I->table);
    if (!t) {
        diag_error(P->cc, DIAG_E_UNKNOWN_TABLE, I->table.at,
                   "cannot insert into '%.*s': it is not a table",
                   (int)I->table.parts[I->table.n_parts - 1].name.len,
                   I->table.parts[I->table.n_parts - 1].name.ptr);
        fail(P);
        return NULL;
    }
    PNode *q = plan_query(P, I->query);
    if (!q)
        return NULL;
    uint32_t nt = 0;
    uint32_t *cols = ARENA_NEW_ARRAY(&P->cc->a, uint32_t, t->n_cols ? t->n_cols : 1);
    if (I->columns.n) {
        for (uint32_t i = 0; i < I->columns.n; i++) {
            int32_t c = table_col_by_name(t, ref_name(I->columns.items[i]));
            if (c >= 0)
                cols[nt++] = (uint32_t)c;
        }
    } else {
        for (uint32_t c = 0; c < t->n_cols; c++)
            if (t->cols[c].kind == COL_PHYSICAL
                || (t->cols[c].kind == COL_METADATA && !t->cols[c].is_virtual))
                cols[nt++] = c;
    }
    if (nt != q->out->n_cols) {
        diag_error(P->cc, DIAG_E_INSERT, I->query->at,
                   "cannot insert %u columns into table '%.*s', which "
                   "takes %u",
                   q->out->n_cols, (int)t->name.len, t->name.ptr, nt);
        fail(P);
        return NULL;
    }
    RelSchema *target = rel_new(P, nt);
    for (uint32_t i = 0; i < nt; i++) {
        target->cols[i].name = t->cols[cols[i]].name;
        target->cols[i].type = catalog_column_type(t, cols[i]);
    }
    q = cast_to(P, q, target, I->query->at);
    if (q->changelog != CL_INSERT_ONLY && !sink_accepts_updates(t)) {
        diag_error(P->cc, DIAG_E_INSERT, I->query->at,
                   "cannot write the updating result of this query into "
                   "table '%.*s'",
                   (int)t->name.len, t->name.ptr);
        diag_detail(P->cc, "The %.*s connector only appends rows, and %s.",
                    (int)t->connector.len, t->connector.ptr,
                    update_reason(q));
        diag_hint(P->cc, "Write into an upsert-kafka or jdbc table with a "
                         "PRIMARY KEY, or use a window aggregate or an "
                         "interval join, which only append.");
        fail(P);
        return NULL;
    }
    PNode *s = node_new1(P, PN_SINK, q, target, ins->at);
    s->u.sink.table = t;
    s->u.sink.n_cols = nt;
    s->u.sink.cols = cols;
    s->u.sink.is_overwrite = I->is_overwrite;
    return s;
}

static PNode *plan_collect(Planner *P, AstNode *query, SrcSpan at)
{
    PNode *q = plan_query(P, query);
    if (!q)
        return NULL;
    RelSchema *out = q->out;
    if (query->rel && query->rel->n_cols == q->out->n_cols) {
        out = rel_new(P, q->out->n_cols);
        for (uint32_t i = 0; i < out->n_cols; i++) {
            out->cols[i].name = query->rel->cols[i].name;
            out->cols[i].type = q->out->cols[i].type;
        }
    }
    return node_new1(P, PN_COLLECT, q, out, at);
}

static void collect_nodes(Planner *P, PNode *n, Plan *plan, uint32_t *cap)
{
    if (n->id)
        return;
    n->id = UINT32_MAX; /* visiting */
    for (uint32_t i = 0; i < n->n_inputs; i++)
        collect_nodes(P, n->inputs[i], plan, cap);
    PUSH(P, plan->nodes, plan->n_nodes, *cap, n);
    n->id = plan->n_nodes;
}

/* ---- window aggregates on panes ------------------------------------------
 *
 * A HOP window of size n * slide is the union of n slide-sized panes; a
 * CUMULATE window, of the step-sized panes of its period so far.  On
 * panes, the WindowAggregate steps a row into one accumulator and merges
 * a key's panes when a window fires (runtime/op_window.c, "HOP and
 * CUMULATE with panes").  Decided here, once, for codegen (OpDef
 * on_panes / pane_feed) and EXPLAIN alike.
 */

/* Every call can merge and does not depend on arrival order. */
static bool pane_calls_ok(const PWindowAgg *w)
{
    for (uint32_t i = 0; i < w->n_aggs; i++) {
        const PAggCall *c = &w->aggs[i];
        const AggDef *def = agg_def_find(c->name.ptr, c->name.len);
        if (!def || !def->merge || c->is_distinct ||
            def->kind == AGG_FIRST_VALUE || def->kind == AGG_LAST_VALUE)
            return false;
    }
    return true;
}

/* A HOP or CUMULATE whose size is a multiple (> 1) of its pane width,
 * with late rows dropped (no fired windows kept to re-fire). */
static bool pane_spec_ok(Planner *P, const PWindow *w)
{
    const char *late = compile_get_option(P->cc, "table.exec.late-data");
    if (late && strcasecmp(late, "emit") == 0)
        return false;
    int64_t pw = plan_window_pane_ms(w);
    return (w->kind == PW_HOP || w->kind == PW_CUMULATE) && pw > 0 &&
           w->size_ms > pw && w->size_ms % pw == 0;
}

/* e reads only columns below n (NULL: true). */
static bool refs_below(const PExpr *e, int32_t n)
{
    int32_t lo, hi;
    if (!e)
        return true;
    pexpr_ref_range(e, &lo, &hi);
    return hi < n;
}

/* A WindowAggregate fed by a HOP/CUMULATE table function that feeds it
 * alone, grouped by the TVF's window_start/window_end and reading no
 * window column otherwise: the TVF can send each row once, as its pane. */
static bool tvf_feeds_panes(Planner *P, const PNode *n)
{
    const PNode *t = n->inputs[0];
    if (t->kind != PN_WINDOW_TABLE_FUNCTION || t->n_consumers != 1)
        return false;
    const PWindow *tw = &t->u.tvf.window, *aw = &n->u.wagg.window;
    const PWindowAgg *w = &n->u.wagg;
    int32_t nin = (int32_t)t->out->n_cols - 3;
    if (!pane_spec_ok(P, tw) || tw->is_proctime || w->start_col != nin ||
        w->end_col != nin + 1 || tw->kind != aw->kind ||
        tw->size_ms != aw->size_ms ||
        plan_window_pane_ms(tw) != plan_window_pane_ms(aw) ||
        tw->offset_ms != aw->offset_ms)
        return false;
    for (uint32_t i = 0; i < w->n_keys; i++)
        if (!refs_below(w->keys[i], nin))
            return false;
    for (uint32_t i = 0; i < w->n_aggs; i++) {
        const PAggCall *c = &w->aggs[i];
        for (uint32_t a = 0; a < c->n_args; a++)
            if (!refs_below(c->args[a], nin))
                return false;
        for (uint32_t a = 0; a < c->n_order; a++)
            if (!refs_below(c->order[a], nin))
                return false;
        if (!refs_below(c->filter, nin))
            return false;
    }
    return true;
}

static void mark_panes(Planner *P, PNode *n)
{
    PWindowAgg *w = &n->u.wagg;
    if (n->kind == PN_GROUP_WINDOW_AGGREGATE)
        w->on_panes = pane_spec_ok(P, &w->window) && pane_calls_ok(w);
    else if (n->kind == PN_WINDOW_AGGREGATE && n->n_inputs == 1)
        w->on_panes = pane_spec_ok(P, &w->window) && pane_calls_ok(w) &&
                      tvf_feeds_panes(P, n);
    if (n->kind == PN_WINDOW_AGGREGATE && w->on_panes)
        n->inputs[0]->u.tvf.pane_feed = true;
}

int64_t plan_window_pane_ms(const PWindow *w)
{
    return w->kind == PW_CUMULATE ? w->step_ms
           : w->kind == PW_HOP    ? w->slide_ms
                                  : 0;
}

static void finish(Planner *P, Plan *plan)
{
    uint32_t cap = 0;
    for (uint32_t r = 0; r < plan->n_roots; r++)
        collect_nodes(P, plan->roots[r], plan, &cap);
    for (uint32_t i = 0; i < plan->n_nodes; i++)
        plan->nodes[i]->n_consumers = 0;
    for (uint32_t i = 0; i < plan->n_nodes; i++) {
        PNode *n = plan->nodes[i];
        for (uint32_t k = 0; k < n->n_inputs; k++)
            n->inputs[k]->n_consumers++;
        /* Unique keys of join inputs, on the final graph (issue 8). */
        if (n->kind == PN_JOIN && n->u.join.keys.n_keys) {
            join_unique_side(P, &n->u.join, n->inputs[0], 0);
            join_unique_side(P, &n->u.join, n->inputs[1], 1);
        }
    }
    /* after the consumer counts: a shared TVF feeds no panes */
    for (uint32_t i = 0; i < plan->n_nodes; i++)
        mark_panes(P, plan->nodes[i]);
}

Plan *plan_statement(CompileCtx *cc, AstNode *stmt)
{
    if (!stmt)
        return NULL;
    bool is_explain = false;
    AstNode *s = stmt;
    if (s->kind == AST_EXPLAIN) {
        is_explain = true;
        s = s->u.explain.stmt;
        if (!s)
            return NULL;
    }
    if (s->kind != AST_QUERY_STMT && s->kind != AST_INSERT
        && s->kind != AST_STATEMENT_SET)
        return NULL;
    Planner P = {0};
    P.cc = cc;
    P.state_ttl_ms = -1;
    const char *ttl = compile_get_option(cc, "table.exec.state.ttl");
    if (ttl && !dur_ms(ttl, &P.state_ttl_ms))
        P.state_ttl_ms = -1;
    if (P.state_ttl_ms == 0)
        P.state_ttl_ms = -1;
    /* Column usage, to a fixpoint: which select items of subqueries and
     * views are read is only known once their consumers were walked. */
    for (int round = 0; round < 64; round++) {
        P.needs_changed = false;
        P.n_seen = 0;
        P.n_refs = 0;
        walk(s, use_visit, &P);
        if (!P.needs_changed)
            break;
    }

    Plan *plan = ARENA_NEW(&cc->a, Plan);
    plan->is_explain = is_explain;
    plan->stmt = s;
    plan->at = stmt->at;
    plan->src_id = cc->src_id;
    uint32_t cap = 0;
    PNode *root;
    switch (s->kind) {
    case AST_QUERY_STMT:
        plan->kind = PLAN_QUERY;
        root = plan_collect(&P, s->u.query_stmt.query, s->at);
        if (root)
            PUSH(&P, plan->roots, plan->n_roots, cap, root);
        break;
    case AST_INSERT:
        plan->kind = PLAN_INSERT;
        root = plan_insert(&P, s);
        if (root)
            PUSH(&P, plan->roots, plan->n_roots, cap, root);
        break;
    default:
        plan->kind = PLAN_STATEMENT_SET;
        for (uint32_t i = 0; i < s->u.statement_set.inserts.n; i++) {
            root = plan_insert(&P, s->u.statement_set.inserts.items[i]);
            if (root)
                PUSH(&P, plan->roots, plan->n_roots, cap, root);
        }
        break;
    }
    if (P.failed || !plan->n_roots)
        return NULL;
    finish(&P, plan);
    plan->n_opts = cc->n_opts;
    plan->opts = ARENA_NEW_ARRAY(&cc->a, SessionOption, cc->n_opts + 1);
    if (cc->n_opts)
        memcpy(plan->opts, cc->opts, sizeof(SessionOption) * cc->n_opts);
    return plan;
}
