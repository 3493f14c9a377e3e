/*
 * op_watermark.c - WatermarkAssigner: generates event-time watermarks
 * from the rows of a source (WATERMARK FOR col AS expr).
 *
 * Input: one port (a scan, or a Calc computing columns over it).  Output:
 * the same rows, with per-row watermarks (Batch.wm, see batch.h) and the
 * watermark reached.  watermark = the largest expr value seen per split,
 * the minimum of that over the splits still open and not idle, never
 * decreasing; a NULL expr value leaves it unchanged.  Late rows are not
 * this operator's concern (window operators count and handle them).
 *
 * Emit strategies (scan.watermark.emit.strategy):
 *   on-event (default): the watermark logically advances after every
 *     row, so results do not depend on batch sizes or timing;
 *   on-periodic: rows carry the watermark last emitted, and the current
 *     one is emitted every pipeline.auto-watermark-interval of processing
 *     time (a timer emits it when no rows arrive).
 * Idle splits (table.exec.source.idle-timeout, scan.watermark.idle-timeout):
 * a split that produced no row for that long (processing time) stops
 * holding the watermark back until it produces again; a timer notices it
 * when no rows arrive at all.
 *
 * Test clock: when the environment variable FSQL_TEST_IDLE_CLOCK_STEP_MS
 * is set to n > 0, idleness follows a row clock instead of processing
 * time: it starts at 0 when the operator opens and advances n ms at the
 * arrival of every row, from any split.  A row sets its split's last-row
 * time to the clock, and every split whose last row is timeout or more
 * behind the clock turns idle at that moment, so the row that brings the
 * clock there already carries the raised watermark.  "Partition 1 idle
 * for 1 s" then means "timeout / n rows of other partitions since its
 * last row (or its assignment)", whatever the machine's load or batch
 * sizes; no idle timer is armed (the clock does not move without rows).
 * Periodic emission still follows processing time.  For tests only
 * (tests/kafka/idle_clock.sh).
 *
 * The minimum over splits is kept incrementally: its value, how many
 * splits hold it, and a lower bound of the next larger value; only when
 * the last split holding the minimum advances past that bound are the
 * splits scanned again (O(1) amortised per row with many partitions).
 * State: per-split maxima (the only thing a checkpoint needs from this
 * operator besides wm_out).
 *
 * Checkpoints (issue 10): the splits (max, open, idle), the combined and
 * last emitted watermarks and whether the input ended.  Processing-time
 * bookkeeping (last row per split, next periodic emit) is monotonic and
 * restarts from the moment of the restore: a split's idle timeout counts
 * afresh.
 */
#include "runtime/fsql.h"
#include "runtime/checkpoint.h"
#include "runtime/connector.h"
#include "runtime/job.h"
#include "runtime/op.h"
#include "runtime/wm_align.h"

#include <stdlib.h>

typedef struct WmSplit {
    int64_t max;     /* max expr value (WM_NONE: none yet) */
    int64_t last_ms; /* monotonic (or test clock) time of its last row */
    bool open;       /* not ended */
    bool idle;       /* excluded until it produces again */
} WmSplit;

typedef struct WmState {
    Value *regs; /* register file of the expression */
    WmSplit *sp;
    uint32_t n_splits, cap_splits;
    uint32_t n_active; /* open and not idle */
    int64_t min;       /* min of max over active splits (WM_END: none) */
    uint32_t min_cnt;  /* active splits whose max == min */
    int64_t second;    /* <= every active max above min (WM_END: none) */
    int64_t cur;       /* current combined watermark */
    int64_t emitted;   /* on-periodic: the watermark last emitted */
    int64_t next_emit; /* on-periodic: monotonic time of the next emit */
    int64_t *wm;       /* per-row watermarks of the pushed view */
    uint32_t wm_cap;
    bool ended;
    int64_t clock_step; /* FSQL_TEST_IDLE_CLOCK_STEP_MS (0: off) */
    int64_t clock;      /* the test clock: clock_step per row */
    int64_t idle_next;  /* test clock: no split turns idle before this */
} WmState;

/* The clock idleness is measured with: processing time, or the test
 * clock. */
static int64_t wm_idle_now(const WmState *st)
{
    return st->clock_step > 0 ? st->clock : job_now_mono_ms();
}

static int wm_open(OpState *s)
{
    WmState *st = ARENA_NEW(&s->a, WmState);
    const OpWatermarkDef *d = &s->def->u.wm;
    if (d->expr)
        st->regs = code_regs_new(&s->a, d->expr);
    st->cap_splits = 8;
    st->sp = xmalloc(sizeof(WmSplit) * st->cap_splits);
    st->wm_cap = BATCH_ROWS;
    st->wm = xmalloc(sizeof(int64_t) * st->wm_cap);
    st->cur = WM_NONE;
    st->emitted = WM_NONE;
    st->min = WM_END;
    st->second = WM_END;
    const char *step = getenv("FSQL_TEST_IDLE_CLOCK_STEP_MS");
    if (step && *step)
        st->clock_step = strtoll(step, NULL, 10);
    s->priv = st;
    return FSQL_OK;
}

