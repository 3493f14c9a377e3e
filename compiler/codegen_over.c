/*
 * codegen_over.c - PN_OVER_AGGREGATE -> OpOverDef (runtime/program.h).
 *
 * The plan node holds one partitioning, one time-attribute order and
 * several PAggCalls, each with its own PFrame.  Here the calls' argument
 * expressions are compiled into one Code (one result per argument value;
 * LAG/LEAD defaults are cast to the call's type, percentile fractions to
 * DOUBLE, FILTER conditions become extra BOOLEAN results), the partition
 * keys into another, and calls with equal frames share one OpOverFrame so
 * the operator moves each frame boundary once per row.
 *
 * What the runtime supports, checked here so that errors carry a SQL
 * position: frames ending at CURRENT ROW that start at UNBOUNDED
 * PRECEDING, n PRECEDING or CURRENT ROW; constant, non-negative LAG and
 * LEAD offsets (LEAD's frame ends n FOLLOWING: the operator holds each
 * row until n more rows of its partition have been processed);
 * aggregates that agg.c knows (runtime/agg.h), with a retraction for
 * bounded frames.
 */
#include "runtime/fsql.h"
#include "compiler/codegen_over.h"
#include "compiler/codegen.h"
#include "compiler/types.h"
#include "runtime/agg.h"

#include <string.h>

/* A growable list of PExpr in the compile arena. */
typedef struct ExprList {
    PExpr **v;
    uint32_t n, cap;
} ExprList;

/* Index of e in l, appending it unless an equal expression is there
 * (SUM(amount) and LAG(amount) share one argument value per row). */
static uint32_t list_add_shared(CompileCtx *cc, ExprList *l, PExpr *e);

static uint32_t list_add(CompileCtx *cc, ExprList *l, PExpr *e)
{
    if (l->n == l->cap) {
        uint32_t nc = l->cap ? l->cap * 2 : 8;
        PExpr **nv = ARENA_NEW_ARRAY(&cc->a, PExpr *, nc);
        if (l->n)
            memcpy(nv, l->v, sizeof(PExpr *) * l->n);
        l->v = nv;
        l->cap = nc;
    }
    l->v[l->n] = e;
    return l->n++;
}

static uint32_t list_add_shared(CompileCtx *cc, ExprList *l, PExpr *e)
{
    for (uint32_t i = 0; i < l->n; i++)
        if (pexpr_equal(l->v[i], e) && type_equal(l->v[i]->type, e->type))
            return i;
    return list_add(cc, l, e);
}

static bool unsupported(CompileCtx *cc, SrcSpan at, const char *what,
                        const char *hint)
{
    diag_error(cc, DIAG_E_UNSUPPORTED, at, "%s", what);
    if (hint)
        diag_hint(cc, "%s", hint);
    return false;
}

