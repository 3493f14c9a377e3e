/*
 * join_store.c - the keyed row store of the join operators (see
 * join_store.h): key entries in its own chained hash table, rows in
 * per-side slabs.
 */
#include "runtime/fsql.h"
#include "runtime/join_store.h"
#include "runtime/checkpoint.h"
#include "runtime/program.h"
#include "runtime/value_ops.h"

#include <stdlib.h>

#include <string.h>

#define SLAB_ROWS 256u

struct JoinSlab {
    JoinSlab *next;
    /* rows follow, 16-byte aligned */
};

#define SLAB_HDR ((sizeof(JoinSlab) + 15u) & ~(size_t)15u)

/* ---- row strings in chunks ------------------------------------------------ */

#define CHUNK_BYTES (64u * 1024u)
#define MAX_SPARE 4u

typedef struct JoinChunk {
    struct JoinChunk *next; /* in the spare list */
    uint32_t live;          /* rows with strings here */
    uint32_t used, cap;     /* bytes */
    uint32_t idx;           /* in js->chunks */
    /* bytes follow */
} JoinChunk;

#define CHUNK_HDR ((sizeof(JoinChunk) + 15u) & ~(size_t)15u)

static inline char *chunk_data(JoinChunk *c)
{
    return (char *)c + CHUNK_HDR;
}

void join_store_use_chunks(JoinStore *js)
{
    js->use_chunks = true;
}

static inline bool has_bytes(const Value *v)
{
    return !v->is_null && (v->kind == VK_STRING || v->kind == VK_BYTES) &&
           v->u.s.len > 0;
}

static void chunk_release(JoinStore *js, JoinChunk *c)
{
    js->chunks[c->idx] = NULL;
    if (c->cap == CHUNK_BYTES && js->n_spare < MAX_SPARE) {
        c->next = js->spare;
        js->spare = c;
        js->n_spare++;
        return;
    }
    js->chunk_bytes -= CHUNK_HDR + c->cap;
    xfree(c);
}

/* A chunk with room for n bytes, made current (index + 1 in *idx1). */
static JoinChunk *chunk_for(JoinStore *js, uint32_t n)
{
    if (js->cur_chunk) {
        JoinChunk *c = js->chunks[js->cur_chunk - 1];
        if (c->cap - c->used >= n)
            return c;
        /* retire it: freed when its last row goes */
        js->cur_chunk = 0;
        if (c->live == 0)
            chunk_release(js, c);
    }
    JoinChunk *c;
    if (n <= CHUNK_BYTES && js->spare) {
        c = js->spare;
        js->spare = c->next;
        js->n_spare--;
    } else {
        uint32_t cap = n > CHUNK_BYTES ? n : CHUNK_BYTES;
        c = xmalloc(CHUNK_HDR + cap);
        c->cap = cap;
        js->chunk_bytes += CHUNK_HDR + cap;
    }
    c->live = 0;
    c->used = 0;
    uint32_t i = 0;
    while (i < js->n_chunks && js->chunks[i])
        i++;
    if (i == js->n_chunks) {
        if (js->n_chunks == js->cap_chunks) {
            js->cap_chunks = js->cap_chunks ? js->cap_chunks * 2 : 16;
            js->chunks =
                xrealloc(js->chunks, sizeof(JoinChunk *) * js->cap_chunks);
        }
        js->n_chunks++;
    }
    js->chunks[i] = c;
    c->idx = i;
    js->cur_chunk = i + 1;
    return c;
}

/* Copy n Values into dst with their strings in a chunk; returns the
 * chunk's index + 1 for JoinRow.aux (0: no strings). */
static uint32_t chunk_keep(JoinStore *js, Value *dst, const Value *src,
                           uint32_t n)
{
    uint32_t bytes = 0;
    for (uint32_t i = 0; i < n; i++) {
        dst[i] = src[i];
        if (has_bytes(&src[i]))
            bytes += src[i].u.s.len;
    }
    if (bytes == 0)
        return 0;
    JoinChunk *c = chunk_for(js, bytes);
    char *p = chunk_data(c) + c->used;
    for (uint32_t i = 0; i < n; i++)
        if (has_bytes(&src[i])) {
            memcpy(p, src[i].u.s.ptr, src[i].u.s.len);
            dst[i].u.s.ptr = p;
            p += src[i].u.s.len;
        }
    c->used += bytes;
    c->live++;
    return c->idx + 1;
}

