/*
 * op_semi_join.c - SemiJoin, AntiJoin and MarkJoin: `x IN (SELECT c ...)`,
 * `EXISTS (...)` and their negations, in WHERE (SEMI / ANTI: keep or drop
 * the probe row) or inside an expression (MARK: append the IN result as a
 * BOOLEAN column, e.g. seed 002's `CASE WHEN r.user_id IN (SELECT user_id
 * FROM blacklist_users) THEN ...`).
 *
 * SQL semantics of `x IN (subquery)`, which NOT IN negates (three-valued):
 *   - the subquery has no rows: FALSE (also for a NULL x);
 *   - x is NULL: NULL;
 *   - some subquery value equals x: TRUE;
 *   - the subquery has a NULL value: NULL;
 *   - otherwise FALSE.
 * SEMI keeps rows whose result is TRUE; ANTI (NOT IN) keeps rows whose
 * result is FALSE - so one NULL in the subquery makes NOT IN keep
 * nothing, and a NULL x is never kept.  An uncorrelated EXISTS (no keys)
 * is TRUE when the subquery has a row.
 *
 * Streaming variant (two inputs; port 1 is the subquery): the result of
 * a probe row can change as subquery rows come and go, so the output is
 * a changelog: SEMI/ANTI emit +I when a row starts passing and -D when it
 * stops; MARK emits +I [row, mark] first and then -U/+U pairs when the
 * mark changes.  Probe rows keep their own kinds (a -U/+U pair of the
 * probe input comes out as -U/+U).  State: per key, the probe rows and the number of
 * subquery rows with that key (a JoinStore, join_store.h), plus the
 * subquery's row count and NULL count.  A key whose subquery count moves
 * between 0 and 1 re-evaluates that key's probe rows; the subquery
 * becoming empty / non-empty or gaining / losing its only NULL
 * re-evaluates every probe row.  When the subquery input is insert-only,
 * probe rows whose result can no longer change are not kept (SEMI: once
 * TRUE; ANTI: once not FALSE; MARK: once TRUE).  'table.exec.state.ttl'
 * forgets keys idle that long (their probe rows and subquery counts).
 *
 * Lookup variant (one input; the subquery is `SELECT c FROM jdbc_table
 * [WHERE ...]`): each probe row looks its key up in the table through
 * the jdbc LookupReader, with the lookup cache in front as the table's
 * lookup.cache options say (the same reader and cache as LookupJoin,
 * runtime/lookup.h), and the rows found are filtered by the subquery's
 * WHERE.  The result is TRUE when a row remains, else FALSE; a NULL
 * probe key gives NULL.  Being a lookup, it cannot see NULLs stored in
 * the table's column (a NOT IN against a column holding NULL keeps rows
 * that SQL would drop) - docs/joins.md.  Row kinds pass through (a
 * retracted probe row is retracted with the result it has now).
 *
 * Checkpoints: streaming - the JoinStore (probe rows with their last
 * result and output flag, per key the subquery count and TTL time) and
 * the subquery's total and NULL counts; lookup - nothing (the cache is
 * refilled from the table).
 */
#include "runtime/fsql.h"
#include "runtime/checkpoint.h"
#include "runtime/connector.h"
#include "runtime/job.h"
#include "runtime/join_store.h"
#include "runtime/lookup.h"
#include "runtime/op.h"
#include "runtime/value_ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SWEEP_STEP 32u
#define SWEEP_TIMER_STEP 4096u
#define SWEEP_INTERVAL_MS 1000

/* Three-valued results, also kept in JoinRow.flags (+ FLAG_OUT). */
enum { M_FALSE = 0, M_TRUE = 1, M_NULL = 2 };
#define FLAG_OUT 0x4u /* SEMI/ANTI: the row is in the output now */

typedef struct SjState {
    const OpSemiJoinDef *d;
    bool is_lookup;
    uint32_t ncol;        /* probe row width */
    const RtType *ptypes; /* probe column types */
    Value *kregs[2];
    Value *keyv;
    /* streaming */
    JoinStore js;
    int64_t n_right;
    int64_t n_right_null;
    uint64_t sweep_pos;
    /* lookup */
    LookupReader *reader;
    LookupCache *cache;
    Value *fregs;
    RtType *field_types;
    uint32_t *all_cols;
    uint32_t n_fields;
    uint64_t lookups;
} SjState;

