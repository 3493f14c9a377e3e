/*
 * op_group_agg.c - GroupAggregate: unbounded GROUP BY (and SELECT
 * DISTINCT) with an updating result.
 *
 * Input: one port, insert-only or updating (+I/+U add a row to its group,
 * -U/-D take it out again).  Output: keys ++ one column per aggregate, as
 * a changelog: the first result of a group is +I; a changed result is the
 * pair -U (the previous result) +U (the new one); a group whose last row
 * was retracted is -D (its previous result) and is forgotten.  A row that
 * leaves the result unchanged emits nothing.  SELECT DISTINCT (no
 * aggregates): +I when a key first appears, -D when its count drops to 0.
 * Rows are emitted as they are processed; the output watermark is the
 * input's (results carry no event time).
 *
 * State: one entry per group in a StateTable (runtime/state.h, key groups
 * by hash % 128): the key Values (strings in the operator's StrPool), the
 * number of rows in the group, the last access time and the accumulator
 * block (runtime/aggset.h).  With an insert-only input the accumulators
 * run append-only (MIN/MAX keep one value).
 *
 * TTL ('table.exec.state.ttl', Flink semantics: processing time since the
 * key was last written): an expired key is treated as absent when its
 * next row arrives (its state is freed and the group starts again with
 * +I, nothing is retracted), and a sweep frees expired keys that get no
 * more rows: every push and a timer while keys are held each look at a
 * bounded number of entries (SWEEP_STEP / SWEEP_TIMER_STEP), resuming
 * where the previous sweep stopped.
 *
 * Checkpoints: every group's key, row count, last write time and
 * accumulators (layout at gagg_snapshot); the previous result that a
 * -U carries is recomputed from the accumulators.
 */
#include "runtime/fsql.h"
#include "runtime/aggset.h"
#include "runtime/checkpoint.h"
#include "runtime/job.h"
#include "runtime/op.h"
#include "runtime/state.h"
#include "runtime/value_ops.h"

#include <string.h>

#define SWEEP_STEP 32u
#define SWEEP_TIMER_STEP 4096u
#define SWEEP_INTERVAL_MS 1000

typedef struct GroupEntry {
    int64_t last_ms; /* wall clock of the last write (TTL) */
    int64_t n_rows;  /* rows in the group (adds - retractions) */
    /* then the key Values (keys_off) and accumulators (block_off) */
} GroupEntry;

typedef struct GaggState {
    const OpGroupAggDef *d;
    AggSet aggs;
    StrPool *pool;
    StateTable *table;
    uint32_t keys_off, block_off;
    const RtType *key_types;
    Value *kregs, *aregs;
    Value *keyv, *argv;
    Value *oldv, *newv; /* results before / after the row */
    uint64_t sweep_pos; /* where the TTL sweep resumes */
} GaggState;

typedef struct GKeyCtx {
    const GaggState *st;
    const Value *keys;
} GKeyCtx;

static inline Value *g_keys(const GaggState *st, void *e)
{
    return (Value *)((char *)e + st->keys_off);
}

static inline void *g_block(const GaggState *st, void *e)
{
    return (char *)e + st->block_off;
}

static bool g_eq(const void *entry, const void *ctx)
{
    const GKeyCtx *k = ctx;
    const Value *a = g_keys(k->st, (void *)entry);
    for (uint32_t i = 0; i < k->st->d->n_keys; i++)
        if (!value_equal(&a[i], &k->keys[i], &k->st->key_types[i]))
            return false;
    return true;
}

static inline uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static uint64_t g_hash(const GaggState *st, const Value *keys)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL;
    for (uint32_t i = 0; i < st->d->n_keys; i++)
        h = mix64(h ^ value_hash(&keys[i], &st->key_types[i]));
    return h;
}

