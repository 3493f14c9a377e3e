/*
 * op_join.c - Join: a regular (unbounded) equi-join of two streams,
 * INNER, LEFT, RIGHT or FULL OUTER, with state bounded by
 * 'table.exec.state.ttl'.
 *
 * Inputs: port 0 left, port 1 right; each insert-only or updating (+I/+U
 * add a row, -U/-D take an equal row out again).  Output: left row ++
 * right row as a changelog, following Flink's retraction rules with the
 * update kinds normalised to inserts and deletes:
 *   - a row added on one side: +I [l, r] for every partner (keys equal,
 *     residual TRUE); on an outer side with no partner: +I [l, NULL];
 *   - the first partner of an outer-side row that was padded: -D [l,
 *     NULL] then +I [l, r];
 *   - a row retracted: -D [l, r] for every partner; an outer-side partner
 *     left with none: +I [l, NULL] again; the row itself, when it was
 *     padded: -D [l, NULL].
 * An INNER join of two insert-only inputs emits only +I (its changelog
 * mode is [I] in EXPLAIN); every other join is [I,UB,UA,D] and needs a
 * sink that takes updates.  A NULL key matches nothing (outer: padded).
 * Output rows carry no time attribute; they are stamped with the input
 * row's watermark, and the output watermark is the minimum of the inputs.
 *
 * State: a JoinStore (join_store.h): every row of both sides per key,
 * with, for outer sides, the number of partners each row has.  A side
 * whose join key holds a unique key of its input (OpJoinDef.unique: a
 * PRIMARY KEY, the GROUP BY keys upstream) keeps one row per key: a
 * retraction takes that row without comparing values, and a new row
 * replaces it, retracting the old row's results first (an upsert stream
 * may send +U without -U).  TTL
 * (Flink semantics, processing time since the key was last written): a
 * key that has not been written for state_ttl_ms is forgotten with both
 * sides' rows - nothing is retracted, later rows of the key start afresh
 * - either when its next row arrives or by a bounded sweep on every push
 * and on a timer while keys are held.  Without a TTL the state grows with
 * the number of distinct rows (EXPLAIN says so).  Once one input has
 * ended (a bounded table read completely) and it is not an outer side,
 * rows of the other input are joined and not kept: the bounded side is
 * a hash table built once (a broadcast hash join).  Rows of the other
 * input that arrive before it has ended wait (copied, in order) and are
 * joined when it ends, so a LEFT join with a bounded table emits no
 * padded row that a later table row would retract.
 *
 * Checkpoints: the snapshot is the JoinStore (rows of both sides with
 * their partner counts and the keys' TTL times) and the probe rows still
 * waiting for the build side (kind, watermark and Values of each).
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

#define SWEEP_STEP 32u
#define SWEEP_TIMER_STEP 4096u
#define SWEEP_INTERVAL_MS 1000

typedef struct JState {
    const OpJoinDef *d;
    JoinStore js;
    Value *kregs[2];
    Value *rregs;
    Value *keyv;
    Value *tmp; /* left ++ right scratch for the residual */
    const RtType *key_types;
    const RtType *types[2]; /* column types of each input */
    uint32_t ncol[2];
    bool outer[2];
    uint64_t sweep_pos;
    int64_t ttl; /* state TTL in force (-1: none) */
    bool print_stats;
    size_t rows_at_end;
    bool end_seen;
    /* Broadcast hash join: the bounded side (-1: none) is read first;
     * rows of the other side wait in pend until it has ended. */
    int build;
    Batch pend;
    Arena pend_a;
    bool pend_used;
} JState;

static inline bool expired(const JState *st, const JoinKey *k, int64_t now)
{
    return st->ttl > 0 && now - k->last_ms >= st->ttl;
}

static void sweep(JState *st, uint32_t n, int64_t now)
{
    if (st->ttl <= 0 || join_store_keys(&st->js) == 0)
        return;
    while (n-- > 0) {
        JoinKey *k = join_store_next(&st->js, &st->sweep_pos);
        if (!k) {
            st->sweep_pos = 0;
            return;
        }
        if (expired(st, k, now))
            join_store_drop_all(&st->js, k);
    }
}

