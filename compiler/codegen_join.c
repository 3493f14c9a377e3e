/*
 * codegen_join.c - OpDefs for the join plan nodes: IntervalJoin, Join,
 * SemiJoin (SEMI / ANTI / MARK, streaming or lookup) and TemporalJoin
 * (runtime/op_interval_join.c, op_join.c, op_semi_join.c,
 * op_temporal_join.c).
 *
 * Pipeline position: called by codegen_program() (codegen_plan.c) for
 * those four PNode kinds.  The join keys of each side become one Code
 * over that side's row; each key pair is cast to its common type
 * (type_common) first, so the runtime compares and hashes key Values of
 * one type without asking (INT = BIGINT joins as BIGINT, DECIMAL(10,2) =
 * DECIMAL(12,4) as the wider DECIMAL).  The residual condition becomes a
 * filter over left row ++ right row.  A lookup SemiJoin gets a TableDef
 * with every column of its table through the add_table callback.
 *
 * Errors: a key pair without a common type, or a join the runtime cannot
 * run (a temporal join that is not INNER or LEFT), is reported with
 * diag_error and gives false.
 */
#include "runtime/fsql.h"
#include "compiler/catalog.h"
#include "compiler/codegen.h"
#include "compiler/codegen_join.h"
#include "compiler/compile.h"
#include "compiler/plan.h"
#include "runtime/program.h"

#include <string.h>

/* A RelSchema of left ++ right (compile arena). */
static RelSchema *concat_rel(CompileCtx *cc, const RelSchema *l,
                             const RelSchema *r)
{
    RelSchema *o = ARENA_NEW(&cc->a, RelSchema);
    o->n_cols = l->n_cols + (r ? r->n_cols : 0);
    o->cols = ARENA_NEW_ARRAY(&cc->a, RelColumn, o->n_cols + 1);
    memcpy(o->cols, l->cols, sizeof(RelColumn) * l->n_cols);
    if (r)
        memcpy(o->cols + l->n_cols, r->cols, sizeof(RelColumn) * r->n_cols);
    return o;
}

static OpJoinType join_type(PJoinType t)
{
    switch (t) {
    case PJ_LEFT:
        return OPJ_LEFT;
    case PJ_RIGHT:
        return OPJ_RIGHT;
    case PJ_FULL:
        return OPJ_FULL;
    default:
        return OPJ_INNER;
    }
}

/* Keys of both sides (cast to common types) and the residual.  right may
 * be NULL (lookup semi join: the right keys are table columns and are
 * cast by the runtime's key conversion, only the probe side is compiled
 * here, to the dim column's type). */
static bool gen_keys(CompileCtx *cc, Arena *pa, const PJoinKeys *k,
                     PExpr *residual, const RelSchema *left,
                     const RelSchema *right, SrcSpan at, OpJoinKeysDef *o)
{
    memset(o, 0, sizeof *o);
    o->n_keys = k->n_keys;
    if (k->n_keys) {
        PExpr **lk = ARENA_NEW_ARRAY(&cc->a, PExpr *, k->n_keys);
        PExpr **rk = ARENA_NEW_ARRAY(&cc->a, PExpr *, k->n_keys);
        for (uint32_t i = 0; i < k->n_keys; i++) {
            PExpr *l = k->left_keys[i], *r = k->right_keys[i];
            SqlType *t = type_common(&cc->a, l->type, r->type);
            if (!t) {
                diag_error(cc, DIAG_E_UNSUPPORTED, l->at.len ? l->at : at,
                           "cannot join these keys: their types have no "
                           "common type");
                diag_hint(cc, "CAST one side of the equality to the "
                              "other's type.");
                return false;
            }
            lk[i] = pexpr_cast(cc, l, t);
            rk[i] = pexpr_cast(cc, r, t);
        }
        o->left_keys = codegen_exprs(cc, pa, lk, k->n_keys, left);
        if (!o->left_keys)
            return false;
        if (right) {
            o->right_keys = codegen_exprs(cc, pa, rk, k->n_keys, right);
            if (!o->right_keys)
                return false;
        }
    }
    if (residual) {
        o->residual =
            codegen_filter(cc, pa, residual, concat_rel(cc, left, right));
        if (!o->residual)
            return false;
    }
    return true;
}

static void cache_from(LookupCacheDef *o, const PLookupCache *c)
{
    o->kind = c->kind == PCACHE_PARTIAL ? LOOKUP_CACHE_PARTIAL
              : c->kind == PCACHE_FULL  ? LOOKUP_CACHE_FULL
                                        : LOOKUP_CACHE_NONE;
    o->max_rows = c->max_rows;
    o->expire_after_write_ms = c->expire_after_write_ms;
    o->expire_after_access_ms = c->expire_after_access_ms;
    o->cache_missing_key = c->cache_missing_key;
}

