/*
 * codegen_window.c - OpDefs for the group-window and group-aggregate plan
 * nodes: WindowTableFunction, GroupWindowAggregate, WindowAggregate and
 * GroupAggregate (runtime/op_window.c, runtime/op_group_agg.c).
 *
 * Pipeline position: called by codegen_program() (codegen_plan.c) for
 * those four PNode kinds.  The GROUP BY keys become one Code over the
 * input row; every aggregate call's arguments (plus its FILTER condition,
 * and for PERCENTILE_CONT/DISC the fraction cast to DOUBLE followed by
 * the WITHIN GROUP value) become results of one `args` Code, each call
 * recording where its slice starts.  Session settings read here:
 * 'table.exec.late-data' (drop | emit), 'table.exec.emit.allow-lateness'
 * and 'table.exec.late-data.sink' (a table that must exist; it gets a
 * sink TableDef through the add_table callback).
 *
 * Errors: an aggregate the runtime does not implement, or a late-data sink
 * table that is not declared, is reported with diag_error and gives false.
 */
#include "runtime/fsql.h"
#include "compiler/catalog.h"
#include "compiler/codegen.h"
#include "compiler/compile.h"
#include "compiler/plan.h"
#include "runtime/agg.h"
#include "runtime/program.h"

#include <string.h>

static const char *cstr(Arena *pa, Str s)
{
    return arena_strndup(pa, s.ptr ? s.ptr : "", s.len);
}

static void spec_from(OpWindowSpec *o, const PWindow *w)
{
    memset(o, 0, sizeof *o);
    switch (w->kind) {
    case PW_TUMBLE:
        o->kind = OPW_TUMBLE;
        break;
    case PW_HOP:
        o->kind = OPW_HOP;
        break;
    case PW_CUMULATE:
        o->kind = OPW_CUMULATE;
        break;
    case PW_SESSION:
        o->kind = OPW_SESSION;
        break;
    }
    o->time_col = w->time_col;
    o->is_proctime = w->is_proctime;
    o->size_ms = w->size_ms;
    o->slide_ms = w->slide_ms;
    o->step_ms = w->step_ms;
    o->gap_ms = w->gap_ms;
    o->offset_ms = w->offset_ms;
}

static bool is_percentile(Str name)
{
    return str_ieq_cstr(name, "PERCENTILE_CONT") ||
           str_ieq_cstr(name, "PERCENTILE_DISC");
}

/* Calls and their argument Code.  Returns false after reporting. */
static bool gen_calls(CompileCtx *cc, Arena *pa, const PAggCall *calls,
                      uint32_t n, const RelSchema *in, const OpAggCall **out,
                      const Code **args)
{
    OpAggCall *oc = ARENA_NEW_ARRAY(pa, OpAggCall, n + 1);
    uint32_t cap = 4;
    for (uint32_t i = 0; i < n; i++)
        cap += calls[i].n_args + calls[i].n_order + 2;
    PExpr **ex = ARENA_NEW_ARRAY(&cc->a, PExpr *, cap);
    uint32_t ne = 0;
    bool ok = true;
    for (uint32_t i = 0; i < n; i++) {
        const PAggCall *c = &calls[i];
        OpAggCall *o = &oc[i];
        o->name = cstr(pa, c->name);
        o->type = codegen_rttype(c->type);
        o->is_distinct = c->is_distinct;
        o->filter = -1;
        o->arg = ne;
        o->arg_type.kind = VK_NULLTYPE;
        const AggDef *def = agg_def_find(c->name.ptr, c->name.len);
        if (!def || (def->flags & AGG_F_POSITIONAL)) {
            diag_error(cc, DIAG_E_UNSUPPORTED,
                       c->args && c->n_args ? c->args[0]->at : (SrcSpan){0, 0},
                       "aggregate function %.*s is not supported in a "
                       "GROUP BY or window aggregate",
                       (int)c->name.len, c->name.ptr);
            ok = false;
            continue;
        }
        if (is_percentile(c->name)) {
            /* fraction (as DOUBLE), then the ORDER BY value */
            PExpr *f = c->n_args ? c->args[0] : NULL;
            if (!f || c->n_order != 1) {
                diag_error(cc, DIAG_E_UNSUPPORTED, f ? f->at : (SrcSpan){0, 0},
                           "%.*s needs one fraction and WITHIN GROUP "
                           "(ORDER BY one value)",
                           (int)c->name.len, c->name.ptr);
                ok = false;
                continue;
            }
            if (f->type->kind != T_DOUBLE) {
                PExpr *cast =
                    pexpr_new(cc, PE_CAST, type_new(&cc->a, T_DOUBLE), f->at);
                cast->n_args = 1;
                cast->args = ARENA_NEW_ARRAY(&cc->a, PExpr *, 1);
                cast->args[0] = f;
                f = cast;
            }
            ex[ne++] = f;
            ex[ne++] = c->order[0];
            o->n_args = 2;
            o->arg_type = codegen_rttype(c->order[0]->type);
        } else if (!c->is_star && c->n_args > 0) {
            for (uint32_t k = 0; k < c->n_args; k++)
                ex[ne++] = c->args[k];
            o->n_args = c->n_args;
            o->arg_type = codegen_rttype(c->args[0]->type);
        }
        if (c->filter) {
            o->filter = (int32_t)ne;
            ex[ne++] = c->filter;
        }
    }
    *out = oc;
    *args = NULL;
    if (!ok)
        return false;
    if (ne > 0) {
        Code *code = codegen_exprs(cc, pa, ex, ne, in);
        if (!code)
            return false;
        *args = code;
    }
    return true;
}