static void g_free(GaggState *st, GroupEntry *e)
{
    aggset_fini(&st->aggs, g_block(st, e));
    for (uint32_t i = 0; i < st->d->n_keys; i++)
        value_unkeep(st->pool, &g_keys(st, e)[i]);
    state_table_delete(st->table, e);
}

static inline bool expired(const GaggState *st, const GroupEntry *e,
                           int64_t now)
{
    return st->d->state_ttl_ms > 0 && now - e->last_ms >= st->d->state_ttl_ms;
}

/* Free up to n expired entries' worth of the table, resuming the scan. */
static void sweep(GaggState *st, uint32_t n, int64_t now)
{
    if (st->d->state_ttl_ms <= 0 || state_table_count(st->table) == 0)
        return;
    while (n-- > 0) {
        GroupEntry *e = state_table_next(st->table, &st->sweep_pos);
        if (!e) {
            st->sweep_pos = 0;
            return;
        }
        if (expired(st, e, now))
            g_free(st, e);
    }
}

static int gagg_open(OpState *s)
{
    GaggState *st = ARENA_NEW(&s->a, GaggState);
    s->priv = st;
    const OpGroupAggDef *d = &s->def->u.gagg;
    st->d = d;
    st->pool = strpool_new();
    char err[200];
    if (!aggset_init(&st->aggs, &s->a, d->aggs, d->n_aggs, st->pool, err,
                     sizeof err))
        return op_fail(s, FSQL_E_INTERNAL, "%s", err);
    st->keys_off = (uint32_t)((sizeof(GroupEntry) + 15) & ~(size_t)15);
    st->block_off =
        (st->keys_off + (uint32_t)sizeof(Value) * d->n_keys + 15u) & ~15u;
    st->table = state_table_new(st->block_off + st->aggs.state_size);
    if (d->keys) {
        st->kregs = code_regs_new(&s->a, d->keys);
        st->key_types = d->keys->result_types;
    }
    if (d->args)
        st->aregs = code_regs_new(&s->a, d->args);
    st->keyv = ARENA_NEW_ARRAY(&s->a, Value, d->n_keys + 1);
    st->argv =
        ARENA_NEW_ARRAY(&s->a, Value, (d->args ? d->args->n_results : 0) + 1);
    st->oldv = ARENA_NEW_ARRAY(&s->a, Value, d->n_aggs + 1);
    st->newv = ARENA_NEW_ARRAY(&s->a, Value, d->n_aggs + 1);
    return FSQL_OK;
}

static void emit(OpState *s, GaggState *st, RowKind k, const Value *keys,
                 const Value *res, int64_t wm)
{
    Arena *a = job_batch_arena(s->job);
    uint32_t nk = st->d->n_keys;
    Value *o = op_emit_row(s, k, wm);
    for (uint32_t i = 0; i < nk; i++)
        value_copy_to(a, &o[i], &keys[i]);
    if (st->d->n_aggs)
        memcpy(o + nk, res, sizeof(Value) * st->d->n_aggs);
}

static bool results_equal(const OpState *s, const GaggState *st)
{
    const RtSchema *out = &s->def->out;
    for (uint32_t i = 0; i < st->d->n_aggs; i++)
        if (!value_equal(&st->oldv[i], &st->newv[i],
                         &out->cols[st->d->n_keys + i].type))
            return false;
    return true;
}

static int gagg_fail(OpState *s, const Batch *in, uint32_t r)
{
    VmCtx saved = s->vm;
    op_flush(s);
    s->vm = saved;
    return op_fail_eval(s, in, r);
}

