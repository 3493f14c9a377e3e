/*
 * op_interval_join.c - IntervalJoin: an event-time join of two streams
 * whose rows match when their keys are equal, the residual condition
 * holds, and lower <= left.time - right.time <= upper
 * (`a JOIN b ON a.k = b.k AND a.ts BETWEEN b.ts - INTERVAL .. AND b.ts +
 * INTERVAL ..`), INNER, LEFT, RIGHT or FULL OUTER.
 *
 * Inputs: port 0 the left stream, port 1 the right one; both append-only
 * (+I; a retraction fails the job).  Output: left row ++ right row, +I
 * only; both time columns stay time attributes.
 *
 * Algorithm (after Flink's time-bounded stream join):
 *   - a row arriving on one side is joined at once with the rows of the
 *     other side held under its key whose time lies in its interval;
 *   - it is then held while rows of the other side can still match it:
 *     a left row at time lt waits until the RIGHT input's watermark
 *     reaches lt - lower (a non-late right row has a time above that
 *     watermark, so it cannot fall into [lt - upper, lt - lower] any
 *     more); a right row at rt waits until the LEFT watermark reaches
 *     rt + upper;
 *   - when a held row expires without ever having matched, an outer join
 *     emits it null-padded (seed 001's "paid but never received");
 *   - a late row (time at or below its own input's watermark) is not
 *     dropped: it joins whatever is still held, and when it cannot be
 *     held any more (its interval has closed on the other side) an outer
 *     join emits it null-padded at once if it found no partner.
 *   A NULL key or time matches nothing (outer: padded at once).
 *
 * Watermarks: rows carry a per-row watermark (batch.h); when a row's
 * watermark is above its port's last one the operator first advances
 * that port (expiring rows of the other side), so results do not depend
 * on batch sizes.  Output watermark = min(left wm, right wm) - delay with
 * delay = max(0, upper, -lower): every row emitted later has both of its
 * time columns above it (Flink holds its output watermark back the same
 * way), so windows after the join see no late rows that the join itself
 * did not receive late.
 *
 * Processing time (the bounds are on PROCTIME() columns): both
 * watermarks are the wall clock, advanced on every push and by a 100 ms
 * timer while rows are held, so a row waits for partners until the clock
 * has passed its interval; unmatched rows are padded then.  No watermark
 * is forwarded (the output has no event time) except end of input.
 *
 * State: a JoinStore (join_store.h) of held rows per key and side, plus
 * one min-heap per side ordered by row time, which finds expired rows
 * without scanning.  Rows are freed as the watermarks advance; at end of
 * input (watermark +inf) every row expires, so state returns to zero.
 * Rows leave in about time order, so the store keeps their strings in
 * chunks (join_store_use_chunks) instead of interning them.
 * FSQL_JOIN_STATS=1 prints, when the operator closes, the rows held at
 * the moment end of input arrived, the peak, and the rows held now.
 *
 * Checkpoints: the snapshot is the JoinStore (every held row with its
 * time and partner count, so a row that has found no partner yet is
 * still padded when it expires after a restore), the output watermark
 * stamp and the counters; the heaps are rebuilt from the rows.
 */
#include "runtime/fsql.h"
#include "runtime/checkpoint.h"
#include "runtime/connector.h"
#include "runtime/job.h"
#include "runtime/join_store.h"
#include "runtime/op.h"
#include "runtime/value_ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROCTIME_TICK_MS 100

typedef struct IjState {
    const OpIntervalJoinDef *d;
    JoinStore js;
    Value *kregs[2];
    Value *rregs;
    Value *keyv; /* n_keys scratch */
    const RtType *key_types;
    JoinHeap heap[2]; /* held rows of each side by time */
    uint32_t ncol[2];
    int32_t time_col[2];
    bool outer[2];
    int64_t delay;
    int64_t out_wm; /* stamp of rows emitted now */
    bool print_stats;
    bool end_seen;
    size_t rows_at_end; /* rows held when end of input arrived */
    uint64_t late_rows; /* rows at or below their own watermark */
    uint64_t expired_unmatched;
} IjState;

/* ---- emitting ------------------------------------------------------------ */

static inline Arena *batch_arena(OpState *s)
{
    return job_batch_arena(s->job);
}

/* A joined row: left values l, right values r; each from the input batch
 * (borrowed, lives through the push cycle) or from the store (copied). */
