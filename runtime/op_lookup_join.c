/*
 * op_lookup_join.c - LookupJoin: enrich each probe row with the rows of a
 * dimension table that match its keys (`[LEFT] JOIN dim FOR SYSTEM_TIME
 * AS OF ... ON probe.k = dim.k`), always at processing time.
 *
 * Input: one port, the probe stream.  Output: probe row ++ the dim
 * columns dim_fields[] (OpLookupJoinDef), one row per matching dim row
 * that passes dim_filter and residual; an INNER join drops probe rows
 * without a match, a LEFT join pads them with NULLs.  A NULL key matches
 * nothing (SQL '=').  Kinds and per-row watermarks are carried over.
 *
 * Where rows come from:
 *   - jdbc (SQLite, MySQL): a LookupReader opened at job open, with
 *     the shared LookupCache (lookup.h) in front when the table asks for
 *     one (PARTIAL); a batch is probed in two passes - keys are evaluated
 *     and hashed and their buckets prefetched first, then looked up - so
 *     that a warm cache larger than the CPU caches costs about one memory
 *     latency per row instead of two or three in sequence;
 *   - a bounded `filesystem` table: read completely at open into an
 *     unbounded cache with no TTL, i.e. an index by the join key.
 *
 * State: the cache (xmalloc, counted), register files (operator arena).
 * Memory: output rows point at cache memory or at the batch arena;
 * entries evicted during a push cycle are freed in batch_end().
 * Watermarks: passed on (the default minimum rule).
 *
 * Time: the cache clock is job_now_mono_ms(), or, when the environment
 * variable FSQL_TEST_LOOKUP_CLOCK_STEP_MS is set, a counter that starts
 * at 0 and advances that many milliseconds per probe row, so that tests
 * of cache expiry are deterministic.  FSQL_LOOKUP_STATS=1 prints the
 * cache counters to standard error when the operator closes.
 *
 * Batched misses (issue 6): when the reader has get_many (MySQL), each
 * chunk's cache misses - equal keys once - are fetched in one call, then
 * cached; a LOOKUP_DEGRADED result (source unreachable, failure mode
 * NULL) lets the rows pass unmatched, uncached, counted in
 * OpState.lookups_failed (the job summary).
 */
#include "runtime/fsql.h"
#include "runtime/connector.h"
#include "runtime/decimal.h"
#include "runtime/op.h"
#include "runtime/job.h"
#include "runtime/lookup.h"
#include "runtime/value_ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rows probed per pass (keys evaluated and prefetched together). */
#define PROBE_CHUNK 64

typedef struct LookupJoinState {
    LookupReader *reader;   /* NULL for a bounded filesystem table */
    LookupCache *cache;     /* NULL: lookup.cache = NONE */
    Value *kregs;           /* probe-key registers */
    const int32_t *key_cols;/* probe keys that are plain columns, else NULL */
    Value *fregs;           /* dim filter registers */
    Value *rregs;           /* residual registers */
    RtType *field_types;    /* types of the dim fields */
    const RtType *key_types;/* probe key types (Code result types) */
    Value keys[PROBE_CHUNK * 8]; /* scratch keys of one chunk (<= 8 keys) */
    Value *wide_keys;       /* when n_keys > 8: n_keys scratch values */
    uint64_t hashes[PROBE_CHUNK];
    bool has_null[PROBE_CHUNK];
    int64_t clock_step;     /* test clock step, 0: monotonic clock */
    int64_t clock_ms;       /* test clock */
    int64_t batch_now_ms;   /* monotonic clock at the start of the push */
    bool print_stats;
    uint64_t lookups;       /* reader calls */
    uint64_t rows_matched;  /* dim rows joined */
    /* Batched misses (readers with get_many, e.g. MySQL; issue 6): the
     * distinct cache misses of a chunk, and each probe row's result. */
    Value miss_keys[PROBE_CHUNK * 8];
    uint64_t miss_hash[PROBE_CHUNK];
    LookupRows miss_rows[PROBE_CHUNK];
    int32_t miss_of[PROBE_CHUNK];   /* probe row -> miss index, or -1 */
    LookupRows res[PROBE_CHUNK];    /* probe row -> rows (cache hits) */
} LookupJoinState;