static int gagg_push(OpState *s, Batch *in, uint32_t port)
{
    GaggState *st = s->priv;
    const OpGroupAggDef *d = st->d;
    VmCtx *x = &s->vm;
    Arena *a = job_batch_arena(s->job);
    int64_t now = job_now_wall_ms();
    (void)port;
    x->now_ms = now;
    for (uint32_t r = 0; r < in->n_rows; r++) {
        const Value *row = batch_row(in, r);
        RowKind kind = (RowKind)in->kinds[r];
        bool is_add = kind == ROW_INSERT || kind == ROW_UPDATE_AFTER;
        if (d->keys && !vm_eval_into(d->keys, st->kregs, row, st->keyv, x))
            return gagg_fail(s, in, r);
        if (d->args && !vm_eval_into(d->args, st->aregs, row, st->argv, x))
            return gagg_fail(s, in, r);
        uint64_t h = g_hash(st, st->keyv);
        GKeyCtx kc = {st, st->keyv};
        GroupEntry *e = state_table_find(st->table, h, g_eq, &kc);
        if (e && expired(st, e, now)) {
            g_free(st, e);
            e = NULL;
        }
        if (!e && !is_add)
            continue; /* retraction of a group we do not hold (expired) */
        bool is_new = e == NULL;
        if (is_new) {
            e = state_table_insert(st->table, h);
            for (uint32_t i = 0; i < d->n_keys; i++)
                value_keep(st->pool, &g_keys(st, e)[i], &st->keyv[i]);
            aggset_start(&st->aggs, g_block(st, e), !d->is_input_updating);
        } else if (d->n_aggs) {
            aggset_final(&st->aggs, g_block(st, e), st->oldv, a);
        }
        e->last_ms = now;
        void *blk = g_block(st, e);
        if (is_add) {
            aggset_step(&st->aggs, blk, st->argv);
            e->n_rows++;
        } else {
            aggset_inverse(&st->aggs, blk, st->argv);
            e->n_rows--;
        }
        int64_t wm = in->wm[r];
        if (e->n_rows <= 0) {
            /* the group is empty: retract its last result */
            emit(s, st, ROW_DELETE, g_keys(st, e), st->oldv, wm);
            g_free(st, e);
            continue;
        }
        if (is_new) {
            if (d->n_aggs)
                aggset_final(&st->aggs, blk, st->newv, a);
            emit(s, st, ROW_INSERT, g_keys(st, e), st->newv, wm);
            continue;
        }
        if (d->n_aggs == 0)
            continue; /* DISTINCT: the key is already out */
        aggset_final(&st->aggs, blk, st->newv, a);
        if (results_equal(s, st))
            continue;
        emit(s, st, ROW_UPDATE_BEFORE, g_keys(st, e), st->oldv, wm);
        emit(s, st, ROW_UPDATE_AFTER, g_keys(st, e), st->newv, wm);
    }
    if (d->state_ttl_ms > 0) {
        sweep(st, SWEEP_STEP, now);
        if (s->timer_ms == INT64_MAX)
            op_set_timer(s, job_now_mono_ms() + SWEEP_INTERVAL_MS);
    }
    return op_flush(s);
}

static int gagg_timer(OpState *s, int64_t now_ms)
{
    GaggState *st = s->priv;
    (void)now_ms;
    sweep(st, SWEEP_TIMER_STEP, job_now_wall_ms());
    if (state_table_count(st->table) > 0 && !s->is_finished)
        op_set_timer(s, job_now_mono_ms() + SWEEP_INTERVAL_MS);
    return FSQL_OK;
}

static int gagg_finish(OpState *s, uint32_t port)
{
    op_set_timer(s, INT64_MAX);
    return op_default_finish(s, port);
}

static void gagg_close(OpState *s)
{
    GaggState *st = s->priv;
    if (!st)
        return;
    /* Teardown: the pool goes right after, so key strings are not
     * unreferenced one by one, and the groups are visited only when
     * their aggregate states hold memory of their own (DISTINCT sets,
     * deques: agg_fini_teardown). */
    if (st->table) {
        uint64_t pos = 0;
        void *e;
        if (aggset_teardown_needed(&st->aggs))
            while ((e = state_table_next(st->table, &pos)) != NULL)
                aggset_fini_teardown(&st->aggs, g_block(st, e));
        state_table_free(st->table);
    }
    if (st->pool)
        strpool_free(st->pool);
}