static int mark_of(const SjState *st, const JoinKey *k, bool has_null)
{
    if (st->d->k.n_keys == 0)
        return st->n_right > 0 ? M_TRUE : M_FALSE;
    if (st->n_right == 0)
        return M_FALSE;
    if (has_null)
        return M_NULL;
    if (k && k->aux > 0)
        return M_TRUE;
    if (st->n_right_null > 0)
        return M_NULL;
    return M_FALSE;
}

static bool passes(const SjState *st, int m)
{
    switch (st->d->kind) {
    case OPSEMI_SEMI:
        return m == M_TRUE;
    case OPSEMI_ANTI:
        return m == M_FALSE;
    default:
        return true;
    }
}

/* Emit probe values v (stored: copy strings) with kind, and for MARK the
 * mark m. */
static void emit(OpState *s, SjState *st, RowKind kind, int64_t wm,
                 const Value *v, bool stored, int m)
{
    Value *o = op_emit_row(s, kind, wm);
    if (stored)
        join_store_out(o, v, st->ncol, job_batch_arena(s->job));
    else
        memcpy(o, v, sizeof(Value) * st->ncol);
    if (st->d->kind == OPSEMI_MARK) {
        Value *b = &o[st->ncol];
        *b = value_null(VK_BOOL);
        if (m != M_NULL) {
            b->is_null = false;
            b->u.i = m == M_TRUE;
        }
    }
}

/* Can the result of a probe row in state m still change? */
static bool is_final(const SjState *st, int m, bool has_null)
{
    if (st->d->right_updating)
        return false;
    switch (st->d->kind) {
    case OPSEMI_SEMI:
        return m == M_TRUE;
    case OPSEMI_ANTI:
        return m != M_FALSE;
    default:
        return m == M_TRUE || (has_null && m == M_NULL);
    }
}

/* ---- streaming: re-evaluation ------------------------------------------ */

static bool key_has_null(const SjState *st, const JoinKey *k)
{
    const Value *kv = join_key_values(k);
    for (uint32_t i = 0; i < st->d->k.n_keys; i++)
        if (kv[i].is_null)
            return true;
    return false;
}

/* Re-evaluate the probe rows of key k; may drop rows (and k). */
static void reeval_key(OpState *s, SjState *st, JoinKey *k, int64_t wm)
{
    bool hn = key_has_null(st, k);
    int m = mark_of(st, k, hn);
    JoinRow *r = k->head[0];
    while (r) {
        JoinRow *next = r->next;
        int old = r->flags & 3;
        if (st->d->kind == OPSEMI_MARK) {
            if (old != m) {
                emit(s, st, ROW_UPDATE_BEFORE, wm, join_row_values(r), true,
                     old);
                emit(s, st, ROW_UPDATE_AFTER, wm, join_row_values(r), true, m);
            }
        } else {
            bool was = (r->flags & FLAG_OUT) != 0, now = passes(st, m);
            if (was && !now)
                emit(s, st, ROW_DELETE, wm, join_row_values(r), true, m);
            else if (!was && now)
                emit(s, st, ROW_INSERT, wm, join_row_values(r), true, m);
            r->flags = (uint8_t)(now ? FLAG_OUT : 0);
        }
        r->flags = (uint8_t)((r->flags & ~3u) | (unsigned)m);
        if (is_final(st, m, hn))
            join_store_remove(&st->js, r);
        r = next;
    }
    if (k->n[0] == 0 && k->aux == 0)
        join_store_drop_key(&st->js, k);
}

static void reeval_all(OpState *s, SjState *st, int64_t wm)
{
    uint64_t pos = 0;
    JoinKey *k;
    while ((k = join_store_next(&st->js, &pos)) != NULL)
        reeval_key(s, st, k, wm);
}

static void sweep(SjState *st, uint32_t n, int64_t now)
{
    int64_t ttl = st->d->state_ttl_ms;
    if (ttl <= 0 || join_store_keys(&st->js) == 0)
        return;
    while (n-- > 0) {
        JoinKey *k = join_store_next(&st->js, &st->sweep_pos);
        if (!k) {
            st->sweep_pos = 0;
            return;
        }
        if (now - k->last_ms >= ttl) {
            st->n_right -= k->aux;
            join_store_drop_all(&st->js, k);
        }
    }
}

/* ---- streaming: rows ------------------------------------------------------ */

static int eval_key(OpState *s, SjState *st, uint8_t side, const Batch *in,
                    uint32_t r, bool *has_null)
{
    *has_null = false;
    uint32_t nk = st->d->k.n_keys;
    if (!nk)
        return FSQL_OK;
    const Code *kc = side == 0 ? st->d->k.left_keys : st->d->k.right_keys;
    if (!vm_eval_into(kc, st->kregs[side], batch_row(in, r), st->keyv, &s->vm))
        return op_fail_eval(s, in, r);
    for (uint32_t i = 0; i < nk; i++)
        *has_null |= st->keyv[i].is_null;
    return FSQL_OK;
}