static int emit_joined(OpState *s, IjState *st, const Batch *in, uint32_t row,
                       const Value *l, bool l_stored, const Value *r,
                       bool r_stored, bool *matched)
{
    uint32_t nl = st->ncol[0], nr = st->ncol[1];
    Value *o = op_emit_row(s, ROW_INSERT, st->out_wm);
    if (l_stored)
        join_store_out(o, l, nl, batch_arena(s));
    else
        memcpy(o, l, sizeof(Value) * nl);
    if (r_stored)
        join_store_out(o + nl, r, nr, batch_arena(s));
    else
        memcpy(o + nl, r, sizeof(Value) * nr);
    if (st->d->k.residual) {
        bool keep;
        if (!vm_eval_filter(st->d->k.residual, st->rregs, o, &keep, &s->vm))
            return op_fail_eval(s, in, row);
        if (!keep) {
            s->out.n_rows--;
            *matched = false;
            return FSQL_OK;
        }
    }
    *matched = true;
    return FSQL_OK;
}

/* A row of side `side` padded with NULLs for the other side. */
static void emit_padded(OpState *s, IjState *st, uint8_t side, const Value *v,
                        bool stored)
{
    uint32_t nl = st->ncol[0], nr = st->ncol[1];
    const RtColumn *oc = s->def->out.cols;
    Value *o = op_emit_row(s, ROW_INSERT, st->out_wm);
    Value *mine = side == 0 ? o : o + nl;
    uint32_t n = side == 0 ? nl : nr;
    if (stored)
        join_store_out(mine, v, n, batch_arena(s));
    else
        memcpy(mine, v, sizeof(Value) * n);
    uint32_t from = side == 0 ? nl : 0, to = side == 0 ? nl + nr : nl;
    for (uint32_t i = from; i < to; i++)
        o[i] = value_null(oc[i].type.kind);
}

/* ---- watermarks and expiry ------------------------------------------------ */

static int64_t out_wm_of(const OpState *s, const IjState *st)
{
    int64_t m = s->wm_in[0] < s->wm_in[1] ? s->wm_in[0] : s->wm_in[1];
    if (m == WM_NONE || m == WM_END)
        return m;
    if (m < INT64_MIN + st->delay)
        return WM_NONE;
    return m - st->delay;
}

/* May a held row of side `side` at time t still meet a non-late row of
 * the other side, whose watermark is other_wm? */
static inline bool still_open(const IjState *st, uint8_t side, int64_t t,
                              int64_t other_wm)
{
    if (other_wm == WM_END)
        return false;
    if (other_wm == WM_NONE)
        return true;
    /* left: a right row rt >= lt - upper .. <= lt - lower is still to
     * come while other_wm < lt - lower; right: while other_wm < rt + upper */
    if (side == 0)
        return other_wm < t - st->d->lower_ms;
    return other_wm < t + st->d->upper_ms;
}

/* Expire the held rows of side `side` that the other side's watermark
 * has passed. */
static void expire_side(OpState *s, IjState *st, uint8_t side)
{
    JoinHeap *h = &st->heap[side];
    int64_t other = s->wm_in[1 - side];
    while (h->n > 0 && !still_open(st, side, join_heap_min(h), other)) {
        JoinRow *r = join_heap_pop(h);
        if (r->n_match == 0 && st->outer[side]) {
            emit_padded(s, st, side, join_row_values(r), true);
            st->expired_unmatched++;
        }
        JoinKey *k = r->key;
        join_store_remove(&st->js, r);
        if (k->n[0] == 0 && k->n[1] == 0)
            join_store_drop_key(&st->js, k);
    }
}

/* Port `port`'s watermark rose to wm: expire the other side's rows. */
static void advance(OpState *s, IjState *st, uint32_t port, int64_t wm)
{
    if (wm == WM_END && !st->end_seen) {
        st->end_seen = true;
        st->rows_at_end = join_store_rows(&st->js);
    }
    s->wm_in[port] = wm;
    expire_side(s, st, (uint8_t)(1 - port));
    int64_t o = out_wm_of(s, st);
    if (o > st->out_wm)
        st->out_wm = o;
}

/* ---- the operator ------------------------------------------------------- */