/* The cache clock for the next probe row: the test clock advances per
 * row; the real one is read once per pushed batch (lj_push sets
 * batch_now_ms), which is all the precision a TTL needs. */
static int64_t lj_now(LookupJoinState *st)
{
    if (st->clock_step) {
        int64_t t = st->clock_ms;
        st->clock_ms += st->clock_step;
        return t;
    }
    return st->batch_now_ms;
}

/* ---- bounded filesystem tables ------------------------------------------ */

typedef struct LoadedRow {
    uint64_t hash;
    Value *key;   /* n_keys (load arena) */
    Value *row;   /* n_fields (load arena) */
    uint32_t idx; /* load order, keeps duplicates in file order */
} LoadedRow;

static int cmp_loaded(const void *pa, const void *pb)
{
    const LoadedRow *a = pa, *b = pb;
    if (a->hash != b->hash)
        return a->hash < b->hash ? -1 : 1;
    return a->idx < b->idx ? -1 : (a->idx > b->idx);
}

/* Convert a dim key value of type from to the probe key type to (same
 * storage kind apart from DECIMAL scales); false when it cannot match. */
static bool key_convert(const Value *v, const RtType *from, const RtType *to,
                        Value *out)
{
    *out = *v;
    if (v->is_null)
        return false;
    if (from->kind == VK_DECIMAL && to->kind == VK_DECIMAL &&
        from->scale != to->scale) {
        i128 r;
        if (decimal_rescale(value_get_dec(v), from->scale, 38, to->scale,
                            &r) != DEC_OK)
            return false;
        /* Only exact rescales can be equal. */
        i128 back;
        if (decimal_rescale(r, to->scale, 38, from->scale, &back) != DEC_OK ||
            back != value_get_dec(v))
            return false;
        value_set_dec(out, r);
        return true;
    }
    if (from->kind == VK_INT && to->kind == VK_DECIMAL) {
        i128 d = (i128)v->u.i * decimal_pow10(to->scale);
        value_set_dec(out, d);
        return true;
    }
    if (from->kind == VK_INT && to->kind == VK_DOUBLE) {
        out->kind = VK_DOUBLE;
        out->u.f = (double)v->u.i;
        return true;
    }
    return from->kind == to->kind;
}