static int probe_row(OpState *s, SjState *st, const Batch *in, uint32_t r,
                     int64_t now)
{
    const Value *row = batch_row(in, r);
    RowKind kind = (RowKind)in->kinds[r];
    bool is_add = kind == ROW_INSERT || kind == ROW_UPDATE_AFTER;
    int64_t wm = in->wm[r];
    bool hn;
    int rc = eval_key(s, st, 0, in, r, &hn);
    if (rc < 0)
        return rc;
    uint64_t h = join_store_hash(&st->js, st->keyv);
    JoinKey *k = join_store_find(&st->js, st->keyv, h);
    int m = mark_of(st, k, hn);
    if (is_add) {
        if (passes(st, m))
            emit(s, st, kind, wm, row, false, m); /* +I or +U */
        if (is_final(st, m, hn))
            return FSQL_OK;
        if (!k)
            k = join_store_insert(&st->js, st->keyv, h);
        k->last_ms = now;
        JoinRow *jr = join_store_add(&st->js, k, 0, row);
        jr->flags = (uint8_t)(m | (passes(st, m) && st->d->kind != OPSEMI_MARK
                                       ? FLAG_OUT
                                       : 0));
        return FSQL_OK;
    }
    /* a retraction: the row's result as it was emitted */
    JoinRow *mine =
        k ? join_store_find_row(&st->js, k, 0, row, st->ptypes) : NULL;
    if (mine) {
        int old = mine->flags & 3;
        bool was = st->d->kind == OPSEMI_MARK || (mine->flags & FLAG_OUT);
        if (was)
            emit(s, st, kind, wm, row, false, old); /* -U or -D */
        join_store_remove(&st->js, mine);
        if (k->n[0] == 0 && k->aux == 0)
            join_store_drop_key(&st->js, k);
    } else if (passes(st, m)) {
        /* not kept: its result was final, so it is m */
        emit(s, st, kind, wm, row, false, m);
    }
    return FSQL_OK;
}

static int sub_row(OpState *s, SjState *st, const Batch *in, uint32_t r,
                   int64_t now)
{
    RowKind kind = (RowKind)in->kinds[r];
    int64_t d = kind == ROW_INSERT || kind == ROW_UPDATE_AFTER ? 1 : -1;
    int64_t wm = in->wm[r];
    bool hn;
    int rc = eval_key(s, st, 1, in, r, &hn);
    if (rc < 0)
        return rc;
    int64_t old_n = st->n_right, old_null = st->n_right_null;
    if (d < 0 && st->n_right == 0)
        return FSQL_OK; /* retraction of a row we never counted */
    st->n_right += d;
    bool global = (old_n == 0) != (st->n_right == 0);
    if (hn) {
        st->n_right_null += d;
        if (st->n_right_null < 0)
            st->n_right_null = 0;
        global |= (old_null == 0) != (st->n_right_null == 0);
        if (global)
            reeval_all(s, st, wm);
        return FSQL_OK;
    }
    if (st->d->k.n_keys == 0) {
        if (global)
            reeval_all(s, st, wm);
        return FSQL_OK;
    }
    uint64_t h = join_store_hash(&st->js, st->keyv);
    JoinKey *k = join_store_find(&st->js, st->keyv, h);
    if (!k && d < 0)
        return FSQL_OK;
    if (!k)
        k = join_store_insert(&st->js, st->keyv, h);
    k->last_ms = now;
    int64_t old_k = k->aux;
    k->aux += d;
    if (k->aux < 0)
        k->aux = 0;
    bool local = (old_k == 0) != (k->aux == 0);
    if (global)
        reeval_all(s, st, wm);
    else if (local)
        reeval_key(s, st, k, wm);
    else if (k->n[0] == 0 && k->aux == 0)
        join_store_drop_key(&st->js, k);
    return FSQL_OK;
}

/* ---- lookup --------------------------------------------------------------- */