static int ij_open(OpState *s)
{
    const OpIntervalJoinDef *d = &s->def->u.ijoin;
    IjState *st = ARENA_NEW(&s->a, IjState);
    s->priv = st;
    st->d = d;
    st->ncol[0] = s->def->out.n_cols;
    /* Split the output width by the inputs' widths. */
    const Program *p = op_run_ctx(s)->prog;
    st->ncol[0] = p->ops[s->def->inputs[0]].out.n_cols;
    st->ncol[1] = p->ops[s->def->inputs[1]].out.n_cols;
    st->time_col[0] = d->left_time_col;
    st->time_col[1] = d->right_time_col;
    st->outer[0] = d->type == OPJ_LEFT || d->type == OPJ_FULL;
    st->outer[1] = d->type == OPJ_RIGHT || d->type == OPJ_FULL;
    int64_t delay = 0;
    if (d->upper_ms > delay)
        delay = d->upper_ms;
    if (-d->lower_ms > delay)
        delay = -d->lower_ms;
    st->delay = delay;
    st->out_wm = WM_NONE;
    uint32_t nk = d->k.n_keys;
    if (nk) {
        st->kregs[0] = code_regs_new(&s->a, d->k.left_keys);
        st->kregs[1] = code_regs_new(&s->a, d->k.right_keys);
        st->key_types = d->k.left_keys->result_types;
    }
    if (d->k.residual)
        st->rregs = code_regs_new(&s->a, d->k.residual);
    st->keyv = ARENA_NEW_ARRAY(&s->a, Value, nk + 1);
    join_store_init(&st->js, nk, st->key_types, &p->ops[s->def->inputs[0]].out,
                    &p->ops[s->def->inputs[1]].out);
    /* rows leave in about time order: strings in chunks, not interned */
    join_store_use_chunks(&st->js);
    st->print_stats = join_stats_wanted(op_run_ctx(s)->prog);
    return FSQL_OK;
}

static int process_row(OpState *s, IjState *st, const Batch *in, uint32_t r,
                       uint8_t side)
{
    const OpIntervalJoinDef *d = st->d;
    const Value *row = batch_row(in, r);
    uint8_t other = (uint8_t)(1 - side);
    RowKind kind = (RowKind)in->kinds[r];
    if (kind != ROW_INSERT && kind != ROW_UPDATE_AFTER)
        return op_fail(s, FSQL_E_UNSUPPORTED,
                       "IntervalJoin#%u: an interval join needs append-only "
                       "inputs, but its %s input retracted a row",
                       s->def->plan_id, side == 0 ? "left" : "right");
    const Value *tv = &row[st->time_col[side]];
    bool usable = !tv->is_null;
    int64_t t = tv->u.i;
    if (usable && t <= s->wm_in[side])
        st->late_rows++;
    uint32_t nk = d->k.n_keys;
    if (nk && usable) {
        const Code *kc = side == 0 ? d->k.left_keys : d->k.right_keys;
        if (!vm_eval_into(kc, st->kregs[side], row, st->keyv, &s->vm))
            return op_fail_eval(s, in, r);
        for (uint32_t i = 0; i < nk; i++)
            if (st->keyv[i].is_null)
                usable = false;
    }
    if (!usable) {
        if (st->outer[side])
            emit_padded(s, st, side, row, false);
        return FSQL_OK;
    }
    const Value *kv = st->keyv;
    uint64_t h = join_store_hash(&st->js, kv);
    JoinKey *k = join_store_find(&st->js, kv, h);
    int64_t n_match = 0;
    if (k) {
        /* the other side's times that match: left lt matches right rt in
         * [lt - upper, lt - lower]; right rt matches lt in
         * [rt + lower, rt + upper] */
        int64_t lo, hi;
        if (side == 0) {
            lo = t - d->upper_ms;
            hi = t - d->lower_ms;
        } else {
            lo = t + d->lower_ms;
            hi = t + d->upper_ms;
        }
        for (JoinRow *o = k->head[other]; o; o = o->next) {
            if (o->time < lo || o->time > hi)
                continue;
            bool m;
            int rc = side == 0 ? emit_joined(s, st, in, r, row, false,
                                             join_row_values(o), true, &m)
                               : emit_joined(s, st, in, r, join_row_values(o),
                                             true, row, false, &m);
            if (rc < 0)
                return rc;
            if (m) {
                n_match++;
                o->n_match++;
            }
        }
    }
    if (still_open(st, side, t, s->wm_in[other])) {
        if (!k)
            k = join_store_insert(&st->js, kv, h);
        JoinRow *jr = join_store_add(&st->js, k, side, row);
        jr->time = t;
        jr->n_match = n_match;
        join_heap_push(&st->heap[side], jr);
    } else if (n_match == 0 && st->outer[side]) {
        emit_padded(s, st, side, row, false);
    }
    return FSQL_OK;
}

/* Processing time: both sides' "watermark" is the wall clock (a row's
 * PROCTIME() is the time it was read), so rows wait for partners until
 * the clock passes their interval; a timer keeps expiring them while rows
 * are held. */
static void proctime_tick(OpState *s, IjState *st)
{
    int64_t now = job_now_wall_ms() - 1;
    for (uint32_t p = 0; p < 2; p++)
        if (now > s->wm_in[p] && !s->ended[p])
            advance(s, st, p, now);
    if (join_store_rows(&st->js) > 0 && !s->is_finished)
        op_set_timer(s, job_now_mono_ms() + PROCTIME_TICK_MS);
    else
        op_set_timer(s, INT64_MAX);
}