static void chunk_unkeep(JoinStore *js, uint32_t idx1)
{
    if (idx1 == 0)
        return;
    JoinChunk *c = js->chunks[idx1 - 1];
    FSQL_ASSERT(c && c->live > 0);
    if (--c->live == 0 && js->cur_chunk != idx1)
        chunk_release(js, c);
}

static size_t row_size(const JoinStore *js, uint8_t side)
{
    return JOIN_ROW_HDR +
           sizeof(Value) * (js->n_cols[side] ? js->n_cols[side] : 1);
}

void join_store_init(JoinStore *js, uint32_t n_keys, const RtType *key_types,
                     const RtSchema *left, const RtSchema *right)
{
    memset(js, 0, sizeof *js);
    js->n_keys = n_keys;
    js->key_types = key_types;
    js->schema[0] = left;
    js->schema[1] = right;
    js->n_cols[0] = left ? left->n_cols : 0;
    js->n_cols[1] = right ? right->n_cols : 0;
    js->rehash_pos = -1;
    js->pool = strpool_new();
}

static void unkeep_all(JoinStore *js, const Value *v, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        value_unkeep(js->pool, &v[i]);
}

void join_store_fini(JoinStore *js)
{
    for (int i = 0; i < 2; i++) {
        xfree(js->ht[i].b);
        js->ht[i].b = NULL;
        js->ht[i].size = js->ht[i].n = 0;
    }
    js->rehash_pos = -1;
    for (uint32_t i = 0; i < js->n_chunks; i++)
        xfree(js->chunks[i]);
    xfree(js->chunks);
    js->chunks = NULL;
    js->n_chunks = js->cap_chunks = js->cur_chunk = 0;
    while (js->spare) {
        JoinChunk *c = js->spare;
        js->spare = c->next;
        xfree(c);
    }
    js->n_spare = 0;
    js->chunk_bytes = 0;
    for (int s = 0; s < 3; s++) {
        JoinSlab *sl = js->slabs[s];
        while (sl) {
            JoinSlab *next = sl->next;
            xfree(sl);
            sl = next;
        }
        js->slabs[s] = NULL;
    }
    /* Every kept string goes with the pool. */
    if (js->pool)
        strpool_free(js->pool);
    js->pool = NULL;
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

uint64_t join_store_hash(const JoinStore *js, const Value *key)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL;
    for (uint32_t i = 0; i < js->n_keys; i++)
        h = mix64(h ^ value_hash(&key[i], &js->key_types[i]));
    return h;
}

static inline bool key_eq(const JoinStore *js, const JoinKey *k,
                          const Value *key)
{
    const Value *a = join_key_values(k);
    for (uint32_t i = 0; i < js->n_keys; i++)
        if (!value_equal(&a[i], &key[i], &js->key_types[i]))
            return false;
    return true;
}

/* ---- the key table ---------------------------------------------------------
 *
 * Chained hashing over power-of-two bucket arrays.  Growing (more keys
 * than buckets) or shrinking (fewer than an eighth, above 64 buckets)
 * allocates ht[1] and moves REHASH_STEP buckets of ht[0] into it on every
 * find and insert; lookups meanwhile look in both arrays (buckets of ht[0]
 * below rehash_pos are empty).  New keys go to ht[1] while rehashing.
 */

#define REHASH_STEP 4u
#define MIN_BUCKETS 64u

static void ht_alloc(JoinHt *t, uint32_t size)
{
    t->b = xcalloc(size, sizeof(JoinKey *));
    t->size = size;
    t->n = 0;
}