/* ---- checkpoints --------------------------------------------------------- */

/* Blob layout (GAGG_SNAP_VERSION): u32 version, u32 AGG_SNAP_VERSION,
 * u64 n_groups, then per group: i64 last_ms (wall clock of the last
 * write, for TTL), i64 n_rows, the key Values, the accumulator block
 * (aggset_snapshot).  The last result emitted for a group (what the next
 * -U carries) is not stored: it is the accumulators' current result. */
#define GAGG_SNAP_VERSION 1u

static int gagg_snapshot(OpState *s, SnapWriter *w)
{
    GaggState *st = s->priv;
    snap_put_u32(w, GAGG_SNAP_VERSION);
    snap_put_u32(w, AGG_SNAP_VERSION);
    snap_put_u64(w, state_table_count(st->table));
    uint64_t pos = 0;
    GroupEntry *e;
    while ((e = state_table_next(st->table, &pos)) != NULL) {
        snap_put_i64(w, e->last_ms);
        snap_put_i64(w, e->n_rows);
        snap_put_values(w, g_keys(st, e), st->d->n_keys);
        aggset_snapshot(&st->aggs, g_block(st, e), w);
    }
    return FSQL_OK;
}

static int gagg_restore_fail(OpState *s, const char *what)
{
    return op_fail(s, FSQL_E_STATE,
                   "checkpoint state of GroupAggregate#%u is damaged (%s)",
                   s->def->plan_id, what);
}

static int gagg_restore(OpState *s, SnapReader *r)
{
    GaggState *st = s->priv;
    const OpGroupAggDef *d = st->d;
    uint32_t ver = snap_get_u32(r), aver = snap_get_u32(r);
    if (r->bad || ver != GAGG_SNAP_VERSION || aver != AGG_SNAP_VERSION)
        return op_fail(s, FSQL_E_STATE,
                       "checkpoint state of GroupAggregate#%u has layout "
                       "%u/%u, this build reads %u/%u",
                       s->def->plan_id, ver, aver, GAGG_SNAP_VERSION,
                       AGG_SNAP_VERSION);
    uint64_t n = snap_get_u64(r);
    if (r->bad || n > (size_t)(r->end - r->p) / 16)
        return gagg_restore_fail(s, "group count");
    for (uint64_t i = 0; i < n; i++) {
        int64_t last_ms = snap_get_i64(r);
        int64_t n_rows = snap_get_i64(r);
        snap_get_typed(r, st->keyv, d->n_keys, st->key_types);
        if (r->bad || n_rows <= 0)
            return gagg_restore_fail(s, "group");
        uint64_t h = g_hash(st, st->keyv);
        GKeyCtx kc = {st, st->keyv};
        if (state_table_find(st->table, h, g_eq, &kc))
            return gagg_restore_fail(s, "a group twice");
        GroupEntry *e = state_table_insert(st->table, h);
        e->last_ms = last_ms;
        e->n_rows = n_rows;
        for (uint32_t k = 0; k < d->n_keys; k++)
            value_keep(st->pool, &g_keys(st, e)[k], &st->keyv[k]);
        if (!aggset_restore(&st->aggs, g_block(st, e), r))
            return gagg_restore_fail(s, "accumulators");
    }
    if (!snap_reader_done(r))
        return gagg_restore_fail(s, "trailing bytes");
    if (d->state_ttl_ms > 0 && n > 0)
        op_set_timer(s, job_now_mono_ms() + SWEEP_INTERVAL_MS);
    return FSQL_OK;
}

const OpVtbl op_group_agg_vtbl = {
    .name = "GroupAggregate",
    .open = gagg_open,
    .push = gagg_push,
    .timer = gagg_timer,
    .finish = gagg_finish,
    .close = gagg_close,
    .snapshot = gagg_snapshot,
    .restore = gagg_restore,
};