static int ij_timer(OpState *s, int64_t now_ms)
{
    IjState *st = s->priv;
    (void)now_ms;
    proctime_tick(s, st);
    return op_flush(s);
}

static int ij_push(OpState *s, Batch *in, uint32_t port)
{
    IjState *st = s->priv;
    uint8_t side = port == 0 ? 0 : 1;
    s->vm.now_ms = job_now_wall_ms();
    if (st->d->is_proctime) {
        for (uint32_t r = 0; r < in->n_rows; r++) {
            int rc = process_row(s, st, in, r, side);
            if (rc < 0)
                return rc;
        }
        proctime_tick(s, st);
        return op_flush(s);
    }
    for (uint32_t r = 0; r < in->n_rows; r++) {
        if (in->wm[r] > s->wm_in[side])
            advance(s, st, side, in->wm[r]);
        int rc = process_row(s, st, in, r, side);
        if (rc < 0)
            return rc;
        if (job_failed(s->job))
            return FSQL_E_INTERNAL;
    }
    return op_flush(s);
}

static int ij_watermark(OpState *s, int64_t wm, uint32_t port)
{
    IjState *st = s->priv;
    if (st->d->is_proctime && wm != WM_END)
        return FSQL_OK; /* no event time: only end of input counts */
    if (port < 2 && wm > s->wm_in[port])
        advance(s, st, port, wm);
    return op_emit_watermark(s, out_wm_of(s, st));
}

static void ij_close(OpState *s)
{
    IjState *st = s->priv;
    if (!st)
        return;
    if (st->print_stats) {
        const RunCtx *ctx = op_run_ctx(s);
        fprintf(ctx->err_out ? ctx->err_out : stderr,
                "IntervalJoin#%u: rows held at end of input %zu, peak %zu, "
                "now %zu; late rows %llu; unmatched rows expired %llu\n",
                s->def->plan_id, st->end_seen ? st->rows_at_end : (size_t)0,
                st->js.peak_rows, join_store_rows(&st->js),
                (unsigned long long)st->late_rows,
                (unsigned long long)st->expired_unmatched);
    }
    const OpIntervalJoinDef *d = st->d;
    if (st->kregs[0])
        code_regs_fini(d->k.left_keys, st->kregs[0]);
    if (st->kregs[1])
        code_regs_fini(d->k.right_keys, st->kregs[1]);
    if (st->rregs)
        code_regs_fini(d->k.residual, st->rregs);
    join_heap_fini(&st->heap[0]);
    join_heap_fini(&st->heap[1]);
    join_store_fini(&st->js);
}

/* ---- checkpoints ----------------------------------------------------------- */

#define IJ_SNAP_VERSION 1u

static int ij_snapshot(OpState *s, SnapWriter *w)
{
    IjState *st = s->priv;
    snap_put_u32(w, IJ_SNAP_VERSION);
    snap_put_i64(w, st->out_wm);
    snap_put_bool(w, st->end_seen);
    snap_put_u64(w, st->rows_at_end);
    snap_put_u64(w, st->late_rows);
    snap_put_u64(w, st->expired_unmatched);
    join_store_snapshot(&st->js, w);
    return FSQL_OK;
}

static void heap_row(void *arg, JoinRow *r)
{
    IjState *st = arg;
    join_heap_push(&st->heap[r->side], r);
}

static int ij_restore(OpState *s, SnapReader *r)
{
    IjState *st = s->priv;
    uint32_t ver = snap_get_u32(r);
    if (ver != IJ_SNAP_VERSION)
        return op_fail(s, FSQL_E_STATE,
                       "IntervalJoin#%u: cannot restore state of layout "
                       "version %u",
                       s->def->plan_id, ver);
    st->out_wm = snap_get_i64(r);
    st->end_seen = snap_get_bool(r);
    st->rows_at_end = (size_t)snap_get_u64(r);
    st->late_rows = snap_get_u64(r);
    st->expired_unmatched = snap_get_u64(r);
    if (!join_store_restore(&st->js, r, heap_row, st) || !snap_reader_done(r))
        return op_fail(s, FSQL_E_STATE,
                       "IntervalJoin#%u: the checkpoint's join state is "
                       "malformed or belongs to another query",
                       s->def->plan_id);
    if (st->d->is_proctime && join_store_rows(&st->js) > 0)
        op_set_timer(s, job_now_mono_ms() + PROCTIME_TICK_MS);
    return FSQL_OK;
}

const OpVtbl op_interval_join_vtbl = {
    .name = "IntervalJoin",
    .open = ij_open,
    .push = ij_push,
    .watermark = ij_watermark,
    .timer = ij_timer,
    .close = ij_close,
    .snapshot = ij_snapshot,
    .restore = ij_restore,
};