static void rehash_step(JoinStore *js, uint32_t n)
{
    JoinHt *from = &js->ht[0], *to = &js->ht[1];
    uint32_t empty_visits = n * 10;
    while (n > 0 && from->n > 0) {
        JoinKey *k = from->b[js->rehash_pos];
        if (!k) {
            js->rehash_pos++;
            if (--empty_visits == 0)
                return;
            continue;
        }
        while (k) {
            JoinKey *next = k->hnext;
            uint32_t i = (uint32_t)k->hash & (to->size - 1);
            k->hnext = to->b[i];
            if (k->hnext)
                k->hnext->hpprev = &k->hnext;
            to->b[i] = k;
            k->hpprev = &to->b[i];
            from->n--;
            to->n++;
            k = next;
        }
        from->b[js->rehash_pos++] = NULL;
        n--;
    }
    if (from->n == 0) {
        xfree(from->b);
        *from = *to;
        memset(to, 0, sizeof *to);
        js->rehash_pos = -1;
    }
}

static void rehash_start(JoinStore *js, uint32_t size)
{
    ht_alloc(&js->ht[1], size);
    js->rehash_pos = 0;
}

/* Grow or shrink when the load says so (not while rehashing). */
static void ht_check(JoinStore *js)
{
    if (js->rehash_pos >= 0)
        return;
    JoinHt *t = &js->ht[0];
    if (t->size == 0) {
        ht_alloc(t, MIN_BUCKETS);
    } else if (t->n > t->size) {
        rehash_start(js, t->size * 2);
    } else if (t->size > MIN_BUCKETS && t->n < t->size / 8) {
        uint32_t size = MIN_BUCKETS;
        while (size < t->n * 2)
            size *= 2;
        rehash_start(js, size);
    }
}

static JoinKey *ht_find(const JoinHt *t, const JoinStore *js, uint64_t h,
                        const Value *key)
{
    if (t->n == 0)
        return NULL;
    for (JoinKey *k = t->b[(uint32_t)h & (t->size - 1)]; k; k = k->hnext)
        if (k->hash == h && key_eq(js, k, key))
            return k;
    return NULL;
}

JoinKey *join_store_find(JoinStore *js, const Value *key, uint64_t h)
{
    if (js->rehash_pos >= 0)
        rehash_step(js, REHASH_STEP);
    JoinKey *k = ht_find(&js->ht[0], js, h, key);
    if (!k && js->rehash_pos >= 0)
        k = ht_find(&js->ht[1], js, h, key);
    return k;
}

static JoinKey *key_alloc(JoinStore *js)
{
    JoinKey *k = js->free_keys;
    if (k) {
        js->free_keys = k->hnext;
        return k;
    }
    size_t ks = JOIN_KEY_HDR + sizeof(Value) * (js->n_keys ? js->n_keys : 1);
    JoinSlab *sl = xmalloc(SLAB_HDR + ks * SLAB_ROWS);
    sl->next = js->slabs[2];
    js->slabs[2] = sl;
    js->slab_bytes += SLAB_HDR + ks * SLAB_ROWS;
    char *base = (char *)sl + SLAB_HDR;
    for (uint32_t i = SLAB_ROWS; i-- > 1;) {
        JoinKey *f = (JoinKey *)(base + ks * i);
        f->hnext = js->free_keys;
        js->free_keys = f;
    }
    return (JoinKey *)base;
}

JoinKey *join_store_get(JoinStore *js, const Value *key, uint64_t h)
{
    JoinKey *k = join_store_find(js, key, h);
    return k ? k : join_store_insert(js, key, h);
}

JoinKey *join_store_insert(JoinStore *js, const Value *key, uint64_t h)
{
    JoinKey *k;
    ht_check(js);
    k = key_alloc(js);
    memset(k, 0, JOIN_KEY_HDR);
    k->hash = h;
    Value *kv = join_key_values(k);
    if (js->use_chunks)
        k->chunk = chunk_keep(js, kv, key, js->n_keys);
    else
        for (uint32_t i = 0; i < js->n_keys; i++)
            value_keep(js->pool, &kv[i], &key[i]);
    JoinHt *t = &js->ht[js->rehash_pos >= 0 ? 1 : 0];
    uint32_t b = (uint32_t)h & (t->size - 1);
    k->hnext = t->b[b];
    if (k->hnext)
        k->hnext->hpprev = &k->hnext;
    t->b[b] = k;
    k->hpprev = &t->b[b];
    t->n++;
    return k;
}

