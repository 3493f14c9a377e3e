/*
 * op_calc.c - Calc: filter then project, row by row, through the VM.
 *
 * Input: one port.  Output: one row per input row that passes the filter
 * (TRUE; FALSE and NULL drop it), with the projected columns; kinds and
 * per-row watermarks are carried over.  Fast paths: no filter and no
 * projection passes the batch through; a projection of plain column
 * references (Code.is_trivial) copies Values without running the VM; a
 * filter with a computed projection is one Code (OpCalcDef.both: one VM
 * run per row, the projections skipped for rejected rows, results
 * written straight into the output row).
 * State: the register files (operator arena).  String results of the VM
 * go to the batch arena.  Watermarks: passed on unchanged.
 */
#include "runtime/fsql.h"
#include "runtime/job.h"
#include "runtime/op.h"

#include <string.h>

typedef struct CalcState {
    Value *bregs;                /* registers of OpCalcDef.both */
    Value *fregs;                /* filter registers */
    Value *pregs;                /* projection registers */
    const int32_t *trivial_cols; /* projection of column refs, else NULL */
} CalcState;

static int calc_open(OpState *s)
{
    CalcState *st = ARENA_NEW(&s->a, CalcState);
    const OpCalcDef *d = &s->def->u.calc;
    if (d->both)
        st->bregs = code_regs_new(&s->a, d->both);
    if (d->filter)
        st->fregs = code_regs_new(&s->a, d->filter);
    if (d->proj) {
        st->pregs = code_regs_new(&s->a, d->proj);
        bool trivial = true;
        for (uint32_t i = 0; i < d->proj->n_results && trivial; i++)
            trivial = d->proj->result_cols && d->proj->result_cols[i] >= 0;
        if (trivial)
            st->trivial_cols = d->proj->result_cols;
    }
    s->priv = st;
    return FSQL_OK;
}

/* An expression failed on row r: the rows before it still go on. */
static int calc_fail(OpState *s, const Batch *in, uint32_t r)
{
    VmCtx saved = s->vm;
    op_flush(s);
    s->vm = saved;
    return op_fail_eval(s, in, r);
}

static int calc_push(OpState *s, Batch *in, uint32_t port)
{
    CalcState *st = s->priv;
    const OpCalcDef *d = &s->def->u.calc;
    const Code *f = d->filter, *p = d->proj, *bc = d->both;
    (void)port;
    if (!f && !p && !bc)
        return op_push_batch(s, in);
    uint32_t nin = in->n_cols, nout = s->def->out.n_cols;
    VmCtx *x = &s->vm;
    x->now_ms = job_now_wall_ms();
    s->out.split = in->split;
    if (bc) {
        Value *regs = st->bregs;
        const uint16_t *res = bc->results;
        for (uint32_t r = 0; r < in->n_rows; r++) {
            const Value *row = in->rows + (size_t)r * nin;
            if (unlikely(!vm_eval(bc, regs, row, x)))
                return calc_fail(s, in, r);
            const Value *keep = &regs[res[0]];
            if (keep->is_null || !keep->u.i)
                continue;
            Value *o = op_emit_row(s, (RowKind)in->kinds[r], in->wm[r]);
            for (uint32_t c = 0; c < nout; c++)
                o[c] = regs[res[c + 1]];
        }
        s->out.flags = in->flags;
        return op_flush(s);
    }
    for (uint32_t r = 0; r < in->n_rows; r++) {
        const Value *row = in->rows + (size_t)r * nin;
        if (f) {
            bool keep;
            if (unlikely(!vm_eval_filter(f, st->fregs, row, &keep, x)))
                return calc_fail(s, in, r);
            if (!keep)
                continue;
        }
        Value *o = op_emit_row(s, (RowKind)in->kinds[r], in->wm[r]);
        if (!p) {
            memcpy(o, row, sizeof(Value) * nin);
        } else if (st->trivial_cols) {
            for (uint32_t c = 0; c < nout; c++)
                o[c] = row[st->trivial_cols[c]];
        } else if (unlikely(!vm_eval_into(p, st->pregs, row, o, x))) {
            s->out.n_rows--; /* the row being built */
            return calc_fail(s, in, r);
        }
    }
    s->out.flags = in->flags;
    return op_flush(s);
}

static void calc_close(OpState *s)
{
    CalcState *st = s->priv;
    if (!st)
        return;
    if (st->bregs)
        code_regs_fini(s->def->u.calc.both, st->bregs);
    if (st->fregs)
        code_regs_fini(s->def->u.calc.filter, st->fregs);
    if (st->pregs)
        code_regs_fini(s->def->u.calc.proj, st->pregs);
}

const OpVtbl op_calc_vtbl = {
    .name = "Calc",
    .open = calc_open,
    .push = calc_push,
    .close = calc_close,
};
