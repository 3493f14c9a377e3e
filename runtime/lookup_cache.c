/*
 * lookup_cache.c - the partial lookup cache in front of lookup sources
 * (see lookup.h for the contract).
 *
 * Structure:
 *   - a chained hash table of CacheEntry pointers, power-of-two sized,
 *     doubled when the load passes 1 (never beyond what max-rows needs);
 *   - one xmalloc block per entry: the header, the key Values, the row
 *     Values and the bytes of every string of both, so that a hit touches
 *     one or two cache lines and eviction is one free;
 *   - eviction state: for CLOCK a ring of entry pointers (one slot per
 *     cached key) and a hand; a hit only sets the entry's reference bit.
 *     For LRU a doubly linked list; a hit moves the entry to the front.
 *     docs/connectors/jdbc.md compares both (hit ratio and ns per get on
 *     a skewed key stream); CLOCK keeps LRU's hit ratio within a fraction
 *     of a percent and makes hits cheaper, so it is the default.
 *   - TTLs are checked lazily: on get (an expired entry is a miss) and by
 *     the CLOCK hand, which drops expired entries it passes.
 *
 * Retiring: entries leave the table at once but are freed only in
 * lookup_cache_release(), because output rows of the current push cycle
 * may still point at their Values and strings.
 */
#include "runtime/fsql.h"
#include "runtime/lookup.h"
#include "runtime/value_ops.h"

#include <string.h>

typedef struct CacheEntry CacheEntry;

/* 48 bytes of header, so that the key and the first row start in the
 * block's first cache lines.  Block layout: header, n_keys key Values,
 * n_rows * n_fields row Values, the LRU links (LRU policy only), the
 * string bytes. */
struct CacheEntry {
    CacheEntry *next; /* hash chain, or the retired list */
    uint64_t hash;
    int64_t write_ms;  /* when put */
    int64_t access_ms; /* last hit (expire-after-access) */
    uint32_t n_rows;   /* dim rows of the key (0: a cached miss) */
    uint32_t slot;     /* CLOCK ring index */
    uint32_t bytes;    /* size of the whole block */
    uint8_t ref;       /* CLOCK reference bit */
    Value keys[];      /* n_keys, then the rows */
};

_Static_assert(sizeof(CacheEntry) == 48, "CacheEntry header size");

typedef struct LruLinks {
    CacheEntry *prev; /* towards the most recent */
    CacheEntry *next; /* towards the least recent */
} LruLinks;

struct LookupCache {
    LookupCacheDef def;
    LookupCachePolicy policy;
    uint32_t n_keys;
    const RtType *key_types; /* borrowed (Program arena) */
    uint32_t n_fields;
    const RtType *field_types; /* borrowed */
    bool is_int_key;           /* one integer-like key: inline compare */
    CacheEntry **buckets;
    uint64_t mask; /* n_buckets - 1 */
    uint64_t n_entries;
    uint64_t max_buckets; /* growth stops here (from max-rows) */
    /* CLOCK */
    CacheEntry **ring;
    uint64_t ring_len; /* slots in use (live or NULL holes) */
    uint64_t ring_cap;
    uint64_t hand;
    /* LRU */
    CacheEntry *lru_head; /* most recent */
    CacheEntry *lru_tail; /* least recent */
    CacheEntry *retired;  /* waiting for lookup_cache_release */
    LookupCacheStats st;
};

const char *lookup_cache_policy_name(LookupCachePolicy p)
{
    return p == LOOKUP_POLICY_LRU ? "lru" : "clock";
}

static uint64_t pow2_at_least(uint64_t n)
{
    uint64_t p = 16;
    while (p < n && p < ((uint64_t)1 << 40))
        p <<= 1;
    return p;
}

static bool kind_is_int_like(ValueKind k)
{
    switch (k) {
    case VK_BOOL:
    case VK_INT:
    case VK_DATE:
    case VK_TIME:
    case VK_TIMESTAMP:
    case VK_TIMESTAMP_LTZ:
    case VK_INTERVAL_MS:
    case VK_INTERVAL_MONTHS:
        return true;
    default:
        return false;
    }
}

/* The last cache created on this thread (lookup_cache_take_last_new). */
static _Thread_local LookupCache *last_new;

LookupCache *lookup_cache_take_last_new(void)
{
    LookupCache *c = last_new;
    last_new = NULL;
    return c;
}

