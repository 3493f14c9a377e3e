/*
 * op_temporal_join.c - TemporalJoin: an event-time join of a stream with
 * a versioned table (`JOIN rates FOR SYSTEM_TIME AS OF o.order_time ON
 * o.currency = r.currency`, where rates has a PRIMARY KEY and a
 * WATERMARK, e.g. an upsert-kafka topic), INNER or LEFT.
 *
 * Inputs: port 0 the probe stream (append-only), port 1 the versioned
 * table's changelog: +I/+U rows are new versions of their key valid from
 * their time column on; -U rows are ignored (the +U that follows is the
 * new version); -D ends the key's validity at the time the versioned
 * input has reached: the largest time read from it so far (a delete row
 * carries the deleted image, e.g. an upsert-kafka tombstone's -D has the
 * old version's time, which would delete the key retroactively).  A
 * version or delete at the same time as an earlier one of its key
 * replaces it (the later record wins).  An append-only input (a
 * filesystem table with PRIMARY KEY and WATERMARK) is a changelog of
 * +I versions.
 * Output: probe row ++ the version's columns, +I only.
 *
 * Timing: a probe row waits until the operator's watermark (the minimum
 * of both inputs) reaches its time, so that every version valid at that
 * time has arrived; it is then joined with the latest version whose time
 * is <= the row's time (no such version, or a deleted one: no match; a
 * LEFT join pads with NULLs).  Rows are emitted in the order of their
 * time.  A late probe row (time at or below the watermark) is joined at
 * once with the versions still held.  The output watermark is the
 * minimum of the inputs.
 *
 * State: a JoinStore (join_store.h) per key: the waiting probe rows and
 * the versions, sorted by time; a min-heap of waiting probe rows by time.
 * Versions older than the one valid at the watermark are dropped when
 * their key is touched, so each key keeps one version plus the ones
 * newer than the watermark.
 *
 * Checkpoints: the snapshot is the JoinStore (waiting probe rows and the
 * versions with their times and delete flags, in time order) and the
 * output watermark stamp; the heap of waiting rows is rebuilt.
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

#define F_DELETED 0x1u

typedef struct TjState {
    const OpTemporalJoinDef *d;
    JoinStore js;
    Value *kregs[2];
    Value *rregs;
    Value *keyv;
    uint32_t ncol[2];
    const RtType *rtypes;
    JoinHeap heap; /* waiting probe rows by time */
    int64_t out_wm;
    int64_t right_max; /* largest time read from the versioned input */
} TjState;

static int tj_open(OpState *s)
{
    const OpTemporalJoinDef *d = &s->def->u.tjoin;
    TjState *st = ARENA_NEW(&s->a, TjState);
    s->priv = st;
    st->d = d;
    const Program *p = op_run_ctx(s)->prog;
    st->ncol[0] = p->ops[s->def->inputs[0]].out.n_cols;
    st->ncol[1] = p->ops[s->def->inputs[1]].out.n_cols;
    RtType *rt = ARENA_NEW_ARRAY(&s->a, RtType, st->ncol[1] + 1);
    for (uint32_t i = 0; i < st->ncol[1]; i++)
        rt[i] = p->ops[s->def->inputs[1]].out.cols[i].type;
    st->rtypes = rt;
    uint32_t nk = d->k.n_keys;
    if (nk) {
        st->kregs[0] = code_regs_new(&s->a, d->k.left_keys);
        st->kregs[1] = code_regs_new(&s->a, d->k.right_keys);
    }
    if (d->k.residual)
        st->rregs = code_regs_new(&s->a, d->k.residual);
    st->keyv = ARENA_NEW_ARRAY(&s->a, Value, nk + 1);
    st->out_wm = WM_NONE;
    st->right_max = INT64_MIN;
    join_store_init(&st->js, nk, nk ? d->k.left_keys->result_types : NULL,
                    &p->ops[s->def->inputs[0]].out,
                    &p->ops[s->def->inputs[1]].out);
    return FSQL_OK;
}

static int64_t op_wm(const OpState *s)
{
    return s->wm_in[0] < s->wm_in[1] ? s->wm_in[0] : s->wm_in[1];
}

/* The time up to which versions may be pruned: the watermark, but not
 * past the earliest probe row still waiting (it needs the version valid
 * at its own time). */
static int64_t prune_time(const OpState *s, const TjState *st)
{
    int64_t wm = op_wm(s);
    if (st->heap.n > 0 && join_heap_min(&st->heap) < wm)
        return join_heap_min(&st->heap);
    return wm;
}

/* Drop versions of k older than the one valid at wm. */
static void prune(TjState *st, JoinKey *k, int64_t wm)
{
    JoinRow *valid = NULL;
    for (JoinRow *v = k->head[1]; v && v->time <= wm; v = v->next)
        valid = v;
    if (!valid)
        return;
    while (k->head[1] != valid)
        join_store_remove(&st->js, k->head[1]);
    if ((valid->flags & F_DELETED) && !valid->next) {
        join_store_remove(&st->js, valid);
    }
}

