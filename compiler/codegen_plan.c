/*
 * codegen_plan.c - Plan -> Program: the physical plan of one job becomes
 * the immutable Program the runtime runs (runtime/program.h).
 *
 * One OpDef per PNode, in the plan's topological order, with its output
 * RtSchema, its expressions compiled to VM Code (codegen.h), consumer
 * edges, and one TableDef per table (columns, every WITH option as a
 * string, filesystem paths resolved against the declaring script's
 * directory).  Plan nodes the runtime has no operator for yet become
 * OP_KIND_UNSUPPORTED; job_new() reports them by name.
 *
 * Everything is copied into the Program's own arena, so the CompileCtx
 * may be dropped afterwards.  Errors (an expression codegen cannot
 * compile) are reported through cc's diagnostics and give NULL.
 */
#include "runtime/fsql.h"
#include "compiler/catalog.h"
#include "compiler/codegen.h"
#include "compiler/codegen_over.h"
#include "compiler/codegen_match.h" /* issue 7 */
#include "compiler/codegen_join.h"  /* issue 8 */
#include "compiler/compile.h"
#include "compiler/plan.h"
#include "runtime/program.h"
#include "runtime/value_ops.h"

#include <stdio.h>
#include <string.h>

_Static_assert(RT_SQL_INT == T_INT && RT_SQL_BIGINT == T_BIGINT &&
                   RT_SQL_DOUBLE == T_DOUBLE && RT_SQL_CHAR == T_CHAR &&
                   RT_SQL_FLOAT == T_FLOAT && RT_SQL_TINYINT == T_TINYINT &&
                   RT_SQL_SMALLINT == T_SMALLINT,
               "RT_SQL_* must mirror TypeKind");

typedef struct Gen {
    CompileCtx *cc;
    const Plan *plan;
    Program *p;
    Arena *pa; /* p->a */
    uint32_t n_tables, cap_tables;
    TableDef *tables;
    const CatTable **table_src; /* CatTable of each TableDef */
    bool failed;
} Gen;

static const char *pstr(Gen *g, Str s)
{
    return arena_strndup(g->pa, s.ptr ? s.ptr : "", s.len);
}

static void rtschema_from_rel(Gen *g, RtSchema *out, const RelSchema *rel)
{
    out->n_cols = rel ? rel->n_cols : 0;
    out->cols = ARENA_NEW_ARRAY(g->pa, RtColumn, out->n_cols + 1);
    for (uint32_t i = 0; i < out->n_cols; i++) {
        out->cols[i].name = pstr(g, rel->cols[i].name);
        out->cols[i].type = codegen_rttype(rel->cols[i].type);
    }
}

/* 'path' of a filesystem table, resolved against the script directory. */
static const char *resolve_path(Gen *g, const CatTable *t, const char *v)
{
    if (strncmp(v, "file://", 7) == 0)
        v += 7;
    if (v[0] == '/' || !t->base_dir || !t->base_dir[0] ||
        strcmp(t->base_dir, ".") == 0)
        return arena_strdup(g->pa, v);
    size_t n = strlen(t->base_dir);
    bool slash = t->base_dir[n - 1] == '/';
    return arena_sprintf(g->pa, "%s%s%s", t->base_dir, slash ? "" : "/", v);
}

/* The TableDef for t with the given columns (indexes into t->cols);
 * role is a TableRole bit.  Tables are not shared between roles. */
