/*
 * op_watermark.c - WatermarkAssigner: generates event-time watermarks
 * from the rows of a source (WATERMARK FOR col AS expr).
 *
 * Input: one port (a scan, or a Calc computing columns over it).  Output:
 * the same rows, with per-row watermarks (Batch.wm, see batch.h) and,
 * after each batch, the watermark reached.  Strategy: on-event, i.e. the
 * watermark logically advances after every row, so results do not depend
 * on batch sizes.  watermark = the largest expr value seen per split, the
 * minimum of that over the splits still open, never decreasing; a NULL
 * expr value leaves it unchanged.  Late rows are not this operator's
 * concern (window operators count and handle them).
 * State: per-split maxima (small array, operator arena) - the only thing
 * a checkpoint needs from this operator besides wm_out.
 */
#include "runtime/fsql.h"
#include "runtime/job.h"
#include "runtime/op.h"

typedef struct WmState {
    Value *regs;        /* register file of the expression */
    int64_t *split_max; /* per split: max expr value (WM_NONE: none yet) */
    bool *split_open;
    uint32_t n_splits, cap_splits;
    int64_t cur; /* current combined watermark */
    int64_t *wm; /* per-row watermarks of the pushed view */
} WmState;

static int wm_open(OpState *s)
{
    WmState *st = ARENA_NEW(&s->a, WmState);
    const OpWatermarkDef *d = &s->def->u.wm;
    if (d->expr)
        st->regs = code_regs_new(&s->a, d->expr);
    st->cap_splits = 8;
    st->split_max = xmalloc(sizeof(int64_t) * st->cap_splits);
    st->split_open = xmalloc(sizeof(bool) * st->cap_splits);
    st->wm = xmalloc(sizeof(int64_t) * BATCH_ROWS);
    st->cur = WM_NONE;
    s->priv = st;
    return FSQL_OK;
}

static void wm_grow(WmState *st, uint32_t split)
{
    while (split >= st->cap_splits) {
        st->cap_splits *= 2;
        st->split_max =
            xrealloc(st->split_max, sizeof(int64_t) * st->cap_splits);
        st->split_open =
            xrealloc(st->split_open, sizeof(bool) * st->cap_splits);
    }
    while (st->n_splits <= split) {
        st->split_max[st->n_splits] = WM_NONE;
        st->split_open[st->n_splits] = true;
        st->n_splits++;
    }
}

/* Minimum over open splits (the current value if none is open). */
static int64_t wm_combined(const WmState *st)
{
    int64_t m = WM_END;
    bool any = false;
    for (uint32_t i = 0; i < st->n_splits; i++) {
        if (!st->split_open[i])
            continue;
        any = true;
        if (st->split_max[i] < m)
            m = st->split_max[i];
    }
    if (!any)
        return st->cur;
    return m > st->cur ? m : st->cur;
}

static int wm_push(OpState *s, Batch *in, uint32_t port)
{
    WmState *st = s->priv;
    const OpWatermarkDef *d = &s->def->u.wm;
    (void)port;
    wm_grow(st, in->split);
    int64_t *smax = &st->split_max[in->split];
    bool single = st->n_splits == 1;
    bool fast = d->delay_ms >= 0 && d->rowtime_col >= 0;
    uint32_t nc = in->n_cols;
    if (in->n_rows > BATCH_ROWS) {
        xfree(st->wm);
        st->wm = xmalloc(sizeof(int64_t) * in->n_rows);
    }
    s->vm.now_ms = job_now_wall_ms();
    for (uint32_t r = 0; r < in->n_rows; r++) {
        const Value *row = in->rows + (size_t)r * nc;
        st->wm[r] = st->cur;
        int64_t t;
        if (fast) {
            const Value *v = &row[d->rowtime_col];
            if (v->is_null)
                continue;
            t = v->u.i - d->delay_ms;
        } else {
            if (!vm_eval(d->expr, st->regs, row, &s->vm))
                return op_fail_eval(s, in, r);
            const Value *v = &st->regs[d->expr->results[0]];
            if (v->is_null)
                continue;
            t = v->u.i;
        }
        if (t > *smax) {
            *smax = t;
            if (single) {
                if (t > st->cur)
                    st->cur = t;
            } else {
                st->cur = wm_combined(st);
            }
        }
    }
    if (in->flags & BATCH_F_SPLIT_END) {
        st->split_open[in->split] = false;
        st->cur = wm_combined(st);
    }
    Batch view = *in;
    view.wm = st->wm;
    int rc = op_push_batch(s, &view);
    if (rc < 0)
        return rc;
    return op_emit_watermark(s, st->cur);
}

static int wm_watermark(OpState *s, int64_t wm, uint32_t port)
{
    (void)port;
    /* Upstream watermarks are replaced by this one's, except the end. */
    if (wm == WM_END)
        return op_emit_watermark(s, WM_END);
    return FSQL_OK;
}

static void wm_close(OpState *s)
{
    WmState *st = s->priv;
    if (!st)
        return;
    if (st->regs)
        code_regs_fini(s->def->u.wm.expr, st->regs);
    xfree(st->split_max);
    xfree(st->split_open);
    xfree(st->wm);
}

const OpVtbl op_watermark_vtbl = {
    .name = "WatermarkAssigner",
    .open = wm_open,
    .push = wm_push,
    .watermark = wm_watermark,
    .close = wm_close,
};