/* Join probe values l (stored or borrowed) at time t under key k. */
static int join_one(OpState *s, TjState *st, JoinKey *k, const Value *l,
                    bool stored, int64_t t)
{
    uint32_t nl = st->ncol[0], nr = st->ncol[1];
    JoinRow *ver = NULL;
    if (k)
        for (JoinRow *v = k->head[1]; v && v->time <= t; v = v->next)
            ver = v;
    Arena *a = job_batch_arena(s->job);
    if (ver && !(ver->flags & F_DELETED)) {
        Value *o = op_emit_row(s, ROW_INSERT, st->out_wm);
        if (stored)
            join_store_out(o, l, nl, a);
        else
            memcpy(o, l, sizeof(Value) * nl);
        join_store_out(o + nl, join_row_values(ver), nr, a);
        bool keep = true;
        if (st->d->k.residual &&
            !vm_eval_filter(st->d->k.residual, st->rregs, o, &keep, &s->vm))
            return op_fail(s, FSQL_E_EVAL, "TemporalJoin#%u: %s",
                           s->def->plan_id, s->vm.err_msg);
        if (keep)
            return FSQL_OK;
        s->out.n_rows--;
    }
    if (st->d->type == OPJ_LEFT) {
        Value *o = op_emit_row(s, ROW_INSERT, st->out_wm);
        if (stored)
            join_store_out(o, l, nl, a);
        else
            memcpy(o, l, sizeof(Value) * nl);
        for (uint32_t i = 0; i < nr; i++)
            o[nl + i] = value_null(st->rtypes[i].kind);
    }
    return FSQL_OK;
}

/* Emit the waiting probe rows whose time the watermark has reached. */
static int fire(OpState *s, TjState *st)
{
    int64_t wm = op_wm(s);
    while (st->heap.n > 0 && join_heap_min(&st->heap) <= wm) {
        JoinRow *r = join_heap_pop(&st->heap);
        JoinKey *k = r->key;
        int rc = join_one(s, st, k, join_row_values(r), true, r->time);
        join_store_remove(&st->js, r);
        if (rc < 0)
            return rc;
        prune(st, k, prune_time(s, st));
        if (k->n[0] == 0 && k->n[1] == 0)
            join_store_drop_key(&st->js, k);
    }
    if (wm > st->out_wm)
        st->out_wm = wm;
    return FSQL_OK;
}

static int eval_key(OpState *s, TjState *st, uint8_t side, const Batch *in,
                    uint32_t r, bool *has_null)
{
    *has_null = false;
    uint32_t nk = st->d->k.n_keys;
    const Code *kc = side == 0 ? st->d->k.left_keys : st->d->k.right_keys;
    if (nk &&
        !vm_eval_into(kc, st->kregs[side], batch_row(in, r), st->keyv, &s->vm))
        return op_fail_eval(s, in, r);
    for (uint32_t i = 0; i < nk; i++)
        *has_null |= st->keyv[i].is_null;
    return FSQL_OK;
}

static int probe(OpState *s, TjState *st, const Batch *in, uint32_t r)
{
    const Value *row = batch_row(in, r);
    bool hn;
    int rc = eval_key(s, st, 0, in, r, &hn);
    if (rc < 0)
        return rc;
    const Value *tv = &row[st->d->left_time_col];
    if (hn || tv->is_null)
        return join_one(s, st, NULL, row, false, 0);
    uint64_t h = join_store_hash(&st->js, st->keyv);
    if (tv->u.i <= op_wm(s))
        return join_one(s, st, join_store_find(&st->js, st->keyv, h), row,
                        false, tv->u.i);
    JoinKey *k = join_store_get(&st->js, st->keyv, h);
    JoinRow *jr = join_store_add(&st->js, k, 0, row);
    jr->time = tv->u.i;
    join_heap_push(&st->heap, jr);
    return FSQL_OK;
}