static int j_open(OpState *s)
{
    const OpJoinDef *d = &s->def->u.join;
    JState *st = ARENA_NEW(&s->a, JState);
    s->priv = st;
    st->d = d;
    const Program *p = op_run_ctx(s)->prog;
    for (int i = 0; i < 2; i++) {
        const OpDef *in = &p->ops[s->def->inputs[i]];
        st->ncol[i] = in->out.n_cols;
        RtType *t = ARENA_NEW_ARRAY(&s->a, RtType, in->out.n_cols + 1);
        for (uint32_t c = 0; c < in->out.n_cols; c++)
            t[c] = in->out.cols[c].type;
        st->types[i] = t;
    }
    st->outer[0] = d->type == OPJ_LEFT || d->type == OPJ_FULL;
    st->outer[1] = d->type == OPJ_RIGHT || d->type == OPJ_FULL;
    /* A bounded, inner side (a table read once) is a hash table kept
     * whole: the TTL does not apply (EXPLAIN says so). */
    st->ttl = d->state_ttl_ms;
    for (int i = 0; i < 2; i++) {
        const OpDef *in = &p->ops[s->def->inputs[i]];
        const OpDef *other = &p->ops[s->def->inputs[1 - i]];
        if (in->is_bounded && !other->is_bounded && !st->outer[i])
            st->ttl = -1;
    }
    uint32_t nk = d->k.n_keys;
    if (nk) {
        st->kregs[0] = code_regs_new(&s->a, d->k.left_keys);
        st->kregs[1] = code_regs_new(&s->a, d->k.right_keys);
        st->key_types = d->k.left_keys->result_types;
    }
    if (d->k.residual)
        st->rregs = code_regs_new(&s->a, d->k.residual);
    st->keyv = ARENA_NEW_ARRAY(&s->a, Value, nk + 1);
    st->tmp = ARENA_NEW_ARRAY(&s->a, Value, st->ncol[0] + st->ncol[1] + 1);
    join_store_init(&st->js, nk, st->key_types, &p->ops[s->def->inputs[0]].out,
                    &p->ops[s->def->inputs[1]].out);
    st->print_stats = join_stats_wanted(op_run_ctx(s)->prog);
    /* The build side of a broadcast hash join: a bounded input that is
     * not an outer side (INNER: the right one first). */
    st->build = -1;
    for (int i = 1; i >= 0 && st->build < 0; i--)
        if (p->ops[s->def->inputs[i]].is_bounded && !st->outer[i])
            st->build = i;
    return FSQL_OK;
}

/* Room for n more waiting probe rows of n_cols Values in st->pend. */
static void pend_reserve(JState *st, uint32_t n_cols, uint32_t n)
{
    Batch *b = &st->pend;
    if (!st->pend_used) {
        arena_init(&st->pend_a, 1 << 16);
        batch_init(b, n_cols, BATCH_ROWS, &st->pend_a);
        st->pend_used = true;
    }
    if (b->n_rows + n > b->cap) {
        uint32_t cap = b->cap;
        while (cap < b->n_rows + n)
            cap *= 2;
        b->rows = xrealloc(b->rows, sizeof(Value) * (size_t)cap * b->n_cols);
        b->kinds = xrealloc(b->kinds, cap);
        b->wm = xrealloc(b->wm, sizeof(int64_t) * cap);
        b->cap = cap;
    }
}

/* Keep the rows of in (the probe side, before the build side has ended)
 * until the build side is complete: Values copied, strings into pend_a. */
static void pend_rows(JState *st, const Batch *in)
{
    Batch *b = &st->pend;
    pend_reserve(st, in->n_cols, in->n_rows);
    for (uint32_t r = 0; r < in->n_rows; r++) {
        Value *o = batch_add(b, (RowKind)in->kinds[r], in->wm[r]);
        const Value *v = batch_row(in, r);
        for (uint32_t c = 0; c < in->n_cols; c++)
            value_copy_to(&st->pend_a, &o[c], &v[c]);
    }
}