static uint32_t table_def(Gen *g, const CatTable *t, const uint32_t *cols,
                          uint32_t n, unsigned role, bool is_bounded)
{
    if (g->n_tables == g->cap_tables) {
        g->cap_tables = g->cap_tables ? g->cap_tables * 2 : 4;
        TableDef *nt = ARENA_NEW_ARRAY(&g->cc->a, TableDef, g->cap_tables);
        const CatTable **ns =
            ARENA_NEW_ARRAY(&g->cc->a, const CatTable *, g->cap_tables);
        if (g->n_tables) {
            memcpy(nt, g->tables, sizeof(TableDef) * g->n_tables);
            memcpy(ns, g->table_src, sizeof(CatTable *) * g->n_tables);
        }
        g->tables = nt;
        g->table_src = ns;
    }
    uint32_t id = g->n_tables++;
    TableDef *d = &g->tables[id];
    memset(d, 0, sizeof *d);
    g->table_src[id] = t;
    d->name = pstr(g, t->name);
    d->connector = pstr(g, t->connector);
    d->format = t->format.len ? pstr(g, t->format) : NULL;
    d->base_dir = arena_strdup(g->pa, t->base_dir ? t->base_dir : ".");
    d->n_opts = t->n_opts;
    d->keys = ARENA_NEW_ARRAY(g->pa, const char *, t->n_opts + 1);
    d->values = ARENA_NEW_ARRAY(g->pa, const char *, t->n_opts + 1);
    bool is_fs = str_ieq_cstr(t->connector, "filesystem");
    for (uint32_t i = 0; i < t->n_opts; i++) {
        d->keys[i] = pstr(g, t->opts[i].key);
        const char *v = pstr(g, t->opts[i].value);
        if (is_fs && strcmp(d->keys[i], "path") == 0)
            v = resolve_path(g, t, v);
        d->values[i] = v;
    }
    d->schema.n_cols = n;
    d->schema.cols = ARENA_NEW_ARRAY(g->pa, RtColumn, n + 1);
    uint32_t *tc = ARENA_NEW_ARRAY(g->pa, uint32_t, n + 1);
    const char **mk = ARENA_NEW_ARRAY(g->pa, const char *, n + 1);
    for (uint32_t i = 0; i < n; i++) {
        const CatColumn *c = &t->cols[cols[i]];
        d->schema.cols[i].name = pstr(g, c->name);
        d->schema.cols[i].type =
            codegen_rttype(catalog_column_type(t, cols[i]));
        tc[i] = cols[i];
        if (c->kind == COL_METADATA)
            mk[i] = c->metadata_key.len ? pstr(g, c->metadata_key)
                                        : pstr(g, c->name);
    }
    d->table_cols = tc;
    d->metadata_keys = mk;
    /* The declared table's physical columns, for positional formats. */
    d->table_phys.cols = ARENA_NEW_ARRAY(g->pa, RtColumn, t->n_cols + 1);
    int32_t *p2s = ARENA_NEW_ARRAY(g->pa, int32_t, t->n_cols + 1);
    for (uint32_t c = 0; c < t->n_cols; c++) {
        if (t->cols[c].kind != COL_PHYSICAL)
            continue;
        uint32_t k = d->table_phys.n_cols++;
        d->table_phys.cols[k].name = pstr(g, t->cols[c].name);
        d->table_phys.cols[k].type = codegen_rttype(catalog_column_type(t, c));
        p2s[k] = -1;
        for (uint32_t i = 0; i < n; i++)
            if (cols[i] == c)
                p2s[k] = (int32_t)i;
    }
    d->phys_to_schema = p2s;
    /* Primary key, when every key column is in the schema. */
    uint32_t *pk = ARENA_NEW_ARRAY(g->pa, uint32_t, t->n_pk + 1);
    uint32_t npk = 0;
    for (uint32_t k = 0; k < t->n_pk; k++)
        for (uint32_t i = 0; i < n; i++)
            if (cols[i] == t->pk_cols[k])
                pk[npk++] = i;
    d->n_pk = npk == t->n_pk ? npk : 0;
    d->pk = pk;
    d->is_bounded = is_bounded;
    d->roles = role;
    return id;
}

static const Code *gen_exprs(Gen *g, PExpr **e, uint32_t n, const RelSchema *in)
{
    if (n == 0)
        return NULL;
    Code *c = codegen_exprs(g->cc, g->pa, e, n, in);
    if (!c)
        g->failed = true;
    return c;
}

static const RelSchema *input_schema(const PNode *n, uint32_t i)
{
    return i < n->n_inputs ? n->inputs[i]->out : NULL;
}

/* A RelSchema of the columns cols[] of t (compile arena). */
static RelSchema *cat_rel(Gen *g, const CatTable *t, const uint32_t *cols,
                          uint32_t n)
{
    RelSchema *r = ARENA_NEW(&g->cc->a, RelSchema);
    r->n_cols = n;
    r->cols = ARENA_NEW_ARRAY(&g->cc->a, RelColumn, n + 1);
    for (uint32_t i = 0; i < n; i++) {
        r->cols[i].name = t->cols[cols[i]].name;
        r->cols[i].type = catalog_column_type(t, cols[i]);
    }
    return r;
}