static int lookup_open(OpState *s, SjState *st)
{
    const OpSemiJoinDef *d = st->d;
    const RunCtx *ctx = op_run_ctx(s);
    const TableDef *t = &ctx->prog->tables[d->table];
    st->n_fields = t->schema.n_cols;
    st->all_cols = ARENA_NEW_ARRAY(&s->a, uint32_t, st->n_fields + 1);
    st->field_types = ARENA_NEW_ARRAY(&s->a, RtType, st->n_fields + 1);
    for (uint32_t i = 0; i < st->n_fields; i++) {
        st->all_cols[i] = i;
        st->field_types[i] = t->schema.cols[i].type;
    }
    const RtType *kt = d->k.n_keys ? d->k.left_keys->result_types : NULL;
    LookupSpec spec = {d->k.n_keys, d->dim_cols, kt, st->n_fields,
                       st->all_cols};
    FsqlErr err = {0};
    int rc = connector_open_lookup(t, &spec, ctx, &st->reader, &err);
    if (rc < 0)
        return op_fail(s, rc, "%s", err.msg);
    if (d->cache.kind != LOOKUP_CACHE_NONE)
        st->cache = lookup_cache_new(&d->cache, d->k.n_keys, kt, st->n_fields,
                                     st->field_types, LOOKUP_POLICY_CLOCK);
    if (d->dim_filter)
        st->fregs = code_regs_new(&s->a, d->dim_filter);
    return FSQL_OK;
}

static int lookup_row(OpState *s, SjState *st, Batch *in, uint32_t r,
                      int64_t mono)
{
    const OpSemiJoinDef *d = st->d;
    bool hn;
    int rc = eval_key(s, st, 0, in, r, &hn);
    if (rc < 0)
        return rc;
    int m = M_NULL;
    if (!hn) {
        LookupRows rows;
        uint64_t h = st->cache ? lookup_cache_hash(st->cache, st->keyv) : 0;
        FsqlErr err = {0};
        rc = lookup_fetch(st->cache, st->reader, st->keyv, h, mono, in->a,
                          &rows, &st->lookups, &s->lookups_failed, &err);
        if (rc < 0)
            return op_fail(s, rc, "%s", err.msg);
        m = M_FALSE;
        for (uint32_t i = 0; i < rows.n_rows && m == M_FALSE; i++) {
            const Value *dim = rows.rows + (size_t)i * st->n_fields;
            bool keep = true;
            if (d->dim_filter &&
                !vm_eval_filter(d->dim_filter, st->fregs, dim, &keep, &s->vm))
                return op_fail_eval(s, in, r);
            if (keep)
                m = M_TRUE;
        }
    }
    if (passes(st, m))
        emit(s, st, (RowKind)in->kinds[r], in->wm[r], batch_row(in, r), false,
             m);
    return FSQL_OK;
}

/* ---- the operator ------------------------------------------------------- */

static int sj_open(OpState *s)
{
    const OpSemiJoinDef *d = &s->def->u.semi;
    SjState *st = ARENA_NEW(&s->a, SjState);
    s->priv = st;
    st->d = d;
    st->is_lookup = d->table != UINT32_MAX;
    const Program *p = op_run_ctx(s)->prog;
    const OpDef *in0 = &p->ops[s->def->inputs[0]];
    st->ncol = in0->out.n_cols;
    RtType *pt = ARENA_NEW_ARRAY(&s->a, RtType, st->ncol + 1);
    for (uint32_t c = 0; c < st->ncol; c++)
        pt[c] = in0->out.cols[c].type;
    st->ptypes = pt;
    uint32_t nk = d->k.n_keys;
    st->keyv = ARENA_NEW_ARRAY(&s->a, Value, nk + 1);
    if (nk) {
        st->kregs[0] = code_regs_new(&s->a, d->k.left_keys);
        if (d->k.right_keys)
            st->kregs[1] = code_regs_new(&s->a, d->k.right_keys);
    }
    if (st->is_lookup)
        return lookup_open(s, st);
    join_store_init(&st->js, nk, nk ? d->k.left_keys->result_types : NULL,
                    &in0->out, NULL);
    return FSQL_OK;
}

static int sj_push(OpState *s, Batch *in, uint32_t port)
{
    SjState *st = s->priv;
    int64_t now = job_now_wall_ms();
    s->vm.now_ms = now;
    if (st->is_lookup) {
        int64_t mono = job_now_mono_ms();
        s->out.split = in->split;
        for (uint32_t r = 0; r < in->n_rows; r++) {
            int rc = lookup_row(s, st, in, r, mono);
            if (rc < 0)
                return rc;
        }
        return op_flush(s);
    }
    for (uint32_t r = 0; r < in->n_rows; r++) {
        int rc = port == 0 ? probe_row(s, st, in, r, now)
                           : sub_row(s, st, in, r, now);
        if (rc < 0)
            return rc;
    }
    if (st->d->state_ttl_ms > 0) {
        sweep(st, SWEEP_STEP, now);
        if (s->timer_ms == INT64_MAX)
            op_set_timer(s, job_now_mono_ms() + SWEEP_INTERVAL_MS);
    }
    return op_flush(s);
}