/* Read the whole table through its source connector and index it. */
static int load_bounded(OpState *s, LookupJoinState *st)
{
    const OpLookupJoinDef *d = &s->def->u.lookup;
    const Program *prog = op_run_ctx(s)->prog;
    const TableDef *t = &prog->tables[d->table];
    FsqlErr err = {0};
    SourceReader *r = NULL;
    int rc = connector_open_source(t, op_run_ctx(s), &r, &err);
    if (rc < 0)
        return op_fail(s, rc, "%s", err.msg);
    Arena load, ba;
    arena_init(&load, 1 << 16);
    arena_init(&ba, 1 << 16);
    Batch b;
    batch_init(&b, t->schema.n_cols, BATCH_ROWS, &ba);
    LoadedRow *rows = NULL;
    size_t n = 0, cap = 0;
    uint32_t nk = d->n_keys, nf = d->n_dim_fields;
    for (;;) {
        int64_t wait = 0;
        batch_clear(&b);
        int pr = r->v->poll(r, &b, &wait, &err);
        if (pr == SRC_ERROR) {
            rc = op_fail(s, err.code ? err.code : FSQL_E_IO, "%s", err.msg);
            break;
        }
        for (uint32_t i = 0; i < b.n_rows; i++) {
            const Value *src = batch_row(&b, i);
            if (n == cap) {
                cap = cap ? cap * 2 : 1024;
                rows = xrealloc(rows, cap * sizeof *rows);
            }
            LoadedRow *lr = &rows[n];
            lr->key = arena_alloc(&load, sizeof(Value) * (nk ? nk : 1));
            lr->row = arena_alloc(&load, sizeof(Value) * (nf ? nf : 1));
            bool ok = true;
            for (uint32_t k = 0; k < nk && ok; k++) {
                Value kv;
                ok = key_convert(&src[d->dim_cols[k]],
                                 &t->schema.cols[d->dim_cols[k]].type,
                                 &st->key_types[k], &kv);
                value_copy_to(&load, &lr->key[k], &kv);
            }
            if (!ok)
                continue; /* a NULL (or unmatchable) key joins nothing */
            for (uint32_t f = 0; f < nf; f++)
                value_copy_to(&load, &lr->row[f], &src[d->dim_fields[f]]);
            lr->hash = lookup_cache_hash(st->cache, lr->key);
            lr->idx = (uint32_t)n;
            n++;
        }
        if (r->v->batch_done)
            r->v->batch_done(r);
        arena_reset(&ba);
        if (pr == SRC_END)
            break;
        if (wait > 0) {
            rc = op_fail(s, FSQL_E_UNSUPPORTED,
                         "table \"%s\": a lookup table must be bounded",
                         t->name);
            break;
        }
    }
    if (rc >= 0 && !job_failed(s->job)) {
        /* Group rows with equal keys: sort by hash, then split each run
         * of equal hashes by key equality. */
        qsort(rows, n, sizeof *rows, cmp_loaded);
        Value *group = NULL;
        size_t cap_g = 0;
        bool *done = xcalloc(n ? n : 1, 1);
        for (size_t i = 0; i < n; i++) {
            if (done[i])
                continue;
            size_t ng = 0;
            for (size_t j = i; j < n && rows[j].hash == rows[i].hash; j++) {
                bool eq = !done[j];
                for (uint32_t k = 0; k < nk && eq; k++)
                    eq = value_equal(&rows[i].key[k], &rows[j].key[k],
                                     &st->key_types[k]);
                if (!eq)
                    continue;
                done[j] = true;
                if ((ng + 1) * nf > cap_g) {
                    cap_g = (ng + 1) * nf * 2 + 16;
                    group = xrealloc(group, cap_g * sizeof(Value));
                }
                memcpy(group + ng * nf, rows[j].row, nf * sizeof(Value));
                ng++;
            }
            LookupRows lr = {(uint32_t)ng, group};
            lookup_cache_put(st->cache, rows[i].key, rows[i].hash, &lr, 0,
                             NULL);
        }
        xfree(done);
        xfree(group);
    }
    xfree(rows);
    batch_fini(&b);
    arena_fini(&ba);
    arena_fini(&load);
    r->v->close(r);
    return job_failed(s->job) ? FSQL_E_IO : FSQL_OK;
}

/* ---- open --------------------------------------------------------------- */

