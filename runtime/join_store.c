/*
 * join_store.c - the keyed row store of the join operators (see
 * join_store.h): key entries in a StateTable, rows in per-side slabs.
 */
#include "runtime/fsql.h"
#include "runtime/join_store.h"
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

typedef struct KeyCtx {
    const JoinStore *js;
    const Value *key;
} KeyCtx;

static size_t row_size(const JoinStore *js, uint8_t side)
{
    return JOIN_ROW_HDR +
           sizeof(Value) * (js->n_cols[side] ? js->n_cols[side] : 1);
}

void join_store_init(JoinStore *js, uint32_t n_keys, const RtType *key_types,
                     uint32_t left_cols, uint32_t right_cols)
{
    memset(js, 0, sizeof *js);
    js->n_keys = n_keys;
    js->key_types = key_types;
    js->n_cols[0] = left_cols;
    js->n_cols[1] = right_cols;
    js->keys = state_table_new(
        (uint32_t)(JOIN_KEY_HDR + sizeof(Value) * (n_keys ? n_keys : 1)));
    js->pool = strpool_new();
}

static void unkeep_all(JoinStore *js, const Value *v, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        value_unkeep(js->pool, &v[i]);
}

void join_store_fini(JoinStore *js)
{
    if (js->keys)
        state_table_free(js->keys);
    js->keys = NULL;
    for (int s = 0; s < 2; s++) {
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

static bool key_eq(const void *entry, const void *ctx)
{
    const KeyCtx *c = ctx;
    const Value *a = join_key_values(entry);
    for (uint32_t i = 0; i < c->js->n_keys; i++)
        if (!value_equal(&a[i], &c->key[i], &c->js->key_types[i]))
            return false;
    return true;
}

JoinKey *join_store_find(JoinStore *js, const Value *key, uint64_t h)
{
    KeyCtx c = {js, key};
    return state_table_find(js->keys, h, key_eq, &c);
}

JoinKey *join_store_get(JoinStore *js, const Value *key, uint64_t h)
{
    JoinKey *k = join_store_find(js, key, h);
    if (k)
        return k;
    k = state_table_insert(js->keys, h);
    Value *kv = join_key_values(k);
    for (uint32_t i = 0; i < js->n_keys; i++)
        value_keep(js->pool, &kv[i], &key[i]);
    return k;
}

void join_store_drop_key(JoinStore *js, JoinKey *k)
{
    FSQL_ASSERT(k->n[0] == 0 && k->n[1] == 0);
    unkeep_all(js, join_key_values(k), js->n_keys);
    state_table_delete(js->keys, k);
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
    return state_table_bytes(js->keys) + js->slab_bytes +
           strpool_bytes(js->pool);
}

bool join_stats_wanted(const Program *p)
{
    const char *e = getenv("FSQL_JOIN_STATS");
    if (e && *e && strcmp(e, "0") != 0)
        return true;
    const char *v = p ? program_setting(p, "fsql.debug.join-stats") : NULL;
    return v && strcmp(v, "true") == 0;
}