bool codegen_over(CompileCtx *cc, Arena *pa, const PNode *n, OpDef *d,
                  CodegenAddTableFn add_table, void *add_arg)
{
    const POverAgg *o = &n->u.over;
    const RelSchema *in = n->inputs[0]->out;
    OpOverDef *od = &d->u.over;
    d->kind = OP_KIND_OVER_AGGREGATE;
    od->time_col = o->order.col;
    od->is_proctime = o->is_proctime;
    od->state_ttl_ms = o->state_ttl_ms;
    if (!codegen_late_def(cc, n, &od->late, add_table, add_arg))
        return false;
    if (o->n_partition) {
        od->keys = codegen_exprs(cc, pa, o->partition, o->n_partition, in);
        if (!od->keys)
            return false;
    }
    OpOverFrame *frames = ARENA_NEW_ARRAY(pa, OpOverFrame, o->n_calls + 1);
    OpOverCall *calls = ARENA_NEW_ARRAY(pa, OpOverCall, o->n_calls + 1);
    uint32_t n_frames = 0;
    ExprList args = {0};
    bool ok = true;
    for (uint32_t i = 0; i < o->n_calls; i++) {
        const PAggCall *pc = &o->calls[i];
        OpOverCall *c = &calls[i];
        char *name = arena_strndup(pa, pc->name.ptr, pc->name.len);
        for (char *p = name; *p; p++)
            if (*p >= 'a' && *p <= 'z')
                *p = (char)(*p - 'a' + 'A');
        c->name = name;
        c->type = codegen_rttype(pc->type);
        c->is_distinct = pc->is_distinct;
        c->filter = -1;
        c->arg = args.n;
        SrcSpan at = pc->n_args ? pc->args[0]->at : n->at;
        const AggDef *def = agg_def_find(name, strlen(name));
        if (!def) {
            ok = unsupported(cc, at,
                             arena_sprintf(&cc->a,
                                           "cannot compute %s in an OVER "
                                           "window yet",
                                           name),
                             NULL);
            continue;
        }
        const PFrame *f = &pc->frame;
        bool is_lead = def->kind == AGG_LEAD;
        if (!is_lead && (f->upper != PB_CURRENT_ROW ||
            (f->lower != PB_UNBOUNDED_PRECEDING && f->lower != PB_PRECEDING &&
             f->lower != PB_CURRENT_ROW))) {
            ok = unsupported(
                cc, at,
                arena_sprintf(&cc->a,
                              "cannot compute %s over a frame that does not "
                              "end at CURRENT ROW",
                              name),
                "Streaming OVER windows end at the current row: use "
                "BETWEEN ... PRECEDING AND CURRENT ROW.");
            continue;
        }
        if (def->kind == AGG_LAG || is_lead) {
            c->offset = 1;
            if (pc->n_args > 1) {
                const PExpr *e = pc->args[1];
                if (e->kind != PE_LITERAL || e->lit.kind != PL_INT ||
                    e->lit.v.i < 0) {
                    ok = unsupported(
                        cc, e->at,
                        arena_sprintf(&cc->a,
                                      "the offset of %s must be a "
                                      "non-negative integer literal",
                                      name),
                        NULL);
                    continue;
                }
                c->offset = e->lit.v.i;
            }
            if (pc->n_args > 2) {
                list_add(cc, &args, pc->args[0]);
                list_add(cc, &args, pexpr_cast(cc, pc->args[2], pc->type));
                c->has_default = true;
                c->n_args = 2;
            } else {
                c->arg = list_add_shared(cc, &args, pc->args[0]);
                c->n_args = 1;
            }
        } else if (def->kind == AGG_PERCENTILE_CONT ||
                   def->kind == AGG_PERCENTILE_DISC) {
            if (pc->n_order != 1 || pc->n_args != 1) {
                ok = unsupported(cc, at,
                                 "a percentile needs one fraction and one "
                                 "ORDER BY value",
                                 NULL);
                continue;
            }
            list_add(cc, &args,
                     pexpr_cast(cc, pc->args[0], type_new(&cc->a, T_DOUBLE)));
            list_add(cc, &args, pc->order[0]);
            c->n_args = 2;
        } else if (pc->n_args == 1 && !pc->is_star) {
            c->arg = list_add_shared(cc, &args, pc->args[0]);
            c->n_args = 1;
        } else if (!pc->is_star) {
            for (uint32_t k = 0; k < pc->n_args; k++)
                list_add(cc, &args, pc->args[k]);
            c->n_args = pc->n_args;
        }
        if (pc->filter)
            c->filter = (int32_t)list_add_shared(cc, &args, pc->filter);
        /* frame: share equal ones */
        OpOverFrame fr;
        memset(&fr, 0, sizeof fr);
        fr.is_rows = f->unit == FRAME_ROWS;
        fr.is_unbounded = f->lower == PB_UNBOUNDED_PRECEDING;
        fr.preceding = f->lower == PB_PRECEDING ? f->lower_off : 0;
        if (fr.is_unbounded)
            fr.preceding = 0;
        uint32_t k = 0;
        while (k < n_frames &&
               !(frames[k].is_rows == fr.is_rows &&
                 frames[k].is_unbounded == fr.is_unbounded &&
                 frames[k].preceding == fr.preceding))
            k++;
        if (k == n_frames)
            frames[n_frames++] = fr;
        c->frame = k;
        /* A bounded frame retracts rows: the function must allow it. */
        if (!fr.is_unbounded && !(def->flags & AGG_F_POSITIONAL)) {
            AggSpec sp;
            RtType at0 = c->type;
            agg_spec_init(&sp, def, c->n_args, &at0, &c->type,
                          c->is_distinct, NULL);
            if (!agg_has_inverse(&sp)) {
                ok = unsupported(
                    cc, at,
                    arena_sprintf(&cc->a,
                                  "cannot compute %s(DISTINCT ...) over a "
                                  "sliding frame",
                                  name),
                    "Use UNBOUNDED PRECEDING, or drop DISTINCT.");
                continue;
            }
        }
    }
    if (!ok)
        return false;
    if (args.n) {
        od->args = codegen_exprs(cc, pa, args.v, args.n, in);
        if (!od->args)
            return false;
    }
    od->n_frames = n_frames;
    od->frames = frames;
    od->n_calls = o->n_calls;
    od->calls = calls;
    return true;
}