static int lj_open(OpState *s)
{
    const OpLookupJoinDef *d = &s->def->u.lookup;
    LookupJoinState *st = ARENA_NEW(&s->a, LookupJoinState);
    s->priv = st;
    const RunCtx *ctx = op_run_ctx(s);
    const TableDef *t = &ctx->prog->tables[d->table];
    const Code *kc = d->probe_keys;
    st->kregs = code_regs_new(&s->a, kc);
    st->key_types = kc->result_types;
    bool trivial = kc->result_cols != NULL;
    for (uint32_t i = 0; i < d->n_keys && trivial; i++)
        trivial = kc->result_cols[i] >= 0;
    if (trivial)
        st->key_cols = kc->result_cols;
    if (d->n_keys > 8)
        st->wide_keys = ARENA_NEW_ARRAY(&s->a, Value, d->n_keys);
    if (d->dim_filter)
        st->fregs = code_regs_new(&s->a, d->dim_filter);
    if (d->residual)
        st->rregs = code_regs_new(&s->a, d->residual);
    st->field_types = ARENA_NEW_ARRAY(&s->a, RtType,
                                      d->n_dim_fields ? d->n_dim_fields : 1);
    for (uint32_t i = 0; i < d->n_dim_fields; i++)
        st->field_types[i] = t->schema.cols[d->dim_fields[i]].type;
    const char *step = getenv("FSQL_TEST_LOOKUP_CLOCK_STEP_MS");
    if (step && *step)
        st->clock_step = strtoll(step, NULL, 10);
    const char *ps = getenv("FSQL_LOOKUP_STATS");
    st->print_stats = ps && *ps && strcmp(ps, "0") != 0;
    LookupCachePolicy pol = LOOKUP_POLICY_CLOCK;
    const char *pe = getenv("FSQL_LOOKUP_CACHE_POLICY");
    if (pe && strcmp(pe, "lru") == 0)
        pol = LOOKUP_POLICY_LRU;

    if (d->is_bounded_table) {
        LookupCacheDef all = {LOOKUP_CACHE_FULL, -1, -1, -1, true};
        st->cache = lookup_cache_new(&all, d->n_keys, st->key_types,
                                     d->n_dim_fields, st->field_types, pol);
        return load_bounded(s, st);
    }
    LookupSpec spec = {d->n_keys, d->dim_cols, st->key_types,
                       d->n_dim_fields, d->dim_fields};
    FsqlErr err = {0};
    int rc = connector_open_lookup(t, &spec, ctx, &st->reader, &err);
    if (rc < 0)
        return op_fail(s, rc, "%s", err.msg);
    if (d->cache.kind != LOOKUP_CACHE_NONE)
        st->cache = lookup_cache_new(&d->cache, d->n_keys, st->key_types,
                                     d->n_dim_fields, st->field_types, pol);
    return FSQL_OK;
}

/* ---- push --------------------------------------------------------------- */

/* Emit the joined rows of probe row `row` (input row r) for dim rows dr;
 * returns FSQL_OK or an error already recorded. */
static int emit_matches(OpState *s, LookupJoinState *st, const Batch *in,
                        uint32_t r, const LookupRows *dr)
{
    const OpLookupJoinDef *d = &s->def->u.lookup;
    uint32_t nin = in->n_cols, nf = d->n_dim_fields;
    const Value *row = batch_row(in, r);
    RowKind kind = (RowKind)in->kinds[r];
    int64_t wm = in->wm[r];
    uint32_t matched = 0;
    for (uint32_t i = 0; i < dr->n_rows; i++) {
        const Value *dim = dr->rows + (size_t)i * nf;
        if (d->dim_filter) {
            bool keep;
            if (unlikely(!vm_eval_filter(d->dim_filter, st->fregs, dim, &keep,
                                         &s->vm)))
                return op_fail_eval(s, in, r);
            if (!keep)
                continue;
        }
        Value *o = op_emit_row(s, kind, wm);
        memcpy(o, row, sizeof(Value) * nin);
        memcpy(o + nin, dim, sizeof(Value) * nf);
        if (d->residual) {
            bool keep;
            if (unlikely(!vm_eval_filter(d->residual, st->rregs, o, &keep,
                                         &s->vm)))
                return op_fail_eval(s, in, r);
            if (!keep) {
                s->out.n_rows--;
                continue;
            }
        }
        matched++;
    }
    st->rows_matched += matched;
    if (matched == 0 && d->is_left) {
        Value *o = op_emit_row(s, kind, wm);
        memcpy(o, row, sizeof(Value) * nin);
        for (uint32_t f = 0; f < nf; f++)
            o[nin + f] = value_null(st->field_types[f].kind);
    }
    return FSQL_OK;
}

/* Look one key up: cache, then reader (filling the cache). */
static int lookup_one(OpState *s, LookupJoinState *st, const Value *key,
                      uint64_t h, Arena *a, LookupRows *out)
{
    /* no reader: a bounded table, the cache is the whole table */
    int64_t now = st->cache ? lj_now(st) : 0;
    FsqlErr err = {0};
    int rc = lookup_fetch(st->cache, st->reader, key, h, now, a, out,
                          &st->lookups, &s->lookups_failed, &err);
    return rc < 0 ? op_fail(s, rc, "%s", err.msg) : FSQL_OK;
}

/* The batched path (issue 6): rows r0..r0+n of in, whose keys, NULL
 * flags and hashes pass 1 computed.  Misses of equal keys within the chunk
 * are fetched once. */