/* Emit [l, r] (either may be NULL: padded) with kind k; stored values
 * are copied into the batch arena. */
static void emit(OpState *s, JState *st, RowKind kind, int64_t wm,
                 const Value *l, bool l_stored, const Value *r, bool r_stored)
{
    uint32_t nl = st->ncol[0], nr = st->ncol[1];
    Arena *a = job_batch_arena(s->job);
    Value *o = op_emit_row(s, kind, wm);
    if (!l) {
        for (uint32_t i = 0; i < nl; i++)
            o[i] = value_null(st->types[0][i].kind);
    } else if (l_stored) {
        join_store_out(o, l, nl, a);
    } else {
        memcpy(o, l, sizeof(Value) * nl);
    }
    if (!r) {
        for (uint32_t i = 0; i < nr; i++)
            o[nl + i] = value_null(st->types[1][i].kind);
    } else if (r_stored) {
        join_store_out(o + nl, r, nr, a);
    } else {
        memcpy(o + nl, r, sizeof(Value) * nr);
    }
}

/* Do the row of side `side` and the stored row o (other side) match? */
static bool matches(OpState *s, JState *st, uint8_t side, const Value *row,
                    const JoinRow *o, bool *ok)
{
    *ok = true;
    if (!st->d->k.residual)
        return true;
    uint32_t nl = st->ncol[0], nr = st->ncol[1];
    const Value *ov = join_row_values(o);
    if (side == 0) {
        memcpy(st->tmp, row, sizeof(Value) * nl);
        memcpy(st->tmp + nl, ov, sizeof(Value) * nr);
    } else {
        memcpy(st->tmp, ov, sizeof(Value) * nl);
        memcpy(st->tmp + nl, row, sizeof(Value) * nr);
    }
    bool keep;
    if (!vm_eval_filter(st->d->k.residual, st->rregs, st->tmp, &keep, &s->vm)) {
        *ok = false;
        return false;
    }
    return keep;
}

/* Has side `other` ended for good, so that rows of the opposite side
 * need not be kept?  Only when it is not an outer side: an outer side's
 * rows keep partner counts that later rows change.  (A bounded table
 * joined with a stream: its rows are a hash table built once, the
 * stream's rows pass through once it has been read.) */
static bool final_side(const OpState *s, const JState *st, uint8_t other)
{
    if (st->pend_used && st->pend.n_rows > 0 && (int)other != st->build)
        return false; /* its rows wait for the build side: not joined yet */
    return s->ended[other] && !st->outer[other] && st->ttl <= 0;
}

/* Take the stored row `mine` out of key k, retracting what it produced:
 * -D [mine, o] for every partner o (an outer partner left with none is
 * padded again), or its own padding when it had no partner.  The key
 * entry stays (the caller drops it when empty).  in/r: the row being
 * processed, for error context. */
static int retract_row(OpState *s, JState *st, JoinKey *k, JoinRow *mine,
                       int64_t wm, const Batch *in, uint32_t r)
{
    uint8_t side = mine->side, other = (uint8_t)(1 - side);
    const Value *mv = join_row_values(mine);
    for (JoinRow *o = k->head[other]; o; o = o->next) {
        bool ok;
        if (!matches(s, st, side, mv, o, &ok)) {
            if (!ok)
                return op_fail_eval(s, in, r);
            continue;
        }
        const Value *ov = join_row_values(o);
        if (side == 0)
            emit(s, st, ROW_DELETE, wm, mv, true, ov, true);
        else
            emit(s, st, ROW_DELETE, wm, ov, true, mv, true);
        o->n_match--;
        if (st->outer[other] && o->n_match == 0)
            emit(s, st, ROW_INSERT, wm, side == 1 ? ov : NULL, true,
                 side == 0 ? ov : NULL, true);
    }
    if (mine->n_match == 0 && st->outer[side])
        emit(s, st, ROW_DELETE, wm, side == 0 ? mv : NULL, true,
             side == 1 ? mv : NULL, true);
    join_store_remove(&st->js, mine);
    return FSQL_OK;
}