LookupCache *lookup_cache_new(const LookupCacheDef *def, uint32_t n_keys,
                              const RtType *key_types, uint32_t n_fields,
                              const RtType *field_types,
                              LookupCachePolicy policy)
{
    LookupCache *c = xcalloc(1, sizeof *c);
    c->def = *def;
    c->policy = policy;
    c->n_keys = n_keys;
    c->key_types = key_types;
    c->n_fields = n_fields;
    c->field_types = field_types;
    c->is_int_key = n_keys == 1 && kind_is_int_like(key_types[0].kind);
    c->max_buckets = def->max_rows > 0 ? pow2_at_least((uint64_t)def->max_rows)
                                       : ((uint64_t)1 << 40);
    uint64_t n = 1024;
    if (n > c->max_buckets)
        n = c->max_buckets;
    c->buckets = xcalloc(n, sizeof(CacheEntry *));
    c->mask = n - 1;
    c->st.bytes = n * sizeof(CacheEntry *);
    if (policy == LOOKUP_POLICY_CLOCK) {
        c->ring_cap = 1024;
        if (def->max_rows > 0 && (uint64_t)def->max_rows < c->ring_cap)
            c->ring_cap = (uint64_t)def->max_rows;
        c->ring = xmalloc(c->ring_cap * sizeof(CacheEntry *));
        c->st.bytes += c->ring_cap * sizeof(CacheEntry *);
    }
    last_new = c;
    return c;
}

static void free_chain(CacheEntry *e)
{
    while (e) {
        CacheEntry *n = e->next;
        xfree(e);
        e = n;
    }
}

void lookup_cache_free(LookupCache *c)
{
    if (!c)
        return;
    if (last_new == c)
        last_new = NULL;
    for (uint64_t i = 0; i <= c->mask; i++)
        free_chain(c->buckets[i]);
    free_chain(c->retired);
    xfree(c->buckets);
    xfree(c->ring);
    xfree(c);
}

uint64_t lookup_cache_hash(const LookupCache *c, const Value *key)
{
    if (c->is_int_key) {
        uint64_t x = (uint64_t)key[0].u.i;
        x ^= x >> 30;
        x *= 0xBF58476D1CE4E5B9ULL;
        x ^= x >> 27;
        x *= 0x94D049BB133111EBULL;
        x ^= x >> 31;
        return x;
    }
    uint64_t h = 0x9E3779B97F4A7C15ULL;
    for (uint32_t i = 0; i < c->n_keys; i++) {
        h ^= value_hash(&key[i], &c->key_types[i]);
        h *= 0xFF51AFD7ED558CCDULL;
        h ^= h >> 32;
    }
    return h;
}

void lookup_cache_prefetch(const LookupCache *c, uint64_t h)
{
#if defined(__GNUC__)
    CacheEntry *const *b = &c->buckets[h & c->mask];
    __builtin_prefetch(b);
#else
    (void)c;
    (void)h;
#endif
}

void lookup_cache_prefetch_entry(const LookupCache *c, uint64_t h)
{
#if defined(__GNUC__)
    const CacheEntry *e = c->buckets[h & c->mask];
    if (e) {
        __builtin_prefetch(e);
        __builtin_prefetch((const char *)e + 64);
    }
#else
    (void)c;
    (void)h;
#endif
}

static bool keys_equal(const LookupCache *c, const CacheEntry *e,
                       const Value *key)
{
    if (c->is_int_key)
        return e->keys[0].u.i == key[0].u.i;
    for (uint32_t i = 0; i < c->n_keys; i++)
        if (!value_equal(&e->keys[i], &key[i], &c->key_types[i]))
            return false;
    return true;
}

/* ---- eviction state --------------------------------------------------- */

static inline Value *entry_rows(const LookupCache *c, CacheEntry *e)
{
    return e->keys + c->n_keys;
}

static inline LruLinks *lru(const LookupCache *c, CacheEntry *e)
{
    return (LruLinks *)(entry_rows(c, e) + (size_t)e->n_rows * c->n_fields);
}

static void lru_unlink(LookupCache *c, CacheEntry *e)
{
    LruLinks *l = lru(c, e);
    if (l->prev)
        lru(c, l->prev)->next = l->next;
    else
        c->lru_head = l->next;
    if (l->next)
        lru(c, l->next)->prev = l->prev;
    else
        c->lru_tail = l->prev;
    l->prev = l->next = NULL;
}

static void lru_push_front(LookupCache *c, CacheEntry *e)
{
    LruLinks *l = lru(c, e);
    l->prev = NULL;
    l->next = c->lru_head;
    if (c->lru_head)
        lru(c, c->lru_head)->prev = e;
    c->lru_head = e;
    if (!c->lru_tail)
        c->lru_tail = e;
}