/* Unlink k from its chain.  While rehashing, a key is in ht[1] when its
 * ht[0] bucket has been moved already (below rehash_pos). */
static void ht_unlink(JoinStore *js, JoinKey *k)
{
    *k->hpprev = k->hnext;
    if (k->hnext)
        k->hnext->hpprev = k->hpprev;
    int i = 0;
    if (js->rehash_pos >= 0 &&
        ((uint32_t)k->hash & (js->ht[0].size - 1)) < js->rehash_pos)
        i = 1;
    FSQL_ASSERT(js->ht[i].n > 0);
    js->ht[i].n--;
}

void join_store_drop_key(JoinStore *js, JoinKey *k)
{
    FSQL_ASSERT(k->n[0] == 0 && k->n[1] == 0);
    if (js->use_chunks)
        chunk_unkeep(js, k->chunk);
    else
        unkeep_all(js, join_key_values(k), js->n_keys);
    ht_unlink(js, k);
    k->hnext = js->free_keys;
    js->free_keys = k;
    if (js->rehash_pos < 0)
        ht_check(js);
}

/* Position: bucket index g (ht[0]'s buckets, then ht[1]'s) in the high
 * bits, and in the low 20 bits 1 + the number of entries of that chain
 * still to visit (0: bucket not entered).  A chain is visited from its
 * last entry back to its first, so deleting the entry just returned
 * does not move the ones still to visit. */
#define POS_BITS 20u
#define POS_MASK ((1ull << POS_BITS) - 1)

JoinKey *join_store_next(JoinStore *js, uint64_t *pos)
{
    uint64_t g = *pos >> POS_BITS, left = *pos & POS_MASK;
    uint64_t total = (uint64_t)js->ht[0].size + js->ht[1].size;
    while (g < total) {
        JoinHt *t = g < js->ht[0].size ? &js->ht[0] : &js->ht[1];
        uint64_t bi = g < js->ht[0].size ? g : g - js->ht[0].size;
        JoinKey *head = t->b ? t->b[bi] : NULL;
        if (left == 0) {
            uint64_t n = 0;
            for (JoinKey *k = head; k && n < POS_MASK - 1; k = k->hnext)
                n++;
            left = n + 1;
        }
        if (left > 1) {
            JoinKey *k = head;
            for (uint64_t i = 0; k && i + 2 < left; i++)
                k = k->hnext;
            left--;
            if (k) {
                *pos = (g << POS_BITS) | left;
                return k;
            }
        }
        g++;
        left = 0;
    }
    *pos = 0;
    return NULL;
}

void join_store_drop_all(JoinStore *js, JoinKey *k)
{
    for (uint8_t s = 0; s < 2; s++)
        while (k->head[s])
            join_store_remove(js, k->head[s]);
    join_store_drop_key(js, k);
}

static JoinRow *row_alloc(JoinStore *js, uint8_t side)
{
    JoinRow *r = js->free_rows[side];
    if (r) {
        js->free_rows[side] = r->next;
        return r;
    }
    size_t rs = row_size(js, side);
    JoinSlab *sl = xmalloc(SLAB_HDR + rs * SLAB_ROWS);
    sl->next = js->slabs[side];
    js->slabs[side] = sl;
    js->slab_bytes += SLAB_HDR + rs * SLAB_ROWS;
    char *base = (char *)sl + SLAB_HDR;
    for (uint32_t i = SLAB_ROWS; i-- > 1;) {
        JoinRow *f = (JoinRow *)(base + rs * i);
        f->next = js->free_rows[side];
        js->free_rows[side] = f;
    }
    return (JoinRow *)base;
}