static int process_row(OpState *s, JState *st, const Batch *in, uint32_t r,
                       uint8_t side, int64_t now)
{
    const OpJoinDef *d = st->d;
    const Value *row = batch_row(in, r);
    uint8_t other = (uint8_t)(1 - side);
    RowKind kind = (RowKind)in->kinds[r];
    bool is_add = kind == ROW_INSERT || kind == ROW_UPDATE_AFTER;
    int64_t wm = in->wm[r];
    uint32_t nk = d->k.n_keys;
    bool has_null = false;
    if (nk) {
        const Code *kc = side == 0 ? d->k.left_keys : d->k.right_keys;
        if (!vm_eval_into(kc, st->kregs[side], row, st->keyv, &s->vm))
            return op_fail_eval(s, in, r);
        for (uint32_t i = 0; i < nk; i++)
            has_null |= st->keyv[i].is_null;
    }
    const Value *lp = side == 0 ? row : NULL;
    const Value *rp = side == 1 ? row : NULL;
    if (has_null) {
        if (st->outer[side])
            emit(s, st, is_add ? ROW_INSERT : ROW_DELETE, wm, lp, false, rp,
                 false);
        return FSQL_OK;
    }
    uint64_t h = join_store_hash(&st->js, st->keyv);
    JoinKey *k = join_store_find(&st->js, st->keyv, h);
    if (k && expired(st, k, now)) {
        join_store_drop_all(&st->js, k);
        k = NULL;
    }
    if (is_add) {
        if (!k)
            k = join_store_insert(&st->js, st->keyv, h);
        k->last_ms = now;
        if (st->d->unique[side] && k->head[side]) {
            /* A unique side holds one row per key: the new row replaces
             * the stored one (an upsert without its -U, or a duplicate
             * of a PRIMARY KEY NOT ENFORCED), whose results go first. */
            int rc = retract_row(s, st, k, k->head[side], wm, in, r);
            if (rc < 0)
                return rc;
        }
        int64_t n = 0;
        for (JoinRow *o = k->head[other]; o; o = o->next) {
            bool ok;
            if (!matches(s, st, side, row, o, &ok)) {
                if (!ok)
                    return op_fail_eval(s, in, r);
                continue;
            }
            const Value *ov = join_row_values(o);
            if (st->outer[other] && o->n_match == 0)
                emit(s, st, ROW_DELETE, wm, side == 1 ? ov : NULL, true,
                     side == 0 ? ov : NULL, true);
            o->n_match++;
            n++;
            if (side == 0)
                emit(s, st, ROW_INSERT, wm, row, false, ov, true);
            else
                emit(s, st, ROW_INSERT, wm, ov, true, row, false);
        }
        if (n == 0 && st->outer[side])
            emit(s, st, ROW_INSERT, wm, lp, false, rp, false);
        if (final_side(s, st, other)) {
            /* the other side has ended: nothing can join this row later */
            if (k->n[0] == 0 && k->n[1] == 0)
                join_store_drop_key(&st->js, k);
            return FSQL_OK;
        }
        JoinRow *jr = join_store_add(&st->js, k, side, row);
        jr->n_match = n;
        return FSQL_OK;
    }
    /* a retraction: take one equal row out */
    if (!k)
        return FSQL_OK; /* never seen, or forgotten by the TTL */
    /* one row per key on a unique side: the stored one is the row */
    JoinRow *mine =
        st->d->unique[side]
            ? k->head[side]
            : join_store_find_row(&st->js, k, side, row, st->types[side]);
    if (!mine && final_side(s, st, other)) {
        /* not kept (arrived after the other side ended): retract its
         * results as they were computed */
        int64_t n = 0;
        for (JoinRow *o = k->head[other]; o; o = o->next) {
            bool ok;
            if (!matches(s, st, side, row, o, &ok)) {
                if (!ok)
                    return op_fail_eval(s, in, r);
                continue;
            }
            const Value *ov = join_row_values(o);
            n++;
            if (side == 0)
                emit(s, st, ROW_DELETE, wm, row, false, ov, true);
            else
                emit(s, st, ROW_DELETE, wm, ov, true, row, false);
        }
        if (n == 0 && st->outer[side])
            emit(s, st, ROW_DELETE, wm, lp, false, rp, false);
        return FSQL_OK;
    }
    if (!mine)
        return FSQL_OK;
    k->last_ms = now;
    int rc = retract_row(s, st, k, mine, wm, in, r);
    if (rc < 0)
        return rc;
    if (k->n[0] == 0 && k->n[1] == 0)
        join_store_drop_key(&st->js, k);
    return FSQL_OK;
}