static int64_t setting_ms(Gen *g, const char *key, int64_t def)
{
    const char *v = compile_get_option(g->cc, key);
    int64_t ms;
    if (v && option_parse_duration_ms(str_from_cstr(v), &ms))
        return ms;
    return def;
}

/* Issue 4 (codegen_window.c): a sink TableDef for the late-data sink
 * table, with the columns an INSERT would write. */
static uint32_t add_late_sink(void *arg, const CatTable *t)
{
    Gen *g = arg;
    uint32_t *wc = ARENA_NEW_ARRAY(&g->cc->a, uint32_t, t->n_cols + 1);
    uint32_t nw = 0;
    for (uint32_t c = 0; c < t->n_cols; c++)
        if (t->cols[c].kind == COL_PHYSICAL ||
            (t->cols[c].kind == COL_METADATA && !t->cols[c].is_virtual))
            wc[nw++] = c;
    return table_def(g, t, wc, nw, TABLE_SINK, false);
}

/* Issue 8 (codegen_join.c): a lookup TableDef with every column of t,
 * for the lookup variant of a SemiJoin. */
static uint32_t add_lookup_table(void *arg, const CatTable *t)
{
    Gen *g = arg;
    uint32_t *all = ARENA_NEW_ARRAY(&g->cc->a, uint32_t, t->n_cols + 1);
    for (uint32_t i = 0; i < t->n_cols; i++)
        all[i] = i;
    return table_def(g, t, all, t->n_cols, TABLE_LOOKUP, true);
}