/* Late-data settings of the session. */
bool codegen_late_def(CompileCtx *cc, const PNode *n, OpLateDef *late,
                      CodegenAddTableFn add_table, void *add_arg)
{
    late->policy = LATE_DROP;
    late->allow_lateness_ms = -1;
    late->sink_table = UINT32_MAX;
    const char *v = compile_get_option(cc, "table.exec.late-data");
    if (v && str_ieq_cstr(str_from_cstr(v), "emit"))
        late->policy = LATE_EMIT;
    v = compile_get_option(cc, "table.exec.emit.allow-lateness");
    int64_t ms;
    if (v && option_parse_duration_ms(str_from_cstr(v), &ms))
        late->allow_lateness_ms = ms;
    v = compile_get_option(cc, "table.exec.late-data.sink");
    if (v && v[0]) {
        CatTable *t = catalog_find_table(cc->cat, str_from_cstr(v));
        if (!t) {
            diag_error(cc, DIAG_E_UNKNOWN_TABLE, n->at,
                       "late-data sink table \"%s\" does not exist", v);
            diag_hint(cc, "Declare it with CREATE TABLE before the query, "
                          "or change 'table.exec.late-data.sink'.");
            return false;
        }
        late->sink_table = add_table(add_arg, t);
    }
    return true;
}

bool codegen_window_node(CompileCtx *cc, Arena *pa, const PNode *n, OpDef *d,
                         CodegenAddTableFn add_table, void *add_arg)
{
    const RelSchema *in = n->n_inputs ? n->inputs[0]->out : NULL;
    switch (n->kind) {
    case PN_WINDOW_TABLE_FUNCTION: {
        d->kind = OP_KIND_WINDOW_TABLE_FUNCTION;
        spec_from(&d->u.tvf.win, &n->u.tvf.window);
        d->u.tvf.pane_feed = n->u.tvf.pane_feed;
        return codegen_late_def(cc, n, &d->u.tvf.late, add_table, add_arg);
    }
    case PN_GROUP_WINDOW_AGGREGATE:
    case PN_WINDOW_AGGREGATE: {
        const PWindowAgg *w = &n->u.wagg;
        OpWindowAggDef *o = &d->u.wagg;
        d->kind = n->kind == PN_WINDOW_AGGREGATE
                      ? OP_KIND_WINDOW_AGGREGATE
                      : OP_KIND_GROUP_WINDOW_AGGREGATE;
        spec_from(&o->win, &w->window);
        o->n_keys = w->n_keys;
        if (w->n_keys) {
            o->keys = codegen_exprs(cc, pa, w->keys, w->n_keys, in);
            if (!o->keys)
                return false;
        }
        o->n_aggs = w->n_aggs;
        if (!gen_calls(cc, pa, w->aggs, w->n_aggs, in, &o->aggs, &o->args))
            return false;
        o->n_props = w->n_props;
        uint8_t *props = ARENA_NEW_ARRAY(pa, uint8_t, w->n_props + 1);
        for (uint32_t i = 0; i < w->n_props; i++)
            props[i] = w->props[i] == PWP_START     ? OPWP_START
                       : w->props[i] == PWP_END     ? OPWP_END
                       : w->props[i] == PWP_ROWTIME ? OPWP_ROWTIME
                                                    : OPWP_PROCTIME;
        o->props = props;
        o->start_col = n->kind == PN_WINDOW_AGGREGATE ? w->start_col : -1;
        o->end_col = n->kind == PN_WINDOW_AGGREGATE ? w->end_col : -1;
        o->on_panes = w->on_panes;
        return codegen_late_def(cc, n, &o->late, add_table, add_arg);
    }
    case PN_GROUP_AGGREGATE: {
        const PGroupAgg *g = &n->u.gagg;
        OpGroupAggDef *o = &d->u.gagg;
        d->kind = OP_KIND_GROUP_AGGREGATE;
        o->n_keys = g->n_keys;
        if (g->n_keys) {
            o->keys = codegen_exprs(cc, pa, g->keys, g->n_keys, in);
            if (!o->keys)
                return false;
        }
        o->n_aggs = g->n_aggs;
        if (!gen_calls(cc, pa, g->aggs, g->n_aggs, in, &o->aggs, &o->args))
            return false;
        o->state_ttl_ms = g->state_ttl_ms;
        o->is_distinct_only = g->is_distinct_only;
        o->is_input_updating =
            n->n_inputs && n->inputs[0]->changelog != CL_INSERT_ONLY;
        return true;
    }
    default:
        return false;
    }
}