static int lookup_chunk(OpState *s, LookupJoinState *st, Batch *in,
                        uint32_t r0, uint32_t n)
{
    const OpLookupJoinDef *d = &s->def->u.lookup;
    uint32_t nk = d->n_keys;
    uint32_t nmiss = 0;
    int64_t now = 0;
    for (uint32_t i = 0; i < n; i++) {
        st->miss_of[i] = -1;
        st->res[i].n_rows = 0;
        st->res[i].rows = NULL;
        if (st->has_null[i])
            continue;
        const Value *key = st->keys + (size_t)i * nk;
        uint64_t h = st->hashes[i];
        if (st->cache) {
            now = lj_now(st);
            if (lookup_cache_get(st->cache, key, h, now, &st->res[i]))
                continue;
        } else {
            h = 0;
            for (uint32_t k = 0; k < nk; k++)
                h = h * 31 + value_hash(&key[k], &st->key_types[k]);
        }
        int32_t m = -1;
        for (uint32_t j = 0; j < nmiss && m < 0; j++) {
            if (st->miss_hash[j] != h)
                continue;
            bool eq = true;
            for (uint32_t k = 0; k < nk && eq; k++)
                eq = value_equal(&st->miss_keys[j * nk + k], &key[k],
                                 &st->key_types[k]);
            if (eq)
                m = (int32_t)j;
        }
        if (m < 0) {
            m = (int32_t)nmiss++;
            memcpy(&st->miss_keys[(size_t)m * nk], key, sizeof(Value) * nk);
            st->miss_hash[m] = h;
        }
        st->miss_of[i] = m;
    }
    if (nmiss > 0) {
        FsqlErr err = {0};
        st->lookups += nmiss;
        int rc = st->reader->v->get_many(st->reader, nmiss, st->miss_keys,
                                         in->a, st->miss_rows, &err);
        if (rc < 0)
            return op_fail(s, rc, "%s", err.msg);
        if (st->cache) {
            if (!st->clock_step)
                now = lj_now(st);
            for (uint32_t j = 0; j < nmiss; j++)
                if (st->miss_rows[j].rows || rc != LOOKUP_DEGRADED)
                    lookup_cache_put(st->cache, &st->miss_keys[j * nk],
                                     st->miss_hash[j], &st->miss_rows[j], now,
                                     &st->miss_rows[j]);
        }
        for (uint32_t i = 0; i < n; i++) {
            if (st->miss_of[i] < 0)
                continue;
            st->res[i] = st->miss_rows[st->miss_of[i]];
            if (rc == LOOKUP_DEGRADED && !st->res[i].rows)
                s->lookups_failed++;
        }
    }
    for (uint32_t i = 0; i < n; i++) {
        int rc = emit_matches(s, st, in, r0 + i, &st->res[i]);
        if (rc < 0)
            return rc;
    }
    return FSQL_OK;
}