static void gen_node(Gen *g, const PNode *n, OpDef *d)
{
    switch (n->kind) {
    case PN_TABLE_SOURCE_SCAN: {
        const PScan *s = &n->u.scan;
        d->kind = OP_KIND_SOURCE;
        d->u.source.table = table_def(g, s->table, s->fields, s->n_fields,
                                      TABLE_SOURCE, s->is_bounded);
        break;
    }
    case PN_WATERMARK_ASSIGNER: {
        const PWatermark *w = &n->u.wm;
        d->kind = OP_KIND_WATERMARK;
        d->u.wm.rowtime_col = w->rowtime_col;
        d->u.wm.delay_ms = w->delay_ms;
        /* The operator's fast path reads rowtime_col; make sure the
         * `col - INTERVAL` form is about that column. */
        int32_t ref;
        if (w->delay_ms >= 0 &&
            !(w->expr && w->expr->kind == PE_CALL && w->expr->n_args == 2 &&
              pexpr_is_ref(w->expr->args[0], &ref) &&
              ref == w->rowtime_col))
            d->u.wm.delay_ms = -1;
        PExpr *e = w->expr;
        d->u.wm.expr = gen_exprs(g, &e, 1, input_schema(n, 0));
        d->u.wm.idle_timeout_ms =
            setting_ms(g, "table.exec.source.idle-timeout", -1);
        d->u.wm.interval_ms =
            setting_ms(g, "pipeline.auto-watermark-interval", 200);
        d->u.wm.is_periodic = false;
        /* The scanned table's own options override the session's. */
        const PNode *below = n;
        while (below->n_inputs > 0 && below->kind != PN_TABLE_SOURCE_SCAN)
            below = below->inputs[0];
        if (below->kind == PN_TABLE_SOURCE_SCAN) {
            const CatTable *t = below->u.scan.table;
            const char *v =
                catalog_table_option(t, "scan.watermark.idle-timeout");
            int64_t ms;
            if (v && option_parse_duration_ms(str_from_cstr(v), &ms))
                d->u.wm.idle_timeout_ms = ms;
            v = catalog_table_option(t, "scan.watermark.emit.strategy");
            d->u.wm.is_periodic =
                v && str_ieq(str_from_cstr(v), STR_LIT("on-periodic"));
            v = catalog_table_option(t, "scan.watermark.alignment.group");
            if (v && v[0]) {
                d->u.wm.align_group = arena_strdup(g->pa, v);
                v = catalog_table_option(t,
                                         "scan.watermark.alignment.max-drift");
                if (v && option_parse_duration_ms(str_from_cstr(v), &ms))
                    d->u.wm.align_drift_ms = ms;
                d->u.wm.align_update_ms = 1000;
                v = catalog_table_option(
                    t, "scan.watermark.alignment.update-interval");
                if (v && option_parse_duration_ms(str_from_cstr(v), &ms))
                    d->u.wm.align_update_ms = ms;
            }
        }
        break;
    }
    case PN_CALC: {
        const PCalc *c = &n->u.calc;
        d->kind = OP_KIND_CALC;
        const RelSchema *in = input_schema(n, 0);
        /* A projection that is exactly the input passes rows through. */
        bool identity = c->n_proj == in->n_cols;
        for (uint32_t i = 0; i < c->n_proj && identity; i++) {
            int32_t idx;
            identity = pexpr_is_ref(c->proj[i], &idx) && idx == (int32_t)i;
        }
        /* A projection of plain column references is copied by the
         * operator without the VM. */
        bool refs_only = true;
        for (uint32_t i = 0; i < c->n_proj && refs_only; i++) {
            int32_t idx;
            refs_only = pexpr_is_ref(c->proj[i], &idx);
        }
        if (c->where && !identity && !refs_only) {
            /* Filter and projections in one Code: one evaluation per row,
             * shared sub-expressions, projections only for kept rows. */
            bool has_filter;
            d->u.calc.both = codegen_calc(g->cc, g->pa, c->where, c->proj,
                                          c->n_proj, in, &has_filter);
            if (!d->u.calc.both)
                g->failed = true;
            break;
        }
        if (c->where) {
            d->u.calc.filter = codegen_filter(g->cc, g->pa, c->where, in);
            if (!d->u.calc.filter)
                g->failed = true;
        }
        if (!identity)
            d->u.calc.proj = gen_exprs(g, c->proj, c->n_proj, in);
        break;
    }
    case PN_VALUES: {
        const PValues *v = &n->u.values;
        d->kind = OP_KIND_VALUES;
        d->u.values.n_rows = v->n_rows;
        const Code **rows = ARENA_NEW_ARRAY(g->pa, const Code *, v->n_rows + 1);
        RelSchema *empty = ARENA_NEW(&g->cc->a, RelSchema);
        uint32_t nc = n->out->n_cols;
        for (uint32_t r = 0; r < v->n_rows; r++) {
            /* Each row's values become the column's type (a row may say
             * 2 where the column is DECIMAL(5, 2)). */
            PExpr **cells = ARENA_NEW_ARRAY(&g->cc->a, PExpr *, nc + 1);
            for (uint32_t c = 0; c < nc; c++) {
                PExpr *e = v->rows[r][c];
                SqlType *want = n->out->cols[c].type;
                if (e && want)
                    e = pexpr_cast(g->cc, e, want);
                cells[c] = e;
            }
            rows[r] = gen_exprs(g, cells, nc, empty);
        }
        d->u.values.rows = rows;
        break;
    }
    case PN_UNION:
        d->kind = OP_KIND_UNION;
        break;
    case PN_LOOKUP_JOIN: {
        const PLookupJoin *l = &n->u.lookup;
        const CatTable *t = l->table;
        d->kind = OP_KIND_LOOKUP_JOIN;
        uint32_t *all = ARENA_NEW_ARRAY(&g->cc->a, uint32_t, t->n_cols + 1);
        for (uint32_t i = 0; i < t->n_cols; i++)
            all[i] = i;
        OpLookupJoinDef *o = &d->u.lookup;
        o->table = table_def(g, t, all, t->n_cols, TABLE_LOOKUP, true);
        o->is_left = l->join_type == PJ_LEFT;
        o->n_keys = l->n_keys;
        uint32_t *dc = ARENA_NEW_ARRAY(g->pa, uint32_t, l->n_keys + 1);
        memcpy(dc, l->dim_cols, sizeof(uint32_t) * l->n_keys);
        o->dim_cols = dc;
        o->probe_keys =
            gen_exprs(g, l->probe_keys, l->n_keys, input_schema(n, 0));
        o->n_dim_fields = l->n_dim_fields;
        uint32_t *df = ARENA_NEW_ARRAY(g->pa, uint32_t, l->n_dim_fields + 1);
        memcpy(df, l->dim_fields, sizeof(uint32_t) * l->n_dim_fields);
        o->dim_fields = df;
        if (l->dim_filter) {
            PExpr *e = l->dim_filter;
            o->dim_filter = codegen_filter(
                g->cc, g->pa, e, cat_rel(g, t, l->dim_fields, l->n_dim_fields));
            if (!o->dim_filter)
                g->failed = true;
        }
        if (l->residual) {
            o->residual = codegen_filter(g->cc, g->pa, l->residual, n->out);
            if (!o->residual)
                g->failed = true;
        }
        o->cache.kind = l->cache.kind == PCACHE_PARTIAL ? LOOKUP_CACHE_PARTIAL
                        : l->cache.kind == PCACHE_FULL  ? LOOKUP_CACHE_FULL
                                                        : LOOKUP_CACHE_NONE;
        o->cache.max_rows = l->cache.max_rows;
        o->cache.expire_after_write_ms = l->cache.expire_after_write_ms;
        o->cache.expire_after_access_ms = l->cache.expire_after_access_ms;
        o->cache.cache_missing_key = l->cache.cache_missing_key;
        o->is_bounded_table = l->is_bounded_table;
        break;
    }
    case PN_SINK: {
        const PSink *s = &n->u.sink;
        const CatTable *t = s->table;
        d->kind = OP_KIND_SINK;
        /* The table's written columns, in table order. */
        uint32_t *wc = ARENA_NEW_ARRAY(&g->cc->a, uint32_t, t->n_cols + 1);
        uint32_t nw = 0;
        for (uint32_t c = 0; c < t->n_cols; c++)
            if (t->cols[c].kind == COL_PHYSICAL ||
                (t->cols[c].kind == COL_METADATA && !t->cols[c].is_virtual))
                wc[nw++] = c;
        d->u.sink.table = table_def(g, t, wc, nw, TABLE_SINK, false);
        uint32_t *cols = ARENA_NEW_ARRAY(g->pa, uint32_t, s->n_cols + 1);
        for (uint32_t i = 0; i < s->n_cols; i++)
            for (uint32_t k = 0; k < nw; k++)
                if (wc[k] == s->cols[i])
                    cols[i] = k;
        d->u.sink.cols = cols;
        d->u.sink.is_overwrite = s->is_overwrite;
        d->u.sink.is_updating = n->inputs[0]->changelog != CL_INSERT_ONLY;
        break;
    }
    case PN_OVER_AGGREGATE: /* compiler/codegen_over.c */
        if (!codegen_over(g->cc, g->pa, n, d, add_late_sink, g))
            g->failed = true;
        break;
    case PN_INTERVAL_JOIN: /* issue 8: compiler/codegen_join.c */
    case PN_JOIN:
    case PN_SEMI_JOIN:
    case PN_TEMPORAL_JOIN:
        if (!codegen_join_node(g->cc, g->pa, n, d, add_lookup_table, g))
            g->failed = true;
        break;
    case PN_MATCH_RECOGNIZE: /* issue 7: compiler/codegen_match.c */
        if (!codegen_match(g->cc, g->pa, n, d))
            g->failed = true;
        break;
    case PN_COLLECT:
        d->kind = OP_KIND_COLLECT;
        d->u.sink.table = UINT32_MAX;
        d->u.sink.is_updating =
            n->n_inputs && n->inputs[0]->changelog != CL_INSERT_ONLY;
        break;
    case PN_WINDOW_TABLE_FUNCTION: /* issue 4: codegen_window.c */
    case PN_GROUP_WINDOW_AGGREGATE:
    case PN_WINDOW_AGGREGATE:
    case PN_GROUP_AGGREGATE:
        if (!codegen_window_node(g->cc, g->pa, n, d, add_late_sink, g))
            g->failed = true;
        break;
    default:
        d->kind = OP_KIND_UNSUPPORTED;
        d->unsupported = pnode_kind_name(n->kind);
        break;
    }
}