bool codegen_join_node(CompileCtx *cc, Arena *pa, const PNode *n, OpDef *d,
                       CodegenAddTableFn add_table, void *add_arg)
{
    const RelSchema *left = n->inputs[0]->out;
    const RelSchema *right = n->n_inputs > 1 ? n->inputs[1]->out : NULL;
    switch (n->kind) {
    case PN_INTERVAL_JOIN: {
        const PIntervalJoin *j = &n->u.ijoin;
        OpIntervalJoinDef *o = &d->u.ijoin;
        d->kind = OP_KIND_INTERVAL_JOIN;
        o->type = join_type(j->join_type);
        o->left_time_col = j->left_time_col;
        o->right_time_col = j->right_time_col;
        o->lower_ms = j->lower_ms;
        o->upper_ms = j->upper_ms;
        o->is_proctime = j->is_proctime;
        return gen_keys(cc, pa, &j->keys, j->residual, left, right, n->at,
                        &o->k);
    }
    case PN_JOIN: {
        const PJoin *j = &n->u.join;
        OpJoinDef *o = &d->u.join;
        d->kind = OP_KIND_JOIN;
        o->type = join_type(j->join_type);
        o->state_ttl_ms = j->state_ttl_ms;
        o->left_updating = n->inputs[0]->changelog != CL_INSERT_ONLY;
        o->right_updating = n->inputs[1]->changelog != CL_INSERT_ONLY;
        o->unique[0] = j->is_unique[0];
        o->unique[1] = j->is_unique[1];
        return gen_keys(cc, pa, &j->keys, j->residual, left, right, n->at,
                        &o->k);
    }
    case PN_SEMI_JOIN: {
        const PSemiJoin *j = &n->u.semi;
        OpSemiJoinDef *o = &d->u.semi;
        d->kind = OP_KIND_SEMI_JOIN;
        o->kind = j->semi_kind == PSEMI_SEMI   ? OPSEMI_SEMI
                  : j->semi_kind == PSEMI_ANTI ? OPSEMI_ANTI
                                               : OPSEMI_MARK;
        o->state_ttl_ms = j->state_ttl_ms;
        o->table = UINT32_MAX;
        o->left_updating = n->inputs[0]->changelog != CL_INSERT_ONLY;
        if (!j->table) {
            o->right_updating =
                right && n->inputs[1]->changelog != CL_INSERT_ONLY;
            return gen_keys(cc, pa, &j->keys, NULL, left, right, n->at, &o->k);
        }
        /* Lookup variant: the right keys are INPUT_REFs over the table's
         * columns; the probe keys are cast to the dim columns' types. */
        const CatTable *t = j->table;
        o->table = add_table(add_arg, t);
        cache_from(&o->cache, &j->cache);
        uint32_t nk = j->keys.n_keys;
        uint32_t *dc = ARENA_NEW_ARRAY(pa, uint32_t, nk + 1);
        PExpr **pk = ARENA_NEW_ARRAY(&cc->a, PExpr *, nk + 1);
        for (uint32_t i = 0; i < nk; i++) {
            int32_t c = -1;
            if (!pexpr_is_ref(j->keys.right_keys[i], &c) || c < 0) {
                diag_error(cc, DIAG_E_UNSUPPORTED, n->at,
                           "cannot look this subquery up: its column is "
                           "not a plain column of the table");
                return false;
            }
            dc[i] = (uint32_t)c;
            pk[i] = pexpr_cast(cc, j->keys.left_keys[i],
                               catalog_column_type(t, (uint32_t)c));
        }
        o->dim_cols = dc;
        o->k.n_keys = nk;
        if (nk) {
            o->k.left_keys = codegen_exprs(cc, pa, pk, nk, left);
            if (!o->k.left_keys)
                return false;
        }
        if (j->dim_filter) {
            RelSchema *tr = ARENA_NEW(&cc->a, RelSchema);
            tr->n_cols = t->n_cols;
            tr->cols = ARENA_NEW_ARRAY(&cc->a, RelColumn, t->n_cols + 1);
            for (uint32_t i = 0; i < t->n_cols; i++) {
                tr->cols[i].name = t->cols[i].name;
                tr->cols[i].type = catalog_column_type(t, i);
            }
            o->dim_filter = codegen_filter(cc, pa, j->dim_filter, tr);
            if (!o->dim_filter)
                return false;
        }
        return true;
    }
    case PN_TEMPORAL_JOIN: {
        const PTemporalJoin *j = &n->u.tjoin;
        OpTemporalJoinDef *o = &d->u.tjoin;
        d->kind = OP_KIND_TEMPORAL_JOIN;
        if (j->join_type != PJ_INNER && j->join_type != PJ_LEFT) {
            diag_error(cc, DIAG_E_UNSUPPORTED, n->at,
                       "a temporal join is INNER or LEFT");
            return false;
        }
        o->type = join_type(j->join_type);
        o->left_time_col = j->left_time_col;
        o->right_time_col = j->right_time_col;
        return gen_keys(cc, pa, &j->keys, j->residual, left, right, n->at,
                        &o->k);
    }
    default:
        d->kind = OP_KIND_UNSUPPORTED;
        d->unsupported = pnode_kind_name(n->kind);
        return true;
    }
}