static int j_push(OpState *s, Batch *in, uint32_t port)
{
    JState *st = s->priv;
    int64_t now = job_now_wall_ms();
    s->vm.now_ms = now;
    uint8_t side = port == 0 ? 0 : 1;
    if (st->build >= 0 && side != st->build && !s->ended[st->build]) {
        pend_rows(st, in);
        return FSQL_OK;
    }
    for (uint32_t r = 0; r < in->n_rows; r++) {
        int rc = process_row(s, st, in, r, side, now);
        if (rc < 0)
            return rc;
    }
    if (st->ttl > 0) {
        sweep(st, SWEEP_STEP, now);
        if (s->timer_ms == INT64_MAX)
            op_set_timer(s, job_now_mono_ms() + SWEEP_INTERVAL_MS);
    }
    return op_flush(s);
}

static int j_watermark(OpState *s, int64_t wm, uint32_t port)
{
    JState *st = s->priv;
    if (wm == WM_END && !st->end_seen) {
        st->end_seen = true;
        st->rows_at_end = join_store_rows(&st->js);
    }
    return op_default_watermark(s, wm, port);
}

static int j_timer(OpState *s, int64_t now_ms)
{
    JState *st = s->priv;
    (void)now_ms;
    sweep(st, SWEEP_TIMER_STEP, job_now_wall_ms());
    if (join_store_keys(&st->js) > 0 && !s->is_finished)
        op_set_timer(s, job_now_mono_ms() + SWEEP_INTERVAL_MS);
    return FSQL_OK;
}

static int j_finish(OpState *s, uint32_t port)
{
    JState *st = s->priv;
    if (st->build >= 0 && port == (uint32_t)st->build && !s->ended[port]) {
        /* The build side is complete: join the probe rows that waited. */
        s->ended[port] = true;
        s->n_ended++;
        if (st->pend_used && st->pend.n_rows) {
            int64_t now = job_now_wall_ms();
            uint8_t side = (uint8_t)(1 - st->build);
            for (uint32_t r = 0; r < st->pend.n_rows; r++) {
                int rc = process_row(s, st, &st->pend, r, side, now);
                if (rc < 0)
                    return rc;
            }
            st->pend.n_rows = 0;
            int rc = op_flush(s);
            if (rc < 0)
                return rc;
        }
        s->ended[port] = false;
        s->n_ended--;
    }
    int rc = op_default_finish(s, port);
    if (s->is_finished)
        op_set_timer(s, INT64_MAX);
    return rc;
}

static void j_close(OpState *s)
{
    JState *st = s->priv;
    if (!st)
        return;
    if (st->print_stats) {
        const RunCtx *ctx = op_run_ctx(s);
        fprintf(ctx->err_out ? ctx->err_out : stderr,
                "Join#%u: rows held at end of input %zu (left %zu, right "
                "%zu), peak %zu, keys %zu\n",
                s->def->plan_id, st->end_seen ? st->rows_at_end : (size_t)0,
                st->js.n_rows[0], st->js.n_rows[1], st->js.peak_rows,
                join_store_keys(&st->js));
    }
    const OpJoinDef *d = st->d;
    if (st->pend_used) {
        batch_fini(&st->pend);
        arena_fini(&st->pend_a);
    }
    if (st->kregs[0])
        code_regs_fini(d->k.left_keys, st->kregs[0]);
    if (st->kregs[1])
        code_regs_fini(d->k.right_keys, st->kregs[1]);
    if (st->rregs)
        code_regs_fini(d->k.residual, st->rregs);
    join_store_fini(&st->js);
}