/* Take e out of the hash table and the eviction state and retire it. */
static void entry_remove(LookupCache *c, CacheEntry *e)
{
    CacheEntry **pp = &c->buckets[e->hash & c->mask];
    while (*pp && *pp != e)
        pp = &(*pp)->next;
    if (*pp)
        *pp = e->next;
    if (c->policy == LOOKUP_POLICY_LRU)
        lru_unlink(c, e);
    else
        c->ring[e->slot] = NULL;
    c->n_entries--;
    c->st.n_keys--;
    c->st.n_rows -= e->n_rows;
    e->next = c->retired;
    c->retired = e;
}

static bool entry_expired(const LookupCache *c, const CacheEntry *e,
                          int64_t now_ms)
{
    if (c->def.expire_after_write_ms >= 0 &&
        now_ms - e->write_ms >= c->def.expire_after_write_ms)
        return true;
    if (c->def.expire_after_access_ms >= 0 &&
        now_ms - e->access_ms >= c->def.expire_after_access_ms)
        return true;
    return false;
}

/* CLOCK: find a ring slot for a new entry, evicting when the cache is
 * full.  Expired entries the hand passes are dropped on the way. */
static uint64_t clock_slot(LookupCache *c, int64_t now_ms)
{
    bool is_full =
        c->def.max_rows > 0 && c->n_entries >= (uint64_t)c->def.max_rows;
    if (!is_full && c->ring_len < c->ring_cap)
        return c->ring_len++;
    if (!is_full && c->ring_len == c->ring_cap &&
        (c->def.max_rows < 0 || c->ring_cap < (uint64_t)c->def.max_rows)) {
        uint64_t cap = c->ring_cap * 2;
        if (c->def.max_rows > 0 && cap > (uint64_t)c->def.max_rows)
            cap = (uint64_t)c->def.max_rows;
        c->ring = xrealloc(c->ring, cap * sizeof(CacheEntry *));
        c->st.bytes += (cap - c->ring_cap) * sizeof(CacheEntry *);
        c->ring_cap = cap;
        return c->ring_len++;
    }
    /* Sweep.  Terminates: within two turns every reference bit is
     * clear, or a hole is found. */
    for (;;) {
        if (c->hand >= c->ring_len)
            c->hand = 0;
        uint64_t i = c->hand++;
        CacheEntry *e = c->ring[i];
        if (!e) {
            if (!is_full)
                return i;
            continue;
        }
        if (entry_expired(c, e, now_ms)) {
            entry_remove(c, e);
            c->st.expirations++;
            is_full = false;
            return i;
        }
        if (e->ref && is_full) {
            e->ref = 0;
            continue;
        }
        if (!is_full)
            continue;
        entry_remove(c, e);
        c->st.evictions++;
        return i;
    }
}

static void grow_table(LookupCache *c)
{
    uint64_t n = (c->mask + 1) * 2;
    CacheEntry **nb = xcalloc(n, sizeof(CacheEntry *));
    for (uint64_t i = 0; i <= c->mask; i++) {
        CacheEntry *e = c->buckets[i];
        while (e) {
            CacheEntry *next = e->next;
            CacheEntry **b = &nb[e->hash & (n - 1)];
            e->next = *b;
            *b = e;
            e = next;
        }
    }
    xfree(c->buckets);
    c->st.bytes += (n - (c->mask + 1)) * sizeof(CacheEntry *);
    c->buckets = nb;
    c->mask = n - 1;
}

/* ---- get / put -------------------------------------------------------- */

bool lookup_cache_get(LookupCache *c, const Value *key, uint64_t h,
                      int64_t now_ms, LookupRows *out)
{
    CacheEntry *e = c->buckets[h & c->mask];
    while (e && (e->hash != h || !keys_equal(c, e, key)))
        e = e->next;
    if (!e) {
        c->st.misses++;
        return false;
    }
    if (unlikely(entry_expired(c, e, now_ms))) {
        entry_remove(c, e);
        c->st.expirations++;
        c->st.misses++;
        return false;
    }
    e->access_ms = now_ms;
    if (c->policy == LOOKUP_POLICY_CLOCK) {
        e->ref = 1;
    } else if (c->lru_head != e) {
        lru_unlink(c, e);
        lru_push_front(c, e);
    }
    c->st.hits++;
    out->n_rows = e->n_rows;
    out->rows = entry_rows(c, e);
    return true;
}

static size_t string_bytes(const Value *v, uint32_t n)
{
    size_t s = 0;
    for (uint32_t i = 0; i < n; i++)
        if (!v[i].is_null && (v[i].kind == VK_STRING || v[i].kind == VK_BYTES))
            s += v[i].u.s.len;
    return s;
}