static int version(OpState *s, TjState *st, const Batch *in, uint32_t r)
{
    const Value *row = batch_row(in, r);
    RowKind kind = (RowKind)in->kinds[r];
    if (kind == ROW_UPDATE_BEFORE)
        return FSQL_OK;
    bool hn;
    int rc = eval_key(s, st, 1, in, r, &hn);
    if (rc < 0)
        return rc;
    if (hn)
        return FSQL_OK;
    uint64_t h = join_store_hash(&st->js, st->keyv);
    JoinKey *k = join_store_get(&st->js, st->keyv, h);
    const Value *tv = &row[st->d->right_time_col];
    if (!tv->is_null && tv->u.i > st->right_max)
        st->right_max = tv->u.i;
    int64_t t;
    if (kind == ROW_DELETE && st->right_max != INT64_MIN)
        t = st->right_max;
    else if (!tv->is_null)
        t = tv->u.i;
    else if (k->tail[1])
        t = k->tail[1]->time;
    else
        t = s->wm_in[1] == WM_NONE ? INT64_MIN + 1 : s->wm_in[1];
    JoinRow *v = join_store_add(&st->js, k, 1, row);
    v->time = t;
    if (kind == ROW_DELETE)
        v->flags = F_DELETED;
    /* keep the versions sorted by time (usually already the last) */
    while (v->prev && v->prev->time > t) {
        JoinRow *p = v->prev;
        /* swap v before p */
        JoinRow *pp = p->prev, *vn = v->next;
        if (pp)
            pp->next = v;
        else
            k->head[1] = v;
        v->prev = pp;
        v->next = p;
        p->prev = v;
        p->next = vn;
        if (vn)
            vn->prev = p;
        else
            k->tail[1] = p;
    }
    /* a version at the same time replaces the earlier one */
    if (v->prev && v->prev->time == t)
        join_store_remove(&st->js, v->prev);
    prune(st, k, prune_time(s, st));
    if (k->n[0] == 0 && k->n[1] == 0)
        join_store_drop_key(&st->js, k);
    return FSQL_OK;
}

static int tj_push(OpState *s, Batch *in, uint32_t port)
{
    TjState *st = s->priv;
    s->vm.now_ms = job_now_wall_ms();
    uint8_t side = port == 0 ? 0 : 1;
    for (uint32_t r = 0; r < in->n_rows; r++) {
        if (in->wm[r] > s->wm_in[side]) {
            s->wm_in[side] = in->wm[r];
            int rc = fire(s, st);
            if (rc < 0)
                return rc;
        }
        int rc = side == 0 ? probe(s, st, in, r) : version(s, st, in, r);
        if (rc < 0)
            return rc;
    }
    return op_flush(s);
}

static int tj_watermark(OpState *s, int64_t wm, uint32_t port)
{
    TjState *st = s->priv;
    if (port < 2 && wm > s->wm_in[port])
        s->wm_in[port] = wm;
    int rc = fire(s, st);
    if (rc < 0)
        return rc;
    return op_emit_watermark(s, op_wm(s));
}

static void tj_close(OpState *s)
{
    TjState *st = s->priv;
    if (!st)
        return;
    const OpTemporalJoinDef *d = st->d;
    if (join_stats_wanted(op_run_ctx(s)->prog)) {
        const RunCtx *ctx = op_run_ctx(s);
        fprintf(ctx->err_out ? ctx->err_out : stderr,
                "TemporalJoin#%u: probe rows waiting %zu, versions held %zu, "
                "peak rows %zu\n",
                s->def->plan_id, st->js.n_rows[0], st->js.n_rows[1],
                st->js.peak_rows);
    }
    if (st->kregs[0])
        code_regs_fini(d->k.left_keys, st->kregs[0]);
    if (st->kregs[1])
        code_regs_fini(d->k.right_keys, st->kregs[1]);
    if (st->rregs)
        code_regs_fini(d->k.residual, st->rregs);
    join_heap_fini(&st->heap);
    join_store_fini(&st->js);
}

/* ---- checkpoints ----------------------------------------------------------- */

#define TJ_SNAP_VERSION 1u

static int tj_snapshot(OpState *s, SnapWriter *w)
{
    TjState *st = s->priv;
    snap_put_u32(w, TJ_SNAP_VERSION);
    snap_put_i64(w, st->out_wm);
    snap_put_i64(w, st->right_max);
    join_store_snapshot(&st->js, w);
    return FSQL_OK;
}

static void heap_row(void *arg, JoinRow *r)
{
    TjState *st = arg;
    if (r->side == 0)
        join_heap_push(&st->heap, r);
}

static int tj_restore(OpState *s, SnapReader *r)
{
    TjState *st = s->priv;
    uint32_t ver = snap_get_u32(r);
    if (ver != TJ_SNAP_VERSION)
        return op_fail(s, FSQL_E_STATE,
                       "TemporalJoin#%u: cannot restore state of layout "
                       "version %u",
                       s->def->plan_id, ver);
    st->out_wm = snap_get_i64(r);
    st->right_max = snap_get_i64(r);
    if (!join_store_restore(&st->js, r, heap_row, st) || !snap_reader_done(r))
        return op_fail(s, FSQL_E_STATE,
                       "TemporalJoin#%u: the checkpoint's join state is "
                       "malformed or belongs to another query",
                       s->def->plan_id);
    return FSQL_OK;
}

const OpVtbl op_temporal_join_vtbl = {
    .name = "TemporalJoin",
    .open = tj_open,
    .push = tj_push,
    .watermark = tj_watermark,
    .close = tj_close,
    .snapshot = tj_snapshot,
    .restore = tj_restore,
};