/* ---- checkpoints ----------------------------------------------------------- */

#define J_SNAP_VERSION 1u

static int j_snapshot(OpState *s, SnapWriter *w)
{
    JState *st = s->priv;
    snap_put_u32(w, J_SNAP_VERSION);
    snap_put_bool(w, st->end_seen);
    snap_put_u64(w, st->rows_at_end);
    join_store_snapshot(&st->js, w);
    uint32_t n = st->pend_used ? st->pend.n_rows : 0;
    snap_put_u32(w, n);
    snap_put_u32(w, n ? st->pend.n_cols : 0);
    for (uint32_t r = 0; r < n; r++) {
        snap_put_u8(w, st->pend.kinds[r]);
        snap_put_i64(w, st->pend.wm[r]);
        snap_put_values(w, batch_row(&st->pend, r), st->pend.n_cols);
    }
    return FSQL_OK;
}

static int j_restore(OpState *s, SnapReader *r)
{
    JState *st = s->priv;
    uint32_t ver = snap_get_u32(r);
    if (ver != J_SNAP_VERSION)
        return op_fail(s, FSQL_E_STATE,
                       "Join#%u: cannot restore state of layout version %u",
                       s->def->plan_id, ver);
    st->end_seen = snap_get_bool(r);
    st->rows_at_end = (size_t)snap_get_u64(r);
    bool ok = join_store_restore(&st->js, r, NULL, NULL);
    uint32_t n = snap_get_u32(r);
    uint32_t n_cols = snap_get_u32(r);
    if (n > 0 && (st->build < 0 || n_cols != st->ncol[1 - st->build]))
        ok = false;
    /* each pending row takes at least 9 + 2 * n_cols bytes */
    if (ok && n > 0 &&
        (uint64_t)n * (9u + 2u * (uint64_t)n_cols) > (uint64_t)(r->end - r->p))
        ok = false;
    if (ok && n > 0) {
        const RtSchema *in =
            &op_run_ctx(s)->prog->ops[s->def->inputs[1 - st->build]].out;
        pend_reserve(st, n_cols, n);
        Value *tmp = xmalloc(sizeof(Value) * n_cols);
        for (uint32_t i = 0; i < n && !r->bad; i++) {
            uint8_t k8 = snap_get_u8(r);
            int64_t wm = snap_get_i64(r);
            snap_get_values(r, tmp, n_cols);
            snap_want_kinds(r, tmp, n_cols, in);
            if (k8 > ROW_DELETE)
                r->bad = true;
            if (r->bad)
                break;
            RowKind kind = (RowKind)k8;
            Value *o = batch_add(&st->pend, kind, wm);
            for (uint32_t c = 0; c < n_cols; c++)
                value_copy_to(&st->pend_a, &o[c], &tmp[c]);
        }
        xfree(tmp);
    }
    if (!ok || !snap_reader_done(r))
        return op_fail(s, FSQL_E_STATE,
                       "Join#%u: the checkpoint's join state is malformed or "
                       "belongs to another query",
                       s->def->plan_id);
    if (st->ttl > 0 && join_store_keys(&st->js) > 0)
        op_set_timer(s, job_now_mono_ms() + SWEEP_INTERVAL_MS);
    return FSQL_OK;
}

const OpVtbl op_join_vtbl = {
    .name = "Join",
    .open = j_open,
    .push = j_push,
    .watermark = j_watermark,
    .timer = j_timer,
    .finish = j_finish,
    .close = j_close,
    .snapshot = j_snapshot,
    .restore = j_restore,
};