static int sj_timer(OpState *s, int64_t now_ms)
{
    SjState *st = s->priv;
    (void)now_ms;
    if (st->is_lookup)
        return FSQL_OK;
    sweep(st, SWEEP_TIMER_STEP, job_now_wall_ms());
    if (join_store_keys(&st->js) > 0 && !s->is_finished)
        op_set_timer(s, job_now_mono_ms() + SWEEP_INTERVAL_MS);
    return FSQL_OK;
}

static int sj_finish(OpState *s, uint32_t port)
{
    int rc = op_default_finish(s, port);
    if (s->is_finished)
        op_set_timer(s, INT64_MAX);
    return rc;
}

static void sj_batch_end(OpState *s)
{
    SjState *st = s->priv;
    if (st && st->reader && st->reader->v->batch_end)
        st->reader->v->batch_end(st->reader);
    if (st && st->cache)
        lookup_cache_release(st->cache);
}

static void sj_close(OpState *s)
{
    SjState *st = s->priv;
    if (!st)
        return;
    const OpSemiJoinDef *d = st->d;
    if (join_stats_wanted(op_run_ctx(s)->prog)) {
        const RunCtx *ctx = op_run_ctx(s);
        if (st->is_lookup)
            fprintf(ctx->err_out ? ctx->err_out : stderr,
                    "SemiJoin#%u: lookups %llu\n", s->def->plan_id,
                    (unsigned long long)st->lookups);
        else
            fprintf(ctx->err_out ? ctx->err_out : stderr,
                    "SemiJoin#%u: probe rows held %zu, keys %zu, subquery "
                    "rows %lld (NULL %lld)\n",
                    s->def->plan_id, st->js.n_rows[0], join_store_keys(&st->js),
                    (long long)st->n_right, (long long)st->n_right_null);
    }
    if (st->kregs[0])
        code_regs_fini(d->k.left_keys, st->kregs[0]);
    if (st->kregs[1])
        code_regs_fini(d->k.right_keys, st->kregs[1]);
    if (st->is_lookup) {
        if (st->reader)
            st->reader->v->close(st->reader);
        st->reader = NULL;
        lookup_cache_free(st->cache);
        if (st->fregs)
            code_regs_fini(d->dim_filter, st->fregs);
    } else {
        join_store_fini(&st->js);
    }
}

/* ---- checkpoints ----------------------------------------------------------- */

#define SJ_SNAP_VERSION 1u

static int sj_snapshot(OpState *s, SnapWriter *w)
{
    SjState *st = s->priv;
    snap_put_u32(w, SJ_SNAP_VERSION);
    snap_put_bool(w, st->is_lookup);
    if (st->is_lookup)
        return FSQL_OK;
    snap_put_i64(w, st->n_right);
    snap_put_i64(w, st->n_right_null);
    join_store_snapshot(&st->js, w);
    return FSQL_OK;
}

static int sj_restore(OpState *s, SnapReader *r)
{
    SjState *st = s->priv;
    uint32_t ver = snap_get_u32(r);
    if (ver != SJ_SNAP_VERSION)
        return op_fail(s, FSQL_E_STATE,
                       "SemiJoin#%u: cannot restore state of layout version "
                       "%u",
                       s->def->plan_id, ver);
    bool ok = snap_get_bool(r) == st->is_lookup;
    if (ok && !st->is_lookup) {
        st->n_right = snap_get_i64(r);
        st->n_right_null = snap_get_i64(r);
        ok = join_store_restore(&st->js, r, NULL, NULL);
    }
    if (!ok || !snap_reader_done(r))
        return op_fail(s, FSQL_E_STATE,
                       "SemiJoin#%u: the checkpoint's join state is malformed "
                       "or belongs to another query",
                       s->def->plan_id);
    if (!st->is_lookup && st->d->state_ttl_ms > 0 &&
        join_store_keys(&st->js) > 0)
        op_set_timer(s, job_now_mono_ms() + SWEEP_INTERVAL_MS);
    return FSQL_OK;
}

const OpVtbl op_semi_join_vtbl = {
    .name = "SemiJoin",
    .open = sj_open,
    .push = sj_push,
    .timer = sj_timer,
    .finish = sj_finish,
    .batch_end = sj_batch_end,
    .close = sj_close,
    .snapshot = sj_snapshot,
    .restore = sj_restore,
};