/* Recompute min, min_cnt and second from the active splits. */
static void wm_rescan(WmState *st)
{
    int64_t m = WM_END, m2 = WM_END;
    uint32_t cnt = 0, act = 0;
    for (uint32_t i = 0; i < st->n_splits; i++) {
        const WmSplit *p = &st->sp[i];
        if (!p->open || p->idle)
            continue;
        act++;
        if (p->max < m) {
            m2 = m;
            m = p->max;
            cnt = 1;
        } else if (p->max == m) {
            cnt++;
        } else if (p->max < m2) {
            m2 = p->max;
        }
    }
    st->min = m;
    st->min_cnt = cnt;
    st->second = m2;
    st->n_active = act;
}

/* Raise cur to the minimum over active splits (none active: unchanged). */
static void wm_combine(WmState *st)
{
    if (st->n_active > 0 && st->min > st->cur)
        st->cur = st->min;
}

static WmSplit *wm_split(WmState *st, uint32_t split)
{
    if (split < st->n_splits)
        return &st->sp[split];
    while (split >= st->cap_splits) {
        st->cap_splits *= 2;
        st->sp = xrealloc(st->sp, sizeof(WmSplit) * st->cap_splits);
    }
    while (st->n_splits <= split) {
        WmSplit *p = &st->sp[st->n_splits++];
        p->max = WM_NONE;
        p->last_ms = wm_idle_now(st); /* idle counts from here */
        p->open = true;
        p->idle = false;
    }
    st->idle_next = INT64_MIN; /* test clock: a new split to watch */
    wm_rescan(st);
    return &st->sp[split];
}

/* Split p (active) advanced from old to t > old. */
static void wm_advance(WmState *st, int64_t old, int64_t t)
{
    if (old > st->min)
        return; /* not a minimum holder: min unchanged, second still a bound */
    if (st->min_cnt > 1) {
        st->min_cnt--;
        if (t < st->second)
            st->second = t;
        return;
    }
    if (t < st->second) {
        st->min = t; /* still the only holder */
        return;
    }
    wm_rescan(st);
}

/* Mark splits idle whose last row is older than the timeout; returns the
 * time (monotonic, or of the test clock) the next active split would turn
 * idle (INT64_MAX: none). */
static int64_t wm_check_idle(WmState *st, int64_t timeout, int64_t now,
                             bool *changed)
{
    int64_t next = INT64_MAX;
    for (uint32_t i = 0; i < st->n_splits; i++) {
        WmSplit *p = &st->sp[i];
        if (!p->open || p->idle)
            continue;
        if (now - p->last_ms >= timeout) {
            p->idle = true;
            *changed = true;
        } else if (p->last_ms + timeout < next) {
            next = p->last_ms + timeout;
        }
    }
    return next;
}

/* Emit what the strategy allows and arm the timer for idleness and
 * periodic emission. */
static int wm_after(OpState *s, WmState *st, int64_t now)
{
    const OpWatermarkDef *d = &s->def->u.wm;
    int64_t timer = INT64_MAX;
    if (d->idle_timeout_ms > 0 && !st->ended) {
        bool changed = false;
        int64_t next =
            wm_check_idle(st, d->idle_timeout_ms,
                          st->clock_step > 0 ? st->clock : now, &changed);
        if (changed) {
            wm_rescan(st);
            wm_combine(st);
        }
        /* Only with two active splits can idleness raise the watermark
         * (the test clock needs no timer: it moves with rows only). */
        if (st->n_active > 1 && st->clock_step <= 0)
            timer = next;
    }
    if (d->is_periodic && !st->ended) {
        if (st->cur > st->emitted && now >= st->next_emit) {
            st->emitted = st->cur;
            st->next_emit = now + (d->interval_ms > 0 ? d->interval_ms : 1);
        }
        if (st->cur > st->emitted && st->next_emit < timer)
            timer = st->next_emit;
        op_set_timer(s, timer);
        return op_emit_watermark(s, st->emitted);
    }
    op_set_timer(s, timer);
    return op_emit_watermark(s, st->cur);
}