/* Copy n values into dst, their string bytes to *pool (advanced). */
static void copy_values(Value *dst, const Value *src, uint32_t n, char **pool)
{
    for (uint32_t i = 0; i < n; i++) {
        dst[i] = src[i];
        if (!src[i].is_null &&
            (src[i].kind == VK_STRING || src[i].kind == VK_BYTES) &&
            src[i].u.s.len) {
            memcpy(*pool, src[i].u.s.ptr, src[i].u.s.len);
            dst[i].u.s.ptr = *pool;
            *pool += src[i].u.s.len;
        }
    }
}

void lookup_cache_put(LookupCache *c, const Value *key, uint64_t h,
                      const LookupRows *rows, int64_t now_ms, LookupRows *out)
{
    if (rows->n_rows == 0 && !c->def.cache_missing_key) {
        if (out)
            *out = *rows;
        return;
    }
    /* A stale copy of the key (e.g. get() was not called first). */
    CacheEntry *old = c->buckets[h & c->mask];
    while (old && (old->hash != h || !keys_equal(c, old, key)))
        old = old->next;
    if (old) {
        entry_remove(c, old);
        c->st.expirations++;
    }

    size_t n_vals = (size_t)rows->n_rows * c->n_fields;
    size_t sbytes = string_bytes(key, c->n_keys) +
                    string_bytes(rows->rows, (uint32_t)n_vals);
    size_t links = c->policy == LOOKUP_POLICY_LRU ? sizeof(LruLinks) : 0;
    size_t size = sizeof(CacheEntry) + (c->n_keys + n_vals) * sizeof(Value) +
                  links + sbytes;
    CacheEntry *e = xmalloc(size);
    memset(e, 0, sizeof *e);
    e->hash = h;
    e->write_ms = now_ms;
    e->access_ms = now_ms;
    e->n_rows = rows->n_rows;
    e->bytes = (uint32_t)size;
    Value *erows = entry_rows(c, e);
    char *pool = (char *)(erows + n_vals) + links;
    copy_values(e->keys, key, c->n_keys, &pool);
    copy_values(erows, rows->rows, (uint32_t)n_vals, &pool);

    if (c->policy == LOOKUP_POLICY_CLOCK) {
        uint64_t slot = clock_slot(c, now_ms);
        c->ring[slot] = e;
        e->slot = (uint32_t)slot;
    } else {
        while (c->def.max_rows > 0 &&
               c->n_entries >= (uint64_t)c->def.max_rows && c->lru_tail) {
            CacheEntry *victim = c->lru_tail;
            bool is_expired = entry_expired(c, victim, now_ms);
            entry_remove(c, victim);
            if (is_expired)
                c->st.expirations++;
            else
                c->st.evictions++;
        }
        lru_push_front(c, e);
    }
    if (c->n_entries + 1 > c->mask + 1 && c->mask + 1 < c->max_buckets)
        grow_table(c);
    CacheEntry **b = &c->buckets[h & c->mask];
    e->next = *b;
    *b = e;
    c->n_entries++;
    c->st.n_keys++;
    c->st.n_rows += e->n_rows;
    c->st.loads++;
    c->st.bytes += size;
    if (out) {
        out->n_rows = e->n_rows;
        out->rows = erows;
    }
}

void lookup_cache_release(LookupCache *c)
{
    CacheEntry *e = c->retired;
    while (e) {
        CacheEntry *n = e->next;
        c->st.bytes -= e->bytes;
        xfree(e);
        e = n;
    }
    c->retired = NULL;
}

LookupCacheStats lookup_cache_stats(const LookupCache *c)
{
    return c->st;
}

int lookup_fetch(LookupCache *c, LookupReader *r, const Value *key, uint64_t h,
                 int64_t now_ms, Arena *a, LookupRows *out, uint64_t *n_reads,
                 uint64_t *n_failed, FsqlErr *err)
{
    if (c && lookup_cache_get(c, key, h, now_ms, out))
        return FSQL_OK;
    out->n_rows = 0;
    out->rows = NULL;
    if (!r)
        return FSQL_OK;
    (*n_reads)++;
    int rc = r->v->get(r, key, a, out, err);
    if (rc < 0)
        return rc;
    if (rc == LOOKUP_DEGRADED) { /* the row passes unmatched, not cached */
        (*n_failed)++;
        out->n_rows = 0;
        return FSQL_OK;
    }
    if (c)
        lookup_cache_put(c, key, h, out, now_ms, out);
    return FSQL_OK;
}