static int lj_push(OpState *s, Batch *in, uint32_t port)
{
    LookupJoinState *st = s->priv;
    const OpLookupJoinDef *d = &s->def->u.lookup;
    const Code *kc = d->probe_keys;
    uint32_t nk = d->n_keys, nin = in->n_cols;
    (void)port;
    s->vm.now_ms = job_now_wall_ms();
    if (st->cache && !st->clock_step)
        st->batch_now_ms = job_now_mono_ms();
    s->out.split = in->split;
    for (uint32_t r0 = 0; r0 < in->n_rows; r0 += PROBE_CHUNK) {
        uint32_t n = in->n_rows - r0;
        if (n > PROBE_CHUNK)
            n = PROBE_CHUNK;
        /* Pass 1: keys, hashes, prefetch. */
        if (nk <= 8) {
            for (uint32_t i = 0; i < n; i++) {
                const Value *row = in->rows + (size_t)(r0 + i) * nin;
                Value *key = st->keys + (size_t)i * nk;
                if (st->key_cols) {
                    for (uint32_t k = 0; k < nk; k++)
                        key[k] = row[st->key_cols[k]];
                } else if (unlikely(!vm_eval_into(kc, st->kregs, row, key,
                                                  &s->vm))) {
                    return op_fail_eval(s, in, r0 + i);
                }
                bool has_null = false;
                for (uint32_t k = 0; k < nk; k++)
                    has_null |= key[k].is_null;
                st->has_null[i] = has_null;
                if (st->cache && !has_null) {
                    st->hashes[i] = lookup_cache_hash(st->cache, key);
                    lookup_cache_prefetch(st->cache, st->hashes[i]);
                }
            }
        }
        if (st->cache && nk <= 8)
            for (uint32_t i = 0; i < n; i++)
                if (!st->has_null[i])
                    lookup_cache_prefetch_entry(st->cache, st->hashes[i]);
        /* Readers that fetch many keys at once (get_many): probe the
         * cache for the whole chunk, fetch the distinct misses in one
         * call, cache them, then emit. */
        if (st->reader && st->reader->v->get_many && nk <= 8) {
            int rc = lookup_chunk(s, st, in, r0, n);
            if (rc < 0)
                return rc;
            continue;
        }
        /* Pass 2: look up and emit. */
        for (uint32_t i = 0; i < n; i++) {
            uint32_t r = r0 + i;
            Value *key;
            bool has_null;
            uint64_t h = 0;
            if (nk <= 8) {
                key = st->keys + (size_t)i * nk;
                has_null = st->has_null[i];
                h = st->hashes[i];
            } else {
                key = st->wide_keys;
                const Value *row = batch_row(in, r);
                if (unlikely(!vm_eval_into(kc, st->kregs, row, key, &s->vm)))
                    return op_fail_eval(s, in, r);
                has_null = false;
                for (uint32_t k = 0; k < nk; k++)
                    has_null |= key[k].is_null;
                if (st->cache && !has_null)
                    h = lookup_cache_hash(st->cache, key);
            }
            LookupRows dr = {0, NULL};
            if (!has_null) {
                int rc = lookup_one(s, st, key, h, in->a, &dr);
                if (rc < 0)
                    return rc;
            }
            int rc = emit_matches(s, st, in, r, &dr);
            if (rc < 0)
                return rc;
        }
    }
    s->out.flags = in->flags;
    return op_flush(s);
}

static void lj_batch_end(OpState *s)
{
    LookupJoinState *st = s->priv;
    if (st && st->reader && st->reader->v->batch_end)
        st->reader->v->batch_end(st->reader);
    if (st && st->cache)
        lookup_cache_release(st->cache);
}

static void lj_close(OpState *s)
{
    LookupJoinState *st = s->priv;
    const OpLookupJoinDef *d = &s->def->u.lookup;
    if (!st)
        return;
    if (st->print_stats && st->cache) {
        LookupCacheStats cs = lookup_cache_stats(st->cache);
        const RunCtx *ctx = op_run_ctx(s);
        const TableDef *t = &ctx->prog->tables[d->table];
        fprintf(ctx->err_out ? ctx->err_out : stderr,
                "lookup %s: hits %llu, misses %llu, loads %llu, "
                "evictions %llu, expirations %llu, keys %llu, rows %llu, "
                "queries %llu\n",
                t->name, (unsigned long long)cs.hits,
                (unsigned long long)cs.misses, (unsigned long long)cs.loads,
                (unsigned long long)cs.evictions,
                (unsigned long long)cs.expirations,
                (unsigned long long)cs.n_keys, (unsigned long long)cs.n_rows,
                (unsigned long long)st->lookups);
    }
    if (st->reader)
        st->reader->v->close(st->reader);
    st->reader = NULL;
    lookup_cache_free(st->cache);
    st->cache = NULL;
    code_regs_fini(d->probe_keys, st->kregs);
    if (st->fregs)
        code_regs_fini(d->dim_filter, st->fregs);
    if (st->rregs)
        code_regs_fini(d->residual, st->rregs);
}

const OpVtbl op_lookup_join_vtbl = {
    .name = "LookupJoin",
    .open = lj_open,
    .push = lj_push,
    .batch_end = lj_batch_end,
    .close = lj_close,
};