JoinRow *join_store_add(JoinStore *js, JoinKey *k, uint8_t side,
                        const Value *vals)
{
    JoinRow *r = row_alloc(js, side);
    memset(r, 0, JOIN_ROW_HDR);
    r->key = k;
    r->side = side;
    Value *v = join_row_values(r);
    if (js->use_chunks)
        r->aux = chunk_keep(js, v, vals, js->n_cols[side]);
    else
        for (uint32_t i = 0; i < js->n_cols[side]; i++)
            value_keep(js->pool, &v[i], &vals[i]);
    r->prev = k->tail[side];
    if (k->tail[side])
        k->tail[side]->next = r;
    else
        k->head[side] = r;
    k->tail[side] = r;
    k->n[side]++;
    js->n_rows[side]++;
    if (join_store_rows(js) > js->peak_rows)
        js->peak_rows = join_store_rows(js);
    return r;
}

void join_store_remove(JoinStore *js, JoinRow *r)
{
    JoinKey *k = r->key;
    uint8_t s = r->side;
    if (r->prev)
        r->prev->next = r->next;
    else
        k->head[s] = r->next;
    if (r->next)
        r->next->prev = r->prev;
    else
        k->tail[s] = r->prev;
    k->n[s]--;
    js->n_rows[s]--;
    if (js->use_chunks)
        chunk_unkeep(js, r->aux);
    else
        unkeep_all(js, join_row_values(r), js->n_cols[s]);
    r->next = js->free_rows[s];
    js->free_rows[s] = r;
}

JoinRow *join_store_find_row(JoinStore *js, JoinKey *k, uint8_t side,
                             const Value *vals, const RtType *types)
{
    uint32_t n = js->n_cols[side];
    for (JoinRow *r = k->head[side]; r; r = r->next) {
        const Value *v = join_row_values(r);
        bool eq = true;
        for (uint32_t i = 0; i < n && eq; i++)
            eq = value_equal(&v[i], &vals[i], &types[i]);
        if (eq)
            return r;
    }
    return NULL;
}

void join_store_out(Value *out, const Value *vals, uint32_t n, Arena *a)
{
    for (uint32_t i = 0; i < n; i++) {
        if ((vals[i].kind == VK_STRING || vals[i].kind == VK_BYTES) &&
            !vals[i].is_null)
            value_copy_to(a, &out[i], &vals[i]);
        else
            out[i] = vals[i];
    }
}

size_t join_store_bytes(const JoinStore *js)
{
    return sizeof(JoinKey *) * ((size_t)js->ht[0].size + js->ht[1].size) +
           js->slab_bytes + strpool_bytes(js->pool) + js->chunk_bytes;
}

bool join_stats_wanted(const Program *p)
{
    const char *e = getenv("FSQL_JOIN_STATS");
    if (e && *e && strcmp(e, "0") != 0)
        return true;
    const char *v = p ? program_setting(p, "fsql.debug.join-stats") : NULL;
    return v && strcmp(v, "true") == 0;
}

/* ---- rows by time ---------------------------------------------------------
 *
 * 4-ary min-heap: half the levels of a binary heap, and a node's four
 * children share one 64-byte cache line (entries are 16 bytes).
 */

void join_heap_push(JoinHeap *h, JoinRow *r)
{
    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 256;
        h->a = xrealloc(h->a, sizeof(JoinHeapEnt) * h->cap);
    }
    JoinHeapEnt e = {r->time, r};
    uint32_t i = h->n++;
    while (i > 0) {
        uint32_t p = (i - 1) / 4;
        if (h->a[p].time <= e.time)
            break;
        h->a[i] = h->a[p];
        i = p;
    }
    h->a[i] = e;
}

JoinRow *join_heap_pop(JoinHeap *h)
{
    JoinRow *top = h->a[0].r;
    JoinHeapEnt e = h->a[--h->n];
    uint32_t n = h->n, i = 0;
    if (n == 0)
        return top;
    for (;;) {
        uint32_t c = 4 * i + 1;
        if (c >= n)
            break;
        uint32_t end = c + 4 < n ? c + 4 : n, m = c;
        for (uint32_t j = c + 1; j < end; j++)
            if (h->a[j].time < h->a[m].time)
                m = j;
        if (h->a[m].time >= e.time)
            break;
        h->a[i] = h->a[m];
        i = m;
    }
    h->a[i] = e;
    return top;
}