static int wm_push(OpState *s, Batch *in, uint32_t port)
{
    WmState *st = s->priv;
    const OpWatermarkDef *d = &s->def->u.wm;
    (void)port;
    /* Splits read at the same time hold back from their assignment on,
     * rows or not (else whichever partition is fetched first would make
     * the others' rows late). */
    const SourceReader *rd = job_current_reader(s->job);
    if (rd && rd->splits_concurrent && rd->n_splits > st->n_splits)
        wm_split(st, rd->n_splits - 1);
    WmSplit *sp = wm_split(st, in->split);
    bool fast = d->delay_ms >= 0 && d->rowtime_col >= 0;
    bool periodic = d->is_periodic;
    uint32_t nc = in->n_cols;
    if (in->n_rows > st->wm_cap) {
        xfree(st->wm);
        st->wm_cap = in->n_rows;
        st->wm = xmalloc(sizeof(int64_t) * st->wm_cap);
    }
    int64_t now = job_now_mono_ms();
    bool test_clock =
        st->clock_step > 0 && d->idle_timeout_ms > 0 && !st->ended && sp->open;
    if (in->n_rows > 0 && sp->open) {
        sp->last_ms = st->clock_step > 0 ? st->clock : now;
        if (sp->idle) {
            /* Active again: it holds the watermark back from its value on
             * (rows behind the watermark are late downstream). */
            sp->idle = false;
            st->idle_next = INT64_MIN;
            wm_rescan(st);
        }
    }
    s->vm.now_ms = job_now_wall_ms();
    for (uint32_t r = 0; r < in->n_rows; r++) {
        const Value *row = in->rows + (size_t)r * nc;
        if (st->clock_step > 0) {
            st->clock += st->clock_step;
            sp->last_ms = st->clock;
            if (test_clock && st->clock >= st->idle_next) {
                bool changed = false;
                st->idle_next =
                    wm_check_idle(st, d->idle_timeout_ms, st->clock, &changed);
                if (changed) {
                    wm_rescan(st);
                    wm_combine(st);
                }
            }
        }
        st->wm[r] = periodic ? st->emitted : st->cur;
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
        if (t > sp->max) {
            int64_t old = sp->max;
            sp->max = t;
            if (sp->open && !sp->idle) {
                wm_advance(st, old, t);
                if (st->min > st->cur)
                    st->cur = st->min;
            }
        }
    }
    if ((in->flags & BATCH_F_SPLIT_END) && sp->open) {
        sp->open = false;
        wm_rescan(st);
        wm_combine(st);
    }
    Batch view = *in;
    view.wm = st->wm;
    int rc = op_push_batch(s, &view);
    if (rc < 0)
        return rc;
    return wm_after(s, st, now);
}

static int wm_timer(OpState *s, int64_t now_ms)
{
    WmState *st = s->priv;
    if (st->ended)
        return FSQL_OK;
    return wm_after(s, st, now_ms);
}

static int wm_watermark(OpState *s, int64_t wm, uint32_t port)
{
    WmState *st = s->priv;
    (void)port;
    /* Upstream watermarks are replaced by this one's, except the end. */
    if (wm == WM_END) {
        st->ended = true;
        op_set_timer(s, INT64_MAX);
        return op_emit_watermark(s, WM_END);
    }
    return FSQL_OK;
}

static void wm_close(OpState *s)
{
    WmState *st = s->priv;
    if (!st)
        return;
    if (st->regs)
        code_regs_fini(s->def->u.wm.expr, st->regs);
    xfree(st->sp);
    xfree(st->wm);
}

#define WM_SNAP_LAYOUT 1u

static int wm_snapshot(OpState *s, SnapWriter *w)
{
    WmState *st = s->priv;
    snap_put_u32(w, WM_SNAP_LAYOUT);
    snap_put_i64(w, st->cur);
    snap_put_i64(w, st->emitted);
    snap_put_bool(w, st->ended);
    snap_put_u32(w, st->n_splits);
    for (uint32_t i = 0; i < st->n_splits; i++) {
        snap_put_i64(w, st->sp[i].max);
        snap_put_bool(w, st->sp[i].open);
        snap_put_bool(w, st->sp[i].idle);
    }
    return FSQL_OK;
}

static int wm_restore(OpState *s, SnapReader *r)
{
    WmState *st = s->priv;
    if (snap_get_u32(r) != WM_SNAP_LAYOUT)
        return op_fail(s, FSQL_E_STATE,
                       "WatermarkAssigner: unknown state layout");
    st->cur = snap_get_i64(r);
    st->emitted = snap_get_i64(r);
    st->ended = snap_get_bool(r);
    uint32_t n = snap_get_u32(r);
    if (r->bad || n > (uint32_t)((r->end - r->p) / 10))
        return FSQL_E_STATE;
    st->n_splits = 0;
    if (n > 0)
        wm_split(st, n - 1); /* grows sp; fresh last_ms */
    for (uint32_t i = 0; i < n; i++) {
        st->sp[i].max = snap_get_i64(r);
        st->sp[i].open = snap_get_bool(r);
        st->sp[i].idle = snap_get_bool(r);
    }
    wm_rescan(st);
    st->next_emit = job_now_mono_ms();
    return snap_reader_done(r) ? FSQL_OK : FSQL_E_STATE;
}

const OpVtbl op_watermark_vtbl = {
    .name = "WatermarkAssigner",
    .open = wm_open,
    .push = wm_push,
    .watermark = wm_watermark,
    .timer = wm_timer,
    .close = wm_close,
    .snapshot = wm_snapshot,
    .restore = wm_restore,
};

/* Watermark alignment (wm_align.h): where this assigner stands. */
WmAlignState op_watermark_current(const OpState *s, int64_t *wm)
{
    const WmState *st = s->priv;
    if (!st || st->ended)
        return WM_ALIGN_OFF;
    if (st->n_splits > 0 && st->n_active == 0)
        return WM_ALIGN_OFF; /* every split idle */
    if (st->cur == WM_NONE)
        return WM_ALIGN_UNSET;
    *wm = st->cur;
    return WM_ALIGN_AT;
}