static Program *program_of(CompileCtx *cc, const Plan *plan);

Program *codegen_program(CompileCtx *cc, const Plan *plan)
{
    /* generate with the options of the plan's statement, not those of
     * SETs further down the script */
    SessionOption *opts = cc->opts;
    uint32_t n_opts = cc->n_opts;
    if (plan->opts) {
        cc->opts = plan->opts;
        cc->n_opts = plan->n_opts;
    }
    Program *p = program_of(cc, plan);
    cc->opts = opts;
    cc->n_opts = n_opts;
    return p;
}

static Program *program_of(CompileCtx *cc, const Plan *plan)
{
    Gen g;
    memset(&g, 0, sizeof g);
    g.cc = cc;
    g.plan = plan;
    g.p = program_new();
    g.pa = &g.p->a;
    Program *p = g.p;

    p->n_ops = plan->n_nodes;
    p->ops = ARENA_NEW_ARRAY(g.pa, OpDef, plan->n_nodes + 1);
    /* consumer counts */
    uint32_t *ncons = ARENA_NEW_ARRAY(&cc->a, uint32_t, plan->n_nodes + 1);
    for (uint32_t i = 0; i < plan->n_nodes; i++) {
        const PNode *n = plan->nodes[i];
        for (uint32_t k = 0; k < n->n_inputs; k++) {
            uint32_t j = n->inputs[k]->id - 1;
            FSQL_ASSERT(j < i && plan->nodes[j] == n->inputs[k]);
            ncons[j]++;
        }
    }
    OpEdge **cons = ARENA_NEW_ARRAY(&cc->a, OpEdge *, plan->n_nodes + 1);
    for (uint32_t i = 0; i < plan->n_nodes; i++) {
        cons[i] = ARENA_NEW_ARRAY(g.pa, OpEdge, ncons[i] + 1);
        p->ops[i].consumers = cons[i];
    }
    for (uint32_t i = 0; i < plan->n_nodes; i++) {
        const PNode *n = plan->nodes[i];
        OpDef *d = &p->ops[i];
        d->id = i;
        d->plan_id = n->id;
        d->at = n->at;
        d->is_bounded = n->is_bounded;
        d->is_updating = n->changelog != CL_INSERT_ONLY;
        rtschema_from_rel(&g, &d->out, n->out);
        d->n_inputs = n->n_inputs;
        uint32_t *in = ARENA_NEW_ARRAY(g.pa, uint32_t, n->n_inputs + 1);
        for (uint32_t k = 0; k < n->n_inputs; k++) {
            uint32_t j = n->inputs[k]->id - 1;
            in[k] = j;
            OpDef *pd = &p->ops[j];
            cons[j][pd->n_consumers].op = i;
            cons[j][pd->n_consumers].port = k;
            pd->n_consumers++;
        }
        d->inputs = in;
        gen_node(&g, n, d);
    }
    p->n_tables = g.n_tables;
    p->tables = ARENA_NEW_ARRAY(g.pa, TableDef, g.n_tables + 1);
    if (g.n_tables)
        memcpy(p->tables, g.tables, sizeof(TableDef) * g.n_tables);
    p->n_roots = plan->n_roots;
    uint32_t *roots = ARENA_NEW_ARRAY(g.pa, uint32_t, plan->n_roots + 1);
    for (uint32_t i = 0; i < plan->n_roots; i++)
        roots[i] = plan->roots[i]->id - 1;
    p->roots = roots;
    p->is_query = plan->kind == PLAN_QUERY;

    /* Session settings. */
    p->n_settings = 0;
    p->setting_keys = ARENA_NEW_ARRAY(g.pa, const char *, cc->n_opts + 1);
    p->setting_values = ARENA_NEW_ARRAY(g.pa, const char *, cc->n_opts + 1);
    for (uint32_t i = 0; i < cc->n_opts; i++) {
        if (!cc->opts[i].value)
            continue; /* RESET */
        p->setting_keys[p->n_settings] = arena_strdup(g.pa, cc->opts[i].key);
        p->setting_values[p->n_settings++] =
            arena_strdup(g.pa, cc->opts[i].value);
    }
    const char *tz = compile_get_option(cc, "table.local-time-zone");
    p->tz_name = tz ? arena_strdup(g.pa, tz) : NULL;

    /* The statement's source, for run-time error positions. */
    if (plan->src_id < cc->diags.n_sources) {
        const DiagSource *ds = &cc->diags.sources[plan->src_id];
        p->src_path = arena_strdup(g.pa, ds->path);
        p->src_text = arena_strndup(g.pa, ds->text, ds->len);
        p->src_len = ds->len;
    }
    if (g.failed) {
        program_free(p);
        return NULL;
    }
    return p;
}