void join_heap_fini(JoinHeap *h)
{
    xfree(h->a);
    h->a = NULL;
    h->n = h->cap = 0;
}

/* ---- checkpoints ----------------------------------------------------------
 *
 * Layout (all through SnapWriter): u32 n_keys, u32 left cols, u32 right
 * cols (checked on restore: a changed query cannot restore a store of
 * another shape), u64 peak rows, u64 key count; per key: its Values,
 * i64 last_ms, i64 aux, then for side 0 and side 1: u32 row count and per
 * row i64 time, i64 n_match, u8 flags, the row's Values.  Restore checks
 * the kind of every key and row Value against its column (a damaged blob
 * must not hand an integer to code that hashes or prints a string).
 */

void join_store_snapshot(const JoinStore *js, SnapWriter *w)
{
    JoinStore *mjs = (JoinStore *)js; /* iteration does not modify */
    snap_put_u32(w, js->n_keys);
    snap_put_u32(w, js->n_cols[0]);
    snap_put_u32(w, js->n_cols[1]);
    snap_put_u64(w, js->peak_rows);
    snap_put_u64(w, join_store_keys(js));
    uint64_t pos = 0;
    JoinKey *k;
    while ((k = join_store_next(mjs, &pos)) != NULL) {
        snap_put_values(w, join_key_values(k), js->n_keys);
        snap_put_i64(w, k->last_ms);
        snap_put_i64(w, k->aux);
        for (uint8_t s = 0; s < 2; s++) {
            snap_put_u32(w, k->n[s]);
            for (JoinRow *r = k->head[s]; r; r = r->next) {
                snap_put_i64(w, r->time);
                snap_put_i64(w, r->n_match);
                snap_put_u8(w, r->flags);
                snap_put_values(w, join_row_values(r), js->n_cols[s]);
            }
        }
    }
}

bool join_store_restore(JoinStore *js, SnapReader *r, JoinRowFn on_row,
                        void *arg)
{
    uint32_t nk = snap_get_u32(r);
    uint32_t nl = snap_get_u32(r);
    uint32_t nr = snap_get_u32(r);
    if (r->bad || nk != js->n_keys || nl != js->n_cols[0] ||
        nr != js->n_cols[1]) {
        r->bad = true;
        return false;
    }
    size_t peak = (size_t)snap_get_u64(r);
    uint64_t n_keys = snap_get_u64(r);
    uint32_t width = nk;
    if (nl > width)
        width = nl;
    if (nr > width)
        width = nr;
    Value *tmp = xmalloc(sizeof(Value) * (width + 1));
    for (uint64_t i = 0; i < n_keys && !r->bad; i++) {
        snap_get_typed(r, tmp, nk, js->key_types);
        if (r->bad)
            break;
        uint64_t h = join_store_hash(js, tmp);
        if (join_store_find(js, tmp, h)) {
            r->bad = true; /* a key twice: not a blob we wrote */
            break;
        }
        JoinKey *k = join_store_insert(js, tmp, h);
        k->last_ms = snap_get_i64(r);
        k->aux = snap_get_i64(r);
        for (uint8_t s = 0; s < 2 && !r->bad; s++) {
            uint32_t n = snap_get_u32(r);
            for (uint32_t j = 0; j < n && !r->bad; j++) {
                int64_t t = snap_get_i64(r);
                int64_t nm = snap_get_i64(r);
                uint8_t fl = snap_get_u8(r);
                snap_get_values(r, tmp, js->n_cols[s]);
                snap_want_kinds(r, tmp, js->n_cols[s], js->schema[s]);
                if (r->bad)
                    break;
                JoinRow *row = join_store_add(js, k, s, tmp);
                row->time = t;
                row->n_match = nm;
                row->flags = fl;
                if (on_row)
                    on_row(arg, row);
            }
        }
    }
    xfree(tmp);
    if (peak > js->peak_rows)
        js->peak_rows = peak;
    return !r->bad;
}
