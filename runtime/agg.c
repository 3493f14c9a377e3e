/*
 * agg.c - the aggregate functions (see agg.h): the counted string pool
 * (which also hands out the blocks of DISTINCT sets), the containers
 * aggregate state grows into (a FIFO/deque of Values, a counted multiset
 * of Values and the compact one-word multiset), and one AggDef per
 * function.
 *
 * Memory of DISTINCT (issue 4, 1,000,000 partitions): for one-word types
 * and strings the 16-byte DISTINCT header in the state holds the first
 * value inline (value word + count); a second value moves the set to a
 * block of 16-byte entries carved from the pool's chunks (free list per
 * size class; blocks past 2 KB malloc'd and listed in the pool), so
 * neither creating nor dropping a set calls malloc/free, and an operator
 * tearing down drops all sets with the pool (agg_fini_teardown,
 * agg_teardown_needed).  DOUBLE and DECIMAL keep the Value multiset.
 *
 * Numerics:
 *  - integer SUM/AVG keep an exact 128-bit sum and wrap to the result
 *    width at the end, which equals Java's step-by-step wrapping (modular
 *    arithmetic is associative);
 *  - DECIMAL sums are exact unscaled 128-bit integers at the argument's
 *    scale; AVG divides with decimal_div (Flink's division, HALF_UP);
 *  - DOUBLE sums use Neumaier's compensated summation, so adding and
 *    retracting the same rows returns to the exact start;
 *  - the variance family keeps exact sums of x and x*x for integers and
 *    DECIMAL (variance = (n*S2 - S1^2) / (n*(n-1)), divided exactly, the
 *    square root through long double) and Welford's running mean and M2,
 *    with the inverse update, for DOUBLE.
 */
#include "runtime/fsql.h"
#include "runtime/agg.h"
#include "runtime/checkpoint.h"
#include "runtime/decimal.h"
#include "runtime/str.h"
#include "runtime/value_ops.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* ---- counted string pool ------------------------------------------------ */

/* 4-byte aligned (entries are packed at 4-byte steps): the hash chain
 * link is kept as bytes, read and written with memcpy (ent_next). */
typedef struct StrEnt {
    uint32_t hash;       /* bytes_hash, low 32 bits */
    uint32_t len;
    uint32_t refs;
    unsigned char next[sizeof(void *)]; /* hash chain (a StrEnt *) */
    char bytes[];        /* at offset 20 (SP_HDR) */
} StrEnt;

#define SP_HDR offsetof(StrEnt, bytes)

static inline StrEnt *ent_next(const StrEnt *e)
{
    StrEnt *n;
    memcpy(&n, e->next, sizeof n);
    return n;
}

static inline void ent_set_next(StrEnt *e, const StrEnt *n)
{
    memcpy(e->next, &n, sizeof n);
}

/* Entries up to SP_SMALL bytes (header included) come from slab chunks,
 * one free list per 4-byte size class (SP_SCLASS), so interning a string
 * costs no malloc once the pool has grown; larger ones use xmalloc.  (A
 * 12-byte IP address takes 32 bytes, a 13-byte one 36.)  The blocks for
 * DISTINCT sets (strpool_block_alloc) use 8-byte classes (SP_CLASS) and
 * 8-byte alignment. */
#define SP_SCLASS 4u
#define SP_CLASS 8u
#define SP_SMALL 128u
#define SP_CHUNK 65536u
/* Entries per hash bucket before the table doubles (8 to 16 bytes of
 * table per entry).  2 (4 to 8 bytes) was measured: 8 bytes less per
 * retained row with 1,000,000 OVER partitions, but 8% slower there, the
 * longer chains costing cache misses. */
#define SP_LOAD 1u
#define SP_BLK_MAX 2048u /* larger blocks: xmalloc */

typedef struct SpChunk {
    struct SpChunk *next;
    max_align_t pad[]; /* entries follow */
} SpChunk;

struct StrPool {
    StrEnt **buckets;
    size_t mask;  /* n_buckets - 1 */
    size_t count; /* entries */
    size_t bytes; /* allocated for entries */
    StrEnt *free_list[SP_SMALL / SP_SCLASS]; /* linked by next */
    SpChunk *chunks;
    char *bump, *bump_end; /* unused part of the newest chunk */
    void *blk_free[SP_BLK_MAX / SP_CLASS]; /* strpool_block_* free lists */
    size_t blk_bytes; /* handed out by strpool_block_alloc */
    struct BigBlk *big; /* larger blocks, freed with the pool */
    size_t n_big_str;   /* entries larger than SP_SMALL (malloc'd) */
    size_t mem;         /* chunks, large entries and large blocks */
};

/* Header of a block larger than SP_BLK_MAX (malloc'd, on StrPool.big). */
typedef struct BigBlk {
    struct BigBlk *prev, *next;
} BigBlk;

/* Bytes an entry of n string bytes takes (its size class when small). */
static size_t sp_size(uint32_t n)
{
    size_t sz = SP_HDR + n;
    if (sz > SP_SMALL)
        return sz;
    return (sz + SP_SCLASS - 1) / SP_SCLASS * SP_SCLASS;
}

/* sz bytes (a multiple of 4) from the newest chunk, at a multiple of
 * align (4 or 8). */
static void *sp_bump(StrPool *p, size_t sz, size_t align)
{
    p->bump = (char *)(((uintptr_t)p->bump + align - 1) &
                       ~(uintptr_t)(align - 1));
    if (p->bump > p->bump_end || (size_t)(p->bump_end - p->bump) < sz) {
        SpChunk *ch = xmalloc(SP_CHUNK);
        p->mem += SP_CHUNK;
        ch->next = p->chunks;
        p->chunks = ch;
        p->bump = (char *)(ch + 1);
        p->bump = (char *)(((uintptr_t)p->bump + 15u) & ~(uintptr_t)15u);
        p->bump_end = (char *)ch + SP_CHUNK;
    }
    void *b = p->bump;
    p->bump += sz;
    return b;
}

static StrEnt *sp_alloc(StrPool *p, uint32_t n)
{
    size_t sz = sp_size(n);
    if (sz > SP_SMALL) {
        p->n_big_str++;
        p->mem += sz;
        return xmalloc(sz);
    }
    size_t c = sz / SP_SCLASS - 1;
    StrEnt *e = p->free_list[c];
    if (e) {
        p->free_list[c] = ent_next(e);
        return e;
    }
    return sp_bump(p, sz, SP_SCLASS);
}

/* Blocks for aggregate state (DISTINCT sets) from the pool's chunks: one
 * free list per 16-byte size class, all released with the pool. */
static void *strpool_block_alloc(StrPool *p, size_t sz)
{
    sz = (sz + SP_CLASS - 1) / SP_CLASS * SP_CLASS;
    p->blk_bytes += sz;
    if (sz > SP_BLK_MAX) {
        p->mem += sizeof(BigBlk) + sz;
        BigBlk *bb = xmalloc(sizeof(BigBlk) + sz);
        bb->prev = NULL;
        bb->next = p->big;
        if (p->big)
            p->big->prev = bb;
        p->big = bb;
        return bb + 1;
    }
    size_t c = sz / SP_CLASS - 1;
    void *b = p->blk_free[c];
    if (b) {
        memcpy(&p->blk_free[c], b, sizeof(void *));
        return b;
    }
    return sp_bump(p, sz, SP_CLASS);
}

static void strpool_block_free(StrPool *p, void *b, size_t sz)
{
    sz = (sz + SP_CLASS - 1) / SP_CLASS * SP_CLASS;
    p->blk_bytes -= sz;
    if (sz > SP_BLK_MAX) {
        p->mem -= sizeof(BigBlk) + sz;
        BigBlk *bb = (BigBlk *)b - 1;
        if (bb->prev)
            bb->prev->next = bb->next;
        else
            p->big = bb->next;
        if (bb->next)
            bb->next->prev = bb->prev;
        xfree(bb);
        return;
    }
    size_t c = sz / SP_CLASS - 1;
    memcpy(b, &p->blk_free[c], sizeof(void *));
    p->blk_free[c] = b;
}

static void sp_release(StrPool *p, StrEnt *e)
{
    size_t sz = sp_size(e->len);
    if (sz > SP_SMALL) {
        p->n_big_str--;
        p->mem -= sz;
        xfree(e);
        return;
    }
    size_t c = sz / SP_SCLASS - 1;
    ent_set_next(e, p->free_list[c]);
    p->free_list[c] = e;
}

static const char empty_str[1] = "";

StrPool *strpool_new(void)
{
    StrPool *p = xcalloc(1, sizeof *p);
    p->mask = 255;
    p->buckets = xcalloc(p->mask + 1, sizeof(StrEnt *));
    return p;
}

void strpool_free(StrPool *p)
{
    if (!p)
        return;
    /* Only entries too large for the chunks need a visit. */
    for (size_t i = 0; p->n_big_str && i <= p->mask; i++) {
        StrEnt *e = p->buckets[i];
        while (e) {
            StrEnt *n = ent_next(e);
            if (sp_size(e->len) > SP_SMALL)
                xfree(e);
            e = n;
        }
    }
    while (p->chunks) {
        SpChunk *n = p->chunks->next;
        xfree(p->chunks);
        p->chunks = n;
    }
    while (p->big) {
        BigBlk *n = p->big->next;
        xfree(p->big);
        p->big = n;
    }
    xfree(p->buckets);
    xfree(p);
}

static uint64_t bytes_hash(const char *s, uint32_t n)
{
    Str x = {s, n};
    return str_hash(x);
}

static void strpool_grow(StrPool *p)
{
    size_t n = (p->mask + 1) * 2;
    StrEnt **nb = xcalloc(n, sizeof(StrEnt *));
    for (size_t i = 0; i <= p->mask; i++) {
        StrEnt *e = p->buckets[i];
        while (e) {
            StrEnt *next = ent_next(e);
            size_t b = e->hash & (n - 1);
            ent_set_next(e, nb[b]);
            nb[b] = e;
            e = next;
        }
    }
    xfree(p->buckets);
    p->buckets = nb;
    p->mask = n - 1;
}

const char *strpool_ref(StrPool *p, const char *s, uint32_t n)
{
    if (n == 0)
        return empty_str;
    uint32_t h = (uint32_t)bytes_hash(s, n);
    StrEnt **b = &p->buckets[h & p->mask];
    for (StrEnt *e = *b; e; e = ent_next(e)) {
        if (e->hash == h && e->len == n && memcmp(e->bytes, s, n) == 0) {
            e->refs++;
            return e->bytes;
        }
    }
    StrEnt *e = sp_alloc(p, n);
    e->hash = h;
    e->len = n;
    e->refs = 1;
    memcpy(e->bytes, s, n);
    ent_set_next(e, *b);
    *b = e;
    p->count++;
    p->bytes += SP_HDR + n;
    if (p->count > SP_LOAD * (p->mask + 1))
        strpool_grow(p);
    return e->bytes;
}

static StrEnt *ent_of(const char *interned)
{
    return (StrEnt *)(void *)((char *)(uintptr_t)interned -
                              offsetof(StrEnt, bytes));
}

void strpool_addref(StrPool *p, const char *interned, uint32_t n)
{
    (void)p;
    if (n == 0)
        return;
    ent_of(interned)->refs++;
}

uint32_t strpool_len(const char *interned)
{
    return ent_of(interned)->len;
}

void strpool_unref(StrPool *p, const char *interned, uint32_t n)
{
    if (n == 0)
        return;
    StrEnt *e = ent_of(interned);
    FSQL_ASSERT(e->refs > 0 && e->len == n);
    if (--e->refs > 0)
        return;
    StrEnt **head = &p->buckets[e->hash & p->mask];
    if (*head == e) {
        *head = ent_next(e);
    } else {
        StrEnt *x = *head;
        while (ent_next(x) != e)
            x = ent_next(x);
        ent_set_next(x, ent_next(e));
    }
    p->count--;
    p->bytes -= SP_HDR + e->len;
    sp_release(p, e);
}

size_t strpool_count(const StrPool *p)
{
    return p ? p->count : 0;
}

size_t strpool_bytes(const StrPool *p)
{
    return p ? p->bytes + (p->mask + 1) * sizeof(StrEnt *) : 0;
}

size_t strpool_mem_bytes(const StrPool *p, size_t *blocks)
{
    if (blocks)
        *blocks = p ? p->blk_bytes : 0;
    return p ? p->mem + (p->mask + 1) * sizeof(StrEnt *) : 0;
}

void strpool_prefetch(const StrPool *p, const char *s, uint32_t n,
                      int stage)
{
    if (n == 0)
        return;
    StrEnt *const *b = &p->buckets[(uint32_t)bytes_hash(s, n) & p->mask];
    if (stage == 0)
        __builtin_prefetch(b);
    else if (*b)
        __builtin_prefetch(*b);
}

static inline bool is_strkind(const Value *v)
{
    return !v->is_null && (v->kind == VK_STRING || v->kind == VK_BYTES);
}

void value_keep(StrPool *p, Value *dst, const Value *src)
{
    *dst = *src;
    if (is_strkind(src))
        dst->u.s.ptr = strpool_ref(p, src->u.s.ptr, src->u.s.len);
}

void value_unkeep(StrPool *p, const Value *v)
{
    if (is_strkind(v))
        strpool_unref(p, v->u.s.ptr, v->u.s.len);
}

/* Copy a kept value out for a result (strings into the arena). */
static void value_out(Value *out, const Value *v, Arena *a)
{
    if (is_strkind(v) && a)
        value_copy_to(a, out, v);
    else
        *out = *v;
}

/* Keep an argument value in state: with AggSpec.is_interned its string
 * is already a pool reference (one more reference, no hashing). */
static void keep_arg(const AggSpec *sp, Value *dst, const Value *src)
{
    if (sp->is_interned && is_strkind(src)) {
        *dst = *src;
        strpool_addref(sp->pool, src->u.s.ptr, src->u.s.len);
        return;
    }
    value_keep(sp->pool, dst, src);
}

/* value_hash, using the pool's stored hash for interned strings (the same
 * function of the bytes, so keys hash alike either way; strings keep its
 * low 32 bits, as the pool does). */
static uint64_t arg_hash(const AggSpec *sp, const Value *v)
{
    if (!is_strkind(v))
        return value_hash(v, &sp->arg);
    if (sp->is_interned && v->u.s.len)
        return ent_of(v->u.s.ptr)->hash;
    return (uint32_t)value_hash(v, &sp->arg);
}

/* ---- a ring of Values with their step index (FIFO and deque) ---------- */

typedef struct QEnt {
    Value v;
    uint64_t idx; /* step number of the row the value came from */
} QEnt;

typedef struct VQueue {
    QEnt *buf;
    uint32_t head, n, cap; /* cap: power of two (or 0) */
} VQueue;

static void vq_grow(VQueue *q)
{
    uint32_t ncap = q->cap ? q->cap * 2 : 4;
    QEnt *nb = xmalloc(sizeof(QEnt) * ncap);
    for (uint32_t i = 0; i < q->n; i++)
        nb[i] = q->buf[(q->head + i) & (q->cap - 1)];
    xfree(q->buf);
    q->buf = nb;
    q->cap = ncap;
    q->head = 0;
}

static inline QEnt *vq_at(const VQueue *q, uint32_t i)
{
    return &q->buf[(q->head + i) & (q->cap - 1)];
}

static inline void vq_push(VQueue *q, const Value *v, uint64_t idx)
{
    if (q->n == q->cap)
        vq_grow(q);
    QEnt *e = &q->buf[(q->head + q->n) & (q->cap - 1)];
    e->v = *v;
    e->idx = idx;
    q->n++;
}

static inline void vq_pop_front(VQueue *q)
{
    q->head = (q->head + 1) & (q->cap - 1);
    q->n--;
}

static void vq_clear(StrPool *p, VQueue *q)
{
    for (uint32_t i = 0; i < q->n; i++)
        value_unkeep(p, &vq_at(q, i)->v);
    xfree(q->buf);
    memset(q, 0, sizeof *q);
}

/* ---- counted multiset (DISTINCT) --------------------------------------- */

typedef struct MEnt {
    Value key;     /* kept (pool reference for strings) */
    uint64_t hash;
    int64_t count; /* 0: empty slot */
} MEnt;

typedef struct MultiSet {
    MEnt *slots;
    uint32_t cap;  /* power of two */
    uint32_t n;    /* distinct keys */
} MultiSet;

static MultiSet *mset_new(void)
{
    MultiSet *m = xmalloc(sizeof *m);
    m->cap = 4;
    m->n = 0;
    m->slots = xcalloc(m->cap, sizeof(MEnt));
    return m;
}

static void mset_free(StrPool *p, MultiSet *m)
{
    if (!m)
        return;
    for (uint32_t i = 0; i < m->cap; i++)
        if (m->slots[i].count)
            value_unkeep(p, &m->slots[i].key);
    xfree(m->slots);
    xfree(m);
}

static void mset_grow(MultiSet *m)
{
    uint32_t ncap = m->cap * 2;
    MEnt *ns = xcalloc(ncap, sizeof(MEnt));
    for (uint32_t i = 0; i < m->cap; i++) {
        MEnt *e = &m->slots[i];
        if (!e->count)
            continue;
        uint32_t j = (uint32_t)e->hash & (ncap - 1);
        while (ns[j].count)
            j = (j + 1) & (ncap - 1);
        ns[j] = *e;
    }
    xfree(m->slots);
    m->slots = ns;
    m->cap = ncap;
}

/* Slot of key, or of the empty slot where it would go. */
static uint32_t mset_find(const MultiSet *m, const Value *k, uint64_t h,
                          const RtType *t)
{
    uint32_t j = (uint32_t)h & (m->cap - 1);
    for (;;) {
        const MEnt *e = &m->slots[j];
        if (!e->count)
            return j;
        if (e->hash == h &&
            ((is_strkind(k) && e->key.u.s.ptr == k->u.s.ptr &&
              e->key.u.s.len == k->u.s.len) ||
             value_equal(&e->key, k, t)))
            return j;
        j = (j + 1) & (m->cap - 1);
    }
}

/* Add one k; returns the new count. */
static int64_t mset_add(const AggSpec *sp, MultiSet *m, const Value *k)
{
    const RtType *t = &sp->arg;
    uint64_t h = arg_hash(sp, k);
    uint32_t j = mset_find(m, k, h, t);
    MEnt *e = &m->slots[j];
    if (e->count)
        return ++e->count;
    keep_arg(sp, &e->key, k);
    e->hash = h;
    e->count = 1;
    m->n++;
    if (m->n * 4 > m->cap * 3)
        mset_grow(m);
    return 1;
}

/* Remove one k; returns the remaining count (-1 if k was absent). */
static int64_t mset_remove(const AggSpec *sp, MultiSet *m, const Value *k)
{
    StrPool *p = sp->pool;
    const RtType *t = &sp->arg;
    uint64_t h = arg_hash(sp, k);
    uint32_t j = mset_find(m, k, h, t);
    MEnt *e = &m->slots[j];
    if (!e->count)
        return -1;
    if (--e->count > 0)
        return e->count;
    value_unkeep(p, &e->key);
    m->n--;
    /* Backward-shift deletion keeps probe chains unbroken. */
    uint32_t mask = m->cap - 1, hole = j, i = j;
    for (;;) {
        i = (i + 1) & mask;
        MEnt *x = &m->slots[i];
        if (!x->count)
            break;
        uint32_t home = (uint32_t)x->hash & mask;
        /* x may move into the hole if its home is not in (hole, i]. */
        bool between = hole <= i ? (home > hole && home <= i)
                                 : (home > hole || home <= i);
        if (!between) {
            m->slots[hole] = *x;
            hole = i;
        }
    }
    m->slots[hole].count = 0;
    return 0;
}

/* ---- compact counted multiset (DISTINCT of narrow types) ---------------- */

/* For the types whose value is one 64-bit word (BOOLEAN, the integer,
 * date/time and interval kinds) or a string/bytes pool reference, an
 * entry is 16 bytes: the word (for strings the interned pointer, 0 for
 * the empty string; the length and hash are the pool entry's) and a
 * count.  The 16-byte DISTINCT header in the state holds one entry
 * inline (most partitions see one or two distinct values); a second
 * distinct value spills the set to a block of CSet from the StrPool's
 * block allocator (size classes with free lists, chunks released with the
 * pool), so a set costs no malloc and nothing at teardown.  Other types
 * (DOUBLE, DECIMAL) use the MultiSet above. */
typedef struct CEnt {
    uint64_t bits;  /* the value word, or the CSet * when spilled */
    uint64_t count; /* 0: empty; CS_SPILL in the header: spilled */
} CEnt;

#define CS_SPILL UINT64_MAX

typedef struct CSet {
    uint32_t cap; /* power of two, >= 4 */
    uint32_t n;   /* distinct keys */
    uint64_t pad;
    CEnt e[];
} CSet;

static bool kind_is_narrow(uint8_t k)
{
    switch (k) {
    case VK_BOOL:
    case VK_INT:
    case VK_STRING:
    case VK_BYTES:
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

static inline bool cs_is_str(const AggSpec *sp)
{
    return sp->arg.kind == VK_STRING || sp->arg.kind == VK_BYTES;
}

static inline CEnt *cs_hdr(void *st)
{
    return (CEnt *)st;
}

static inline CSet *cs_set(const CEnt *h)
{
    return (CSet *)(uintptr_t)h->bits;
}

static size_t cs_bytes(uint32_t cap)
{
    return sizeof(CSet) + (size_t)cap * sizeof(CEnt);
}

/* The Value a stored word stands for. */
static Value cs_value(const AggSpec *sp, uint64_t bits)
{
    Value v;
    memset(&v, 0, sizeof v);
    v.kind = (uint8_t)sp->arg.kind;
    if (cs_is_str(sp)) {
        if (bits) {
            v.u.s.ptr = (const char *)(uintptr_t)bits;
            v.u.s.len = ent_of(v.u.s.ptr)->len;
        } else {
            v.u.s.ptr = empty_str;
        }
    } else {
        v.u.i = (int64_t)bits;
    }
    return v;
}

static inline uint64_t cs_mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return x;
}

/* Hash of a probe value (content hash for strings, as the pool's). */
static uint64_t cs_hash_probe(const AggSpec *sp, const Value *k)
{
    if (cs_is_str(sp))
        return arg_hash(sp, k);
    return cs_mix((uint64_t)k->u.i);
}

static uint64_t cs_hash_stored(const AggSpec *sp, uint64_t bits)
{
    if (cs_is_str(sp)) {
        if (bits)
            return ent_of((const char *)(uintptr_t)bits)->hash;
        Value v = cs_value(sp, 0);
        return value_hash(&v, &sp->arg);
    }
    return cs_mix(bits);
}

static bool cs_equal(const AggSpec *sp, uint64_t bits, const Value *k)
{
    if (!cs_is_str(sp))
        return bits == (uint64_t)k->u.i;
    if (k->u.s.len == 0)
        return bits == 0;
    if (bits == 0)
        return false;
    const char *s = (const char *)(uintptr_t)bits;
    if (s == k->u.s.ptr)
        return true;
    if (sp->is_interned) /* both interned: equal bytes, same pointer */
        return false;
    const StrEnt *e = ent_of(s);
    return e->len == k->u.s.len && memcmp(s, k->u.s.ptr, e->len) == 0;
}

/* Keep k (a pool reference for strings) as a word. */
static uint64_t cs_keep(const AggSpec *sp, const Value *k)
{
    if (!cs_is_str(sp))
        return (uint64_t)k->u.i;
    if (k->u.s.len == 0)
        return 0;
    Value v;
    keep_arg(sp, &v, k);
    return (uint64_t)(uintptr_t)v.u.s.ptr;
}

static void cs_unkeep(const AggSpec *sp, uint64_t bits)
{
    if (cs_is_str(sp) && bits) {
        const char *s = (const char *)(uintptr_t)bits;
        strpool_unref(sp->pool, s, ent_of(s)->len);
    }
}

static CSet *cs_alloc(StrPool *p, uint32_t cap)
{
    CSet *s = strpool_block_alloc(p, cs_bytes(cap));
    memset(s, 0, cs_bytes(cap));
    s->cap = cap;
    return s;
}

/* Slot of the probe k (h its hash), or of the empty slot for it. */
static uint32_t cs_find(const AggSpec *sp, const CSet *s, const Value *k,
                        uint64_t h)
{
    uint32_t mask = s->cap - 1, j = (uint32_t)h & mask;
    while (s->e[j].count && !cs_equal(sp, s->e[j].bits, k))
        j = (j + 1) & mask;
    return j;
}

static void cs_put(const AggSpec *sp, CSet *s, uint64_t bits, uint64_t c)
{
    uint32_t mask = s->cap - 1;
    uint32_t j = (uint32_t)cs_hash_stored(sp, bits) & mask;
    while (s->e[j].count)
        j = (j + 1) & mask;
    s->e[j].bits = bits;
    s->e[j].count = c;
    s->n++;
}

static CSet *cs_grow(const AggSpec *sp, CSet *s)
{
    CSet *ns = cs_alloc(sp->pool, s->cap * 2);
    for (uint32_t i = 0; i < s->cap; i++)
        if (s->e[i].count)
            cs_put(sp, ns, s->e[i].bits, s->e[i].count);
    strpool_block_free(sp->pool, s, cs_bytes(s->cap));
    return ns;
}

/* Add one k (not NULL); returns the new count. */
static uint64_t cs_add(const AggSpec *sp, void *st, const Value *k)
{
    CEnt *h = cs_hdr(st);
    if (h->count == 0) {
        h->bits = cs_keep(sp, k);
        h->count = 1;
        return 1;
    }
    if (h->count != CS_SPILL) {
        if (cs_equal(sp, h->bits, k))
            return ++h->count;
        CSet *s = cs_alloc(sp->pool, 4);
        cs_put(sp, s, h->bits, h->count);
        cs_put(sp, s, cs_keep(sp, k), 1);
        h->bits = (uint64_t)(uintptr_t)s;
        h->count = CS_SPILL;
        return 1;
    }
    CSet *s = cs_set(h);
    uint64_t hh = cs_hash_probe(sp, k);
    uint32_t j = cs_find(sp, s, k, hh);
    if (s->e[j].count)
        return ++s->e[j].count;
    s->e[j].bits = cs_keep(sp, k);
    s->e[j].count = 1;
    s->n++;
    if (s->n * 4 > s->cap * 3)
        h->bits = (uint64_t)(uintptr_t)cs_grow(sp, s);
    return 1;
}

/* Remove one k; returns the remaining count (-1 if k was absent). */
static int64_t cs_remove(const AggSpec *sp, void *st, const Value *k)
{
    CEnt *h = cs_hdr(st);
    if (h->count == 0)
        return -1;
    if (h->count != CS_SPILL) {
        if (!cs_equal(sp, h->bits, k))
            return -1;
        if (--h->count > 0)
            return (int64_t)h->count;
        cs_unkeep(sp, h->bits);
        h->bits = 0;
        return 0;
    }
    CSet *s = cs_set(h);
    uint32_t j = cs_find(sp, s, k, cs_hash_probe(sp, k));
    CEnt *e = &s->e[j];
    if (!e->count)
        return -1;
    if (--e->count > 0)
        return (int64_t)e->count;
    cs_unkeep(sp, e->bits);
    if (--s->n == 0) {
        strpool_block_free(sp->pool, s, cs_bytes(s->cap));
        h->bits = 0;
        h->count = 0;
        return 0;
    }
    /* Backward-shift deletion keeps probe chains unbroken. */
    uint32_t mask = s->cap - 1, hole = j, i = j;
    for (;;) {
        i = (i + 1) & mask;
        CEnt *x = &s->e[i];
        if (!x->count)
            break;
        uint32_t home = (uint32_t)cs_hash_stored(sp, x->bits) & mask;
        bool between = hole <= i ? (home > hole && home <= i)
                                 : (home > hole || home <= i);
        if (!between) {
            s->e[hole] = *x;
            hole = i;
        }
    }
    s->e[hole].count = 0;
    s->e[hole].bits = 0;
    return 0;
}

/* Release what the set holds (teardown: the pool goes right after, so
 * nothing is released one by one). */
static void cs_free(const AggSpec *sp, void *st, bool teardown)
{
    CEnt *h = cs_hdr(st);
    if (!teardown && h->count == CS_SPILL) {
        CSet *s = cs_set(h);
        for (uint32_t i = 0; i < s->cap; i++)
            if (s->e[i].count)
                cs_unkeep(sp, s->e[i].bits);
        strpool_block_free(sp->pool, s, cs_bytes(s->cap));
    } else if (!teardown && h->count) {
        cs_unkeep(sp, h->bits);
    }
    h->bits = 0;
    h->count = 0;
}

static size_t cs_heap(const void *st)
{
    const CEnt *h = st;
    return h->count == CS_SPILL ? cs_bytes(cs_set(h)->cap) : 0;
}

/* ---- helpers ------------------------------------------------------------ */

static inline Value val_null(const AggSpec *sp)
{
    return value_null(sp->res.kind);
}

static inline Value val_i64(int64_t x)
{
    Value v;
    memset(&v, 0, sizeof v);
    v.kind = VK_INT;
    v.u.i = x;
    return v;
}

static inline Value val_f64(double x)
{
    Value v;
    memset(&v, 0, sizeof v);
    v.kind = VK_DOUBLE;
    v.u.f = x;
    return v;
}

static inline Value val_dec(i128 x)
{
    Value v;
    memset(&v, 0, sizeof v);
    value_set_dec(&v, x);
    return v;
}

/* Wrap an integer to the width of an integral SQL type (Java arithmetic). */
static int64_t wrap_int(i128 x, uint8_t sql_kind)
{
    uint64_t u = (uint64_t)(u128)x;
    switch (sql_kind) {
    case RT_SQL_TINYINT:
        return (int8_t)(uint8_t)u;
    case RT_SQL_SMALLINT:
        return (int16_t)(uint16_t)u;
    case RT_SQL_INT:
        return (int32_t)(uint32_t)u;
    default:
        return (int64_t)u;
    }
}

static bool is_integral(ValueKind k)
{
    return k == VK_INT || k == VK_INTERVAL_MS || k == VK_INTERVAL_MONTHS;
}

/* The numeric value of an argument as a double (percentiles, fallbacks). */
static double num_to_double(const Value *v, const RtType *t)
{
    switch (t->kind) {
    case VK_DOUBLE:
        return v->u.f;
    case VK_DECIMAL:
        return decimal_to_double(value_get_dec(v), t->scale);
    default:
        return (double)v->u.i;
    }
}

/* The value argument (PERCENTILE_*(f, x) takes x second). */
static inline const Value *val_arg(const AggSpec *sp, const Value *args)
{
    return &args[sp->value_arg];
}

/* A result of a floating or DECIMAL type from a double. */
static Value res_from_double(const AggSpec *sp, double d)
{
    switch (sp->res.kind) {
    case VK_DOUBLE:
        if (sp->res.sql_kind == RT_SQL_FLOAT)
            d = (double)(float)d;
        return val_f64(d);
    case VK_DECIMAL: {
        i128 x;
        if (decimal_from_double(d, sp->res.precision, sp->res.scale, &x) !=
            DEC_OK)
            return val_null(sp);
        return val_dec(x);
    }
    default:
        if (isnan(d))
            return val_null(sp);
        return val_i64(wrap_int((i128)(int64_t)d, sp->res.sql_kind));
    }
}

/* ---- COUNT ---------------------------------------------------------------- */

typedef struct CountSt {
    int64_t n;
} CountSt;

static void count_init(const AggSpec *sp, void *st)
{
    (void)sp;
    ((CountSt *)st)->n = 0;
}

static bool count_counts(const AggSpec *sp, const Value *args)
{
    for (uint32_t i = 0; i < sp->n_args; i++)
        if (args[i].is_null)
            return false;
    return true;
}

static void count_step(const AggSpec *sp, void *st, const Value *args)
{
    if (count_counts(sp, args))
        ((CountSt *)st)->n++;
}

static void count_inverse(const AggSpec *sp, void *st, const Value *args)
{
    if (count_counts(sp, args))
        ((CountSt *)st)->n--;
}

static void count_merge(const AggSpec *sp, void *st, const void *o)
{
    (void)sp;
    ((CountSt *)st)->n += ((const CountSt *)o)->n;
}

static void count_final(const AggSpec *sp, const void *st, Value *out,
                        Arena *a)
{
    (void)sp;
    (void)a;
    *out = val_i64(((const CountSt *)st)->n);
}

/* ---- SUM, SUM0, AVG --------------------------------------------------------- */

/* 24 bytes, 8-byte aligned: the 128-bit sum as two words (no 16-byte
 * alignment, so no hole in front of the state), the count of non-NULL
 * values.  A DECIMAL sum that leaves the 128-bit range (or reaches its
 * bottom, -2^127, which no sum of 38-digit values inside the range can
 * be told from) becomes SUM_OVF, sticky: the result is NULL from then on,
 * as a sum past 38 digits could not be exact any more. */
typedef struct SumSt {
    union {
        uint64_t w[2];     /* integers and DECIMAL (unscaled, arg scale):
                              low, high word of an i128 */
        struct {
            double f, c;   /* DOUBLE: Neumaier sum and compensation */
        } d;
    } u;
    int64_t n;             /* non-NULL values */
} SumSt;

#define SUM_OVF ((i128)((u128)1 << 127))

static inline i128 sum_get(const SumSt *s)
{
    return (i128)(((u128)s->u.w[1] << 64) | s->u.w[0]);
}

static inline void sum_set(SumSt *s, i128 x)
{
    s->u.w[0] = (uint64_t)(u128)x;
    s->u.w[1] = (uint64_t)((u128)x >> 64);
}

/* s + x for DECIMAL: SUM_OVF past the range, and from then on. */
static inline i128 sum_dec_add(i128 s, i128 x)
{
    i128 r;
    if (s == SUM_OVF || __builtin_add_overflow(s, x, &r))
        return SUM_OVF;
    return r;
}

/* A DECIMAL sum overflowed (integer sums wrap instead). */
static inline bool sum_ovf(const AggSpec *sp, const SumSt *s)
{
    return sp->arg.kind == VK_DECIMAL && sum_get(s) == SUM_OVF;
}

static void sum_init(const AggSpec *sp, void *st)
{
    (void)sp;
    memset(st, 0, sizeof(SumSt));
}

static inline void neumaier_add(double *sum, double *comp, double x)
{
    double t = *sum + x;
    if (fabs(*sum) >= fabs(x))
        *comp += (*sum - t) + x;
    else
        *comp += (x - t) + *sum;
    *sum = t;
}

static void sum_add(const AggSpec *sp, SumSt *s, const Value *v, int sign)
{
    switch (sp->arg.kind) {
    case VK_DOUBLE:
        neumaier_add(&s->u.d.f, &s->u.d.c, sign > 0 ? v->u.f : -v->u.f);
        break;
    case VK_DECIMAL: {
        i128 x = value_get_dec(v);
        sum_set(s, sum_dec_add(sum_get(s), sign < 0 ? -x : x));
        break;
    }
    default: /* wraps like the 128-bit sum it is (Java wraps anyway) */
        sum_set(s, (i128)((u128)sum_get(s) +
                          (u128)(sign > 0 ? (i128)v->u.i : -(i128)v->u.i)));
        break;
    }
    s->n += sign;
    if (s->n == 0) {
        /* Empty again: drop rounding residue of the double sum. */
        if (sp->arg.kind == VK_DOUBLE) {
            s->u.d.f = 0;
            s->u.d.c = 0;
        }
    }
}

static void sum_step(const AggSpec *sp, void *st, const Value *args)
{
    if (!args[0].is_null)
        sum_add(sp, st, &args[0], 1);
}

static void sum_inverse(const AggSpec *sp, void *st, const Value *args)
{
    if (!args[0].is_null)
        sum_add(sp, st, &args[0], -1);
}

static void sum_merge(const AggSpec *sp, void *st, const void *o)
{
    SumSt *s = st;
    const SumSt *x = o;
    if (sp->arg.kind == VK_DOUBLE) {
        neumaier_add(&s->u.d.f, &s->u.d.c, x->u.d.f);
        neumaier_add(&s->u.d.f, &s->u.d.c, x->u.d.c);
    } else if (sp->arg.kind == VK_DECIMAL) {
        i128 b = sum_get(x);
        sum_set(s, b == SUM_OVF ? SUM_OVF : sum_dec_add(sum_get(s), b));
    } else {
        sum_set(s, (i128)((u128)sum_get(s) + (u128)sum_get(x)));
    }
    s->n += x->n;
}

static void sum_result(const AggSpec *sp, const SumSt *s, Value *out,
                       bool zero_if_empty)
{
    if (s->n == 0 && !zero_if_empty) {
        *out = val_null(sp);
        return;
    }
    switch (sp->res.kind) {
    case VK_DOUBLE: {
        double d = s->u.d.f + s->u.d.c;
        if (sp->res.sql_kind == RT_SQL_FLOAT)
            d = (double)(float)d;
        *out = val_f64(d);
        break;
    }
    case VK_DECIMAL: {
        i128 r;
        if (sum_ovf(sp, s) ||
            decimal_rescale(sum_get(s), sp->arg.kind == VK_DECIMAL ? sp->arg.scale
                                                             : 0,
                            sp->res.precision, sp->res.scale,
                            &r) != DEC_OK) {
            *out = val_null(sp);
            return;
        }
        *out = val_dec(r);
        break;
    }
    default:
        *out = val_i64(wrap_int(sum_get(s), sp->res.sql_kind));
        out->kind = (uint8_t)sp->res.kind;
        break;
    }
}

static void sum_final(const AggSpec *sp, const void *st, Value *out, Arena *a)
{
    (void)a;
    sum_result(sp, st, out, false);
}

static void sum0_final(const AggSpec *sp, const void *st, Value *out,
                       Arena *a)
{
    (void)a;
    sum_result(sp, st, out, true);
}

static void avg_final(const AggSpec *sp, const void *st, Value *out, Arena *a)
{
    const SumSt *s = st;
    (void)a;
    if (s->n == 0) {
        *out = val_null(sp);
        return;
    }
    switch (sp->res.kind) {
    case VK_DOUBLE: {
        double d = (s->u.d.f + s->u.d.c) / (double)s->n;
        if (sp->res.sql_kind == RT_SQL_FLOAT)
            d = (double)(float)d;
        *out = val_f64(d);
        break;
    }
    case VK_DECIMAL: {
        i128 r;
        int as = sp->arg.kind == VK_DECIMAL ? sp->arg.scale : 0;
        if (sum_ovf(sp, s) || decimal_div(sum_get(s), as, (i128)s->n, 0, sp->res.precision,
                                  sp->res.scale, &r) != DEC_OK) {
            *out = val_null(sp);
            return;
        }
        *out = val_dec(r);
        break;
    }
    default:
        /* Java: long sum / count, truncated, then narrowed. */
        *out = val_i64(wrap_int(sum_get(s) / s->n, sp->res.sql_kind));
        out->kind = (uint8_t)sp->res.kind;
        break;
    }
}

/* ---- variance family -------------------------------------------------------- */

typedef struct VarSt {
    i128 s1, s2;       /* exact sums of x and x*x (integer / DECIMAL) */
    double mean, m2;   /* Welford (DOUBLE) */
    int64_t n;
    int64_t ovf;       /* exact sums overflowed (use the doubles) */
    double f1, f2;     /* double sums of x and x*x (overflow fallback) */
} VarSt;

static void var_init(const AggSpec *sp, void *st)
{
    (void)sp;
    memset(st, 0, sizeof(VarSt));
}

static void var_add(const AggSpec *sp, VarSt *s, const Value *v, int sign)
{
    if (v->is_null)
        return;
    if (sp->arg.kind == VK_DOUBLE) {
        double x = v->u.f;
        if (sign > 0) {
            s->n++;
            double d = x - s->mean;
            s->mean += d / (double)s->n;
            s->m2 += d * (x - s->mean);
        } else if (s->n <= 1) {
            s->n = 0;
            s->mean = 0;
            s->m2 = 0;
        } else {
            s->n--;
            double d = x - s->mean;
            s->mean -= d / (double)s->n;
            s->m2 -= d * (x - s->mean);
            if (s->m2 < 0)
                s->m2 = 0;
        }
        return;
    }
    i128 x = sp->arg.kind == VK_DECIMAL ? value_get_dec(v) : (i128)v->u.i;
    double xd = num_to_double(v, &sp->arg);
    i128 sq;
    if (__builtin_mul_overflow(x, x, &sq))
        s->ovf++;
    if (sign > 0) {
        if (__builtin_add_overflow(s->s1, x, &s->s1) ||
            __builtin_add_overflow(s->s2, sq, &s->s2))
            s->ovf++;
        s->f1 += xd;
        s->f2 += xd * xd;
        s->n++;
    } else {
        if (__builtin_sub_overflow(s->s1, x, &s->s1) ||
            __builtin_sub_overflow(s->s2, sq, &s->s2))
            s->ovf++;
        s->f1 -= xd;
        s->f2 -= xd * xd;
        s->n--;
        if (s->n == 0)
            memset(s, 0, sizeof *s);
    }
}

static void var_step(const AggSpec *sp, void *st, const Value *args)
{
    var_add(sp, st, val_arg(sp, args), 1);
}

static void var_inverse(const AggSpec *sp, void *st, const Value *args)
{
    var_add(sp, st, val_arg(sp, args), -1);
}

static void var_merge(const AggSpec *sp, void *st, const void *o)
{
    VarSt *s = st;
    const VarSt *x = o;
    (void)sp;
    if (x->n == 0)
        return;
    if (s->n == 0) {
        *s = *x;
        return;
    }
    /* Chan et al.: combine two Welford states. */
    double n1 = (double)s->n, n2 = (double)x->n, n = n1 + n2;
    double d = x->mean - s->mean;
    s->m2 += x->m2 + d * d * n1 * n2 / n;
    s->mean += d * n2 / n;
    if (__builtin_add_overflow(s->s1, x->s1, &s->s1) ||
        __builtin_add_overflow(s->s2, x->s2, &s->s2))
        s->ovf++;
    s->ovf += x->ovf;
    s->f1 += x->f1;
    s->f2 += x->f2;
    s->n += x->n;
}

static void var_final(const AggSpec *sp, const void *st, Value *out, Arena *a)
{
    const VarSt *s = st;
    AggKind k = sp->def->kind;
    bool samp = k == AGG_VAR_SAMP || k == AGG_STDDEV_SAMP;
    bool root = k == AGG_STDDEV_POP || k == AGG_STDDEV_SAMP;
    (void)a;
    if (s->n == 0 || (samp && s->n < 2)) {
        *out = val_null(sp);
        return;
    }
    i128 den_n = samp ? (i128)s->n - 1 : (i128)s->n;
    if (sp->arg.kind == VK_DOUBLE) {
        double var = s->m2 / (double)den_n;
        *out = res_from_double(sp, root ? sqrt(var) : var);
        return;
    }
    if (is_integral(sp->arg.kind)) {
        /* Flink reduces VAR to (S2 - S1*S1/n) / (n - 1) in the argument's
         * integer type (truncating divisions), then POWER(.., 0.5). */
        i128 q, num;
        if (!s->ovf && !__builtin_mul_overflow(s->s1, s->s1, &q)) {
            num = s->s2 - q / s->n;
            i128 var = num / den_n;
            if (!root) {
                *out = val_i64(wrap_int(var, sp->res.sql_kind));
                out->kind = (uint8_t)sp->res.kind;
            } else {
                *out = res_from_double(sp, sqrt((double)var));
            }
            return;
        }
        double var = (s->f2 - s->f1 * s->f1 / (double)s->n) / (double)den_n;
        *out = res_from_double(sp, root ? sqrt(var < 0 ? 0 : var) : var);
        return;
    }
    /* DECIMAL: (n*S2 - S1^2) / (n * den) at scale 2s, exact when it fits. */
    int sc = sp->arg.scale;
    i128 ns2, s1sq, num, den;
    bool exact = !s->ovf && !__builtin_mul_overflow((i128)s->n, s->s2, &ns2) &&
                 !__builtin_mul_overflow(s->s1, s->s1, &s1sq) &&
                 !__builtin_sub_overflow(ns2, s1sq, &num) &&
                 !__builtin_mul_overflow((i128)s->n, den_n, &den) &&
                 decimal_fits(num, 38) && 2 * sc <= 38;
    if (exact && !root && sp->res.kind == VK_DECIMAL) {
        i128 r;
        if (decimal_div(num, 2 * sc, den, 0, sp->res.precision, sp->res.scale,
                        &r) == DEC_OK) {
            *out = val_dec(r);
            return;
        }
    }
    long double var;
    if (exact) {
        var = (long double)num / (long double)den;
        for (int i = 0; i < 2 * sc; i++)
            var /= 10.0L;
    } else {
        double m = s->f1 / (double)s->n;
        var = (long double)((s->f2 - m * s->f1) / (double)den_n);
    }
    if (var < 0)
        var = 0;
    *out = res_from_double(sp, root ? (double)sqrtl(var) : (double)var);
}

/* ---- MIN, MAX (monotonic deque), FIRST_VALUE, LAST_VALUE, LISTAGG,
 *      percentiles (FIFO of values) --------------------------------------- */

typedef struct QSt {
    VQueue q;       /* MIN/MAX: monotonic deque; others: FIFO of values */
    uint64_t n_in;  /* rows stepped */
    uint64_t n_out; /* rows retracted */
    Value one;      /* append-only MIN/MAX/FIRST/LAST: the value */
    Value extra;    /* LISTAGG separator / percentile fraction */
    bool has_one;
    bool has_extra;
    bool append_only; /* no inverse will come: keep just `one` */
} QSt;

static void q_init(const AggSpec *sp, void *st)
{
    (void)sp;
    memset(st, 0, sizeof(QSt));
}

static void q_fini(const AggSpec *sp, void *st)
{
    QSt *s = st;
    vq_clear(sp->pool, &s->q);
    if (s->has_one)
        value_unkeep(sp->pool, &s->one);
    if (s->has_extra)
        value_unkeep(sp->pool, &s->extra);
    s->has_one = s->has_extra = false;
}

static size_t q_heap(const void *st)
{
    const QSt *s = st;
    return (size_t)s->q.cap * sizeof(QEnt);
}

/* MIN/MAX deque: keep candidates in order; for MIN the values ascend from
 * front to back (a later smaller value makes earlier larger ones
 * useless). */
static void minmax_step(const AggSpec *sp, void *st, const Value *args)
{
    QSt *s = st;
    const Value *v = &args[0];
    uint64_t idx = s->n_in++;
    if (v->is_null)
        return;
    int want = sp->def->kind == AGG_MIN ? 1 : -1; /* pop while cmp == want */
    if (s->append_only) {
        if (!s->has_one || value_compare(&s->one, v, &sp->arg) == want) {
            if (s->has_one)
                value_unkeep(sp->pool, &s->one);
            keep_arg(sp, &s->one, v);
            s->has_one = true;
        }
        return;
    }
    VQueue *q = &s->q;
    while (q->n > 0) {
        QEnt *back = vq_at(q, q->n - 1);
        if (value_compare(&back->v, v, &sp->arg) != want)
            break;
        value_unkeep(sp->pool, &back->v);
        q->n--;
    }
    Value k;
    keep_arg(sp, &k, v);
    vq_push(q, &k, idx);
}

/* FIFO inverse shared by the queue-based functions: the row being
 * retracted is the oldest; drop its entry if it is at the front. */
static void fifo_inverse(const AggSpec *sp, void *st, const Value *args)
{
    QSt *s = st;
    uint64_t idx = s->n_out++;
    (void)args;
    VQueue *q = &s->q;
    if (q->n > 0 && vq_at(q, 0)->idx == idx) {
        value_unkeep(sp->pool, &vq_at(q, 0)->v);
        vq_pop_front(q);
    }
}

static void q_final_front(const AggSpec *sp, const void *st, Value *out,
                          Arena *a)
{
    const QSt *s = st;
    if (s->append_only) {
        if (s->has_one)
            value_out(out, &s->one, a);
        else
            *out = val_null(sp);
        return;
    }
    if (s->q.n == 0)
        *out = val_null(sp);
    else
        value_out(out, &vq_at(&s->q, 0)->v, a);
}

static void minmax_merge(const AggSpec *sp, void *st, const void *o)
{
    const QSt *x = o;
    QSt *s = st;
    int want = sp->def->kind == AGG_MIN ? 1 : -1;
    if (!x->has_one)
        return;
    if (!s->has_one || value_compare(&s->one, &x->one, &sp->arg) == want) {
        if (s->has_one)
            value_unkeep(sp->pool, &s->one);
        value_keep(sp->pool, &s->one, &x->one);
        s->has_one = true;
    }
}

/* FIRST_VALUE / LAST_VALUE ignore NULLs, as Flink's do. */
static void fl_step(const AggSpec *sp, void *st, const Value *args)
{
    QSt *s = st;
    const Value *v = &args[0];
    uint64_t idx = s->n_in++;
    if (v->is_null)
        return;
    if (s->append_only) {
        if (sp->def->kind == AGG_FIRST_VALUE && s->has_one)
            return;
        if (s->has_one)
            value_unkeep(sp->pool, &s->one);
        keep_arg(sp, &s->one, v);
        s->has_one = true;
        return;
    }
    Value k;
    keep_arg(sp, &k, v);
    vq_push(&s->q, &k, idx);
}

static void last_final(const AggSpec *sp, const void *st, Value *out,
                       Arena *a)
{
    const QSt *s = st;
    if (s->append_only) {
        q_final_front(sp, st, out, a);
        return;
    }
    if (s->q.n == 0)
        *out = val_null(sp);
    else
        value_out(out, &vq_at(&s->q, s->q.n - 1)->v, a);
}

static void first_merge(const AggSpec *sp, void *st, const void *o)
{
    QSt *s = st;
    const QSt *x = o;
    if (!x->has_one)
        return;
    if (sp->def->kind == AGG_FIRST_VALUE && s->has_one)
        return;
    if (s->has_one)
        value_unkeep(sp->pool, &s->one);
    value_keep(sp->pool, &s->one, &x->one);
    s->has_one = true;
}

/* LISTAGG(s [, sep]) and the percentiles keep every non-NULL value. */
static void list_step(const AggSpec *sp, void *st, const Value *args)
{
    QSt *s = st;
    uint64_t idx = s->n_in++;
    const Value *v = val_arg(sp, args);
    if (!s->has_extra && sp->n_args > 1) {
        /* the separator / fraction: a constant argument */
        const Value *e = sp->def->kind == AGG_LISTAGG ? &args[1] : &args[0];
        keep_arg(sp, &s->extra, e);
        s->has_extra = true;
    }
    if (v->is_null)
        return;
    Value k;
    keep_arg(sp, &k, v);
    vq_push(&s->q, &k, idx);
}

static void listagg_final(const AggSpec *sp, const void *st, Value *out,
                          Arena *a)
{
    const QSt *s = st;
    if (s->q.n == 0) {
        *out = val_null(sp);
        return;
    }
    const char *sep = ",";
    uint32_t seplen = 1;
    if (s->has_extra) {
        if (s->extra.is_null) {
            *out = val_null(sp);
            return;
        }
        sep = s->extra.u.s.ptr;
        seplen = s->extra.u.s.len;
    }
    size_t len = 0;
    for (uint32_t i = 0; i < s->q.n; i++)
        len += vq_at(&s->q, i)->v.u.s.len + (i ? seplen : 0);
    char *p = arena_alloc(a, len ? len : 1), *w = p;
    for (uint32_t i = 0; i < s->q.n; i++) {
        const Value *v = &vq_at(&s->q, i)->v;
        if (i) {
            memcpy(w, sep, seplen);
            w += seplen;
        }
        if (v->u.s.len)
            memcpy(w, v->u.s.ptr, v->u.s.len);
        w += v->u.s.len;
    }
    memset(out, 0, sizeof *out);
    out->kind = VK_STRING;
    out->u.s.ptr = p;
    out->u.s.len = (uint32_t)len;
}

static const RtType *sort_type; /* for cmp_values (single-threaded) */

static int cmp_values(const void *a, const void *b)
{
    return value_compare(a, b, sort_type);
}

static void percentile_final(const AggSpec *sp, const void *st, Value *out,
                             Arena *a)
{
    const QSt *s = st;
    uint32_t n = s->q.n;
    if (n == 0 || !s->has_extra || s->extra.is_null) {
        *out = val_null(sp);
        return;
    }
    /* The fraction arrives as DOUBLE (codegen casts the literal). */
    double f = s->extra.kind == VK_DOUBLE ? s->extra.u.f
                                          : (double)s->extra.u.i;
    if (f < 0)
        f = 0;
    if (f > 1)
        f = 1;
    Value *vals = xmalloc(sizeof(Value) * n);
    for (uint32_t i = 0; i < n; i++)
        vals[i] = vq_at(&s->q, i)->v;
    sort_type = &sp->arg;
    qsort(vals, n, sizeof(Value), cmp_values);
    if (sp->def->kind == AGG_PERCENTILE_DISC) {
        double pos = ceil(f * (double)n) - 1;
        uint32_t i = pos < 0 ? 0 : (uint32_t)pos;
        if (i >= n)
            i = n - 1;
        value_out(out, &vals[i], a);
    } else {
        double pos = f * (double)(n - 1);
        uint32_t lo = (uint32_t)floor(pos), hi = (uint32_t)ceil(pos);
        double x = num_to_double(&vals[lo], &sp->arg);
        double y = num_to_double(&vals[hi], &sp->arg);
        *out = res_from_double(sp, x + (pos - (double)lo) * (y - x));
    }
    xfree(vals);
}

/* ---- the table ------------------------------------------------------------ */

/* 8-byte multiples: 16-byte alignment is agg_state_align's business */
#define SZ(t) ((uint32_t)((sizeof(t) + 7) & ~(size_t)7))

static const AggDef agg_table[] = {
    {"COUNT", AGG_COUNT, AGG_F_STAR_OK, SZ(CountSt), count_init, count_step,
     count_inverse, count_merge, count_final, NULL},
    {"SUM", AGG_SUM, 0, SZ(SumSt), sum_init, sum_step, sum_inverse, sum_merge,
     sum_final, NULL},
    {"SUM0", AGG_SUM0, 0, SZ(SumSt), sum_init, sum_step, sum_inverse,
     sum_merge, sum0_final, NULL},
    {"AVG", AGG_AVG, 0, SZ(SumSt), sum_init, sum_step, sum_inverse, sum_merge,
     avg_final, NULL},
    {"MIN", AGG_MIN, AGG_F_FIFO, SZ(QSt), q_init, minmax_step, fifo_inverse,
     minmax_merge, q_final_front, q_fini},
    {"MAX", AGG_MAX, AGG_F_FIFO, SZ(QSt), q_init, minmax_step, fifo_inverse,
     minmax_merge, q_final_front, q_fini},
    {"VAR_POP", AGG_VAR_POP, 0, SZ(VarSt), var_init, var_step, var_inverse,
     var_merge, var_final, NULL},
    {"VAR_SAMP", AGG_VAR_SAMP, 0, SZ(VarSt), var_init, var_step, var_inverse,
     var_merge, var_final, NULL},
    {"VARIANCE", AGG_VAR_SAMP, 0, SZ(VarSt), var_init, var_step, var_inverse,
     var_merge, var_final, NULL},
    {"STDDEV_POP", AGG_STDDEV_POP, 0, SZ(VarSt), var_init, var_step,
     var_inverse, var_merge, var_final, NULL},
    {"STDDEV_SAMP", AGG_STDDEV_SAMP, 0, SZ(VarSt), var_init, var_step,
     var_inverse, var_merge, var_final, NULL},
    {"STDDEV", AGG_STDDEV_SAMP, 0, SZ(VarSt), var_init, var_step, var_inverse,
     var_merge, var_final, NULL},
    {"FIRST_VALUE", AGG_FIRST_VALUE, AGG_F_FIFO, SZ(QSt), q_init, fl_step,
     fifo_inverse, first_merge, q_final_front, q_fini},
    {"LAST_VALUE", AGG_LAST_VALUE, AGG_F_FIFO, SZ(QSt), q_init, fl_step,
     fifo_inverse, first_merge, last_final, q_fini},
    {"LISTAGG", AGG_LISTAGG, AGG_F_FIFO, SZ(QSt), q_init, list_step,
     fifo_inverse, NULL, listagg_final, q_fini},
    {"PERCENTILE_CONT", AGG_PERCENTILE_CONT, AGG_F_FIFO, SZ(QSt), q_init,
     list_step, fifo_inverse, NULL, percentile_final, q_fini},
    {"PERCENTILE_DISC", AGG_PERCENTILE_DISC, AGG_F_FIFO, SZ(QSt), q_init,
     list_step, fifo_inverse, NULL, percentile_final, q_fini},
    {"LAG", AGG_LAG, AGG_F_POSITIONAL, 0, NULL, NULL, NULL, NULL, NULL, NULL},
    {"LEAD", AGG_LEAD, AGG_F_POSITIONAL, 0, NULL, NULL, NULL, NULL, NULL,
     NULL},
    {"ROW_NUMBER", AGG_ROW_NUMBER, AGG_F_POSITIONAL | AGG_F_STAR_OK, 0, NULL,
     NULL, NULL, NULL, NULL, NULL},
    {"RANK", AGG_RANK, AGG_F_POSITIONAL | AGG_F_STAR_OK, 0, NULL, NULL, NULL,
     NULL, NULL, NULL},
    {"DENSE_RANK", AGG_DENSE_RANK, AGG_F_POSITIONAL | AGG_F_STAR_OK, 0, NULL,
     NULL, NULL, NULL, NULL, NULL},
};

const AggDef *agg_defs(uint32_t *n)
{
    *n = (uint32_t)FSQL_ARRAY_LEN(agg_table);
    return agg_table;
}

const AggDef *agg_def_find(const char *name, size_t len)
{
    Str want = {name, len};
    for (size_t i = 0; i < FSQL_ARRAY_LEN(agg_table); i++)
        if (str_ieq_cstr(want, agg_table[i].name))
            return &agg_table[i];
    return NULL;
}

/* ---- the wrappers: DISTINCT and dispatch ----------------------------------- */

/* With DISTINCT the state starts with the multiset pointer (16 bytes, to
 * keep the function's state 16-byte aligned). */
#define DHDR 16u

static inline MultiSet **dset_of(void *st)
{
    return (MultiSet **)st;
}

static inline void *inner_of(const AggSpec *sp, void *st)
{
    return sp->is_distinct ? (char *)st + DHDR : st;
}

bool agg_spec_init(AggSpec *sp, const AggDef *def, uint32_t n_args,
                   const RtType *arg, const RtType *res, bool is_distinct,
                   StrPool *pool)
{
    memset(sp, 0, sizeof *sp);
    sp->def = def;
    sp->n_args = n_args;
    if (arg)
        sp->arg = *arg;
    else
        sp->arg.kind = VK_NULLTYPE;
    sp->res = *res;
    sp->pool = pool;
    sp->is_distinct = is_distinct && !(def->flags & AGG_F_POSITIONAL);
    if (def->kind == AGG_PERCENTILE_CONT || def->kind == AGG_PERCENTILE_DISC)
        sp->value_arg = n_args > 1 ? 1 : 0;
    sp->state_size = def->state_size + (sp->is_distinct ? DHDR : 0);
    sp->dset_compact = sp->is_distinct && kind_is_narrow(sp->arg.kind);
    /* COUNT(DISTINCT x) counts the set's keys: no CountSt behind it */
    sp->dset_count = sp->dset_compact && def->kind == AGG_COUNT;
    if (sp->dset_count)
        sp->state_size = DHDR;
    if (n_args == 0 && !(def->flags & (AGG_F_STAR_OK | AGG_F_POSITIONAL)))
        return false;
    if (sp->is_distinct && n_args != 1)
        return false;
    switch (def->kind) {
    case AGG_SUM:
    case AGG_SUM0:
    case AGG_AVG:
    case AGG_VAR_POP:
    case AGG_VAR_SAMP:
    case AGG_STDDEV_POP:
    case AGG_STDDEV_SAMP:
        return sp->arg.kind == VK_INT || sp->arg.kind == VK_DOUBLE ||
               sp->arg.kind == VK_DECIMAL ||
               ((def->kind == AGG_SUM || def->kind == AGG_SUM0) &&
                (sp->arg.kind == VK_INTERVAL_MS ||
                 sp->arg.kind == VK_INTERVAL_MONTHS));
    case AGG_LISTAGG:
        return sp->arg.kind == VK_STRING;
    default:
        return true;
    }
}

uint32_t agg_state_size(const AggSpec *sp)
{
    return sp->state_size;
}

uint32_t agg_state_align(const AggSpec *sp)
{
    switch (sp->def->kind) {
    case AGG_VAR_POP:
    case AGG_VAR_SAMP:
    case AGG_STDDEV_POP:
    case AGG_STDDEV_SAMP:
        return 16;
    default: /* CountSt, SumSt, QSt: 8-byte members only */
        return 8;
    }
}

_Static_assert(_Alignof(CountSt) <= 8 && _Alignof(QSt) <= 8 &&
                   _Alignof(SumSt) <= 8 && sizeof(SumSt) == 24,
               "agg_state_align: 8-byte states");

void agg_init(const AggSpec *sp, void *st)
{
    if (sp->is_distinct)
        memset(st, 0, DHDR);
    if (sp->def->init && !sp->dset_count)
        sp->def->init(sp, inner_of(sp, st));
}

/* Append-only mode is decided by the caller per state: MIN/MAX/FIRST/LAST
 * keep one value when no inverse will ever come.  The flag lives in the
 * state so one AggSpec can serve both kinds of frames. */
static void q_mark_append_only(const AggSpec *sp, void *st)
{
    (void)sp;
    ((QSt *)st)->append_only = true;
}

void agg_step(const AggSpec *sp, void *st, const Value *args)
{
    if (sp->is_distinct) {
        const Value *k = &args[0];
        if (k->is_null)
            return;
        if (sp->dset_compact) {
            if (cs_add(sp, st, k) != 1 || sp->dset_count)
                return;
            sp->def->step(sp, inner_of(sp, st), args);
            return;
        }
        MultiSet **m = dset_of(st);
        if (!*m)
            *m = mset_new();
        if (mset_add(sp, *m, k) != 1)
            return;
    }
    sp->def->step(sp, inner_of(sp, st), args);
}

void agg_inverse(const AggSpec *sp, void *st, const Value *args)
{
    if (sp->is_distinct) {
        const Value *k = &args[0];
        if (k->is_null)
            return;
        if (sp->dset_compact) {
            if (cs_remove(sp, st, k) != 0 || sp->dset_count)
                return;
        } else {
            MultiSet **m = dset_of(st);
            if (!*m || mset_remove(sp, *m, k) != 0)
                return;
        }
        /* MIN/MAX etc. with DISTINCT would need the value's position; the
         * order-independent functions are fine. */
    }
    sp->def->inverse(sp, inner_of(sp, st), args);
}

bool agg_has_inverse(const AggSpec *sp)
{
    if (!sp->def->inverse)
        return false;
    /* A FIFO inverse cannot follow DISTINCT (the value that leaves the
     * set is not the oldest one stepped). */
    return !(sp->is_distinct && (sp->def->flags & AGG_F_FIFO));
}

bool agg_merge(const AggSpec *sp, void *st, const void *other)
{
    if (!sp->def->merge || sp->is_distinct)
        return false;
    sp->def->merge(sp, st, other);
    return true;
}

/* The number of keys in a compact DISTINCT set. */
static int64_t cs_size(const void *st)
{
    const CEnt *h = st;
    if (h->count == CS_SPILL)
        return cs_set(h)->n;
    return h->count ? 1 : 0;
}

void agg_final(const AggSpec *sp, const void *st, Value *out, Arena *a)
{
    if (sp->dset_count) {
        *out = val_i64(cs_size(st));
        out->kind = (uint8_t)sp->res.kind;
        return;
    }
    const void *in = sp->is_distinct ? (const char *)st + DHDR : st;
    sp->def->final(sp, in, out, a);
    if (!out->is_null && out->kind != VK_STRING && out->kind != VK_BYTES)
        out->kind = (uint8_t)sp->res.kind;
}

void agg_fini(const AggSpec *sp, void *st)
{
    if (sp->dset_compact) {
        cs_free(sp, st, false);
    } else if (sp->is_distinct) {
        mset_free(sp->pool, *dset_of(st));
        *dset_of(st) = NULL;
    }
    if (sp->def->fini && !sp->dset_count)
        sp->def->fini(sp, inner_of(sp, st));
}

bool agg_teardown_needed(const AggSpec *sp)
{
    if (sp->is_distinct && !sp->dset_compact)
        return true;
    return sp->def->fini != NULL;
}

void agg_fini_teardown(const AggSpec *sp, void *st)
{
    if (sp->dset_compact) {
        cs_free(sp, st, true);
        if (sp->def->fini && !sp->dset_count)
            sp->def->fini(sp, inner_of(sp, st));
        return;
    }
    agg_fini(sp, st);
}

void agg_prefetch(const AggSpec *sp, const void *st, int stage)
{
    if (!sp->is_distinct)
        return;
    if (sp->dset_compact) {
        const CEnt *h = st;
        if (h->count == CS_SPILL) {
            const char *b = (const char *)cs_set(h);
            __builtin_prefetch(b + (stage ? 64 : 0));
        }
        return;
    }
    const MultiSet *m = *(MultiSet *const *)st;
    if (!m)
        return;
    if (stage == 0) {
        __builtin_prefetch(m);
    } else {
        const char *sl = (const char *)m->slots;
        size_t bytes = (size_t)m->cap * sizeof(MEnt);
        for (size_t o = 0; o < bytes && o < 512; o += 64)
            __builtin_prefetch(sl + o);
    }
}

size_t agg_heap_bytes(const AggSpec *sp, const void *st)
{
    size_t n = 0;
    const void *in = st;
    if (sp->dset_compact) {
        n += cs_heap(st);
        in = (const char *)st + DHDR;
    } else if (sp->is_distinct) {
        const MultiSet *m = *(MultiSet *const *)st;
        if (m)
            n += sizeof *m + (size_t)m->cap * sizeof(MEnt);
        in = (const char *)st + DHDR;
    }
    if (sp->def->fini == q_fini)
        n += q_heap(in);
    return n;
}

void agg_set_append_only(const AggSpec *sp, void *st)
{
    if (sp->def->fini == q_fini)
        q_mark_append_only(sp, inner_of(sp, st));
}

/* ---- checkpoints ------------------------------------------------------------ */

/* Layouts (AGG_SNAP_VERSION 1), little-endian through SnapWriter:
 *   DISTINCT prefix: u8 present; if present u32 n, then n x (Value key,
 *                    i64 count)
 *   COUNT:           i64 n
 *   SUM/SUM0/AVG:    f64 f, f64 c (DOUBLE argument) or i128 s (u64 low,
 *                    u64 high); i64 n, i64 ovf
 *   variance family: i128 s1, i128 s2, f64 mean, f64 m2, i64 n, i64 ovf,
 *                    f64 f1, f64 f2
 *   queue kinds:     u8 flags (1 has_one, 2 has_extra, 4 append_only),
 *                    u64 n_in, u64 n_out, [Value one], [Value extra],
 *                    u32 n, then n x (Value v, u64 idx) front to back */

static void put_i128(SnapWriter *w, i128 x)
{
    u128 u = (u128)x;
    snap_put_u64(w, (uint64_t)u);
    snap_put_u64(w, (uint64_t)(u >> 64));
}

static i128 get_i128(SnapReader *r)
{
    u128 lo = snap_get_u64(r);
    u128 hi = snap_get_u64(r);
    return (i128)(lo | (hi << 64));
}

/* Bytes left in r (a bound on the element counts a blob may claim). */
static size_t snap_left(const SnapReader *r)
{
    return r->bad ? 0 : (size_t)(r->end - r->p);
}

/* A Value of kind want from r (VK_NULLTYPE: any kind) kept in the pool
 * (strings interned); another kind marks the blob bad. */
static void get_kept(const AggSpec *sp, SnapReader *r, Value *dst,
                     ValueKind want)
{
    Value v;
    snap_get_value(r, &v);
    if (want != VK_NULLTYPE)
        snap_want_kind(r, &v, want);
    if (r->bad) {
        *dst = value_null(sp->arg.kind);
        return;
    }
    value_keep(sp->pool, dst, &v);
}

static void mset_snapshot(const MultiSet *m, SnapWriter *w)
{
    snap_put_u8(w, m != NULL);
    if (!m)
        return;
    snap_put_u32(w, m->n);
    for (uint32_t i = 0; i < m->cap; i++) {
        const MEnt *e = &m->slots[i];
        if (!e->count)
            continue;
        snap_put_value(w, &e->key);
        snap_put_i64(w, e->count);
    }
}

static bool mset_restore(const AggSpec *sp, MultiSet **out, SnapReader *r)
{
    *out = NULL;
    if (!snap_get_u8(r))
        return !r->bad;
    uint32_t n = snap_get_u32(r);
    if (r->bad || n > snap_left(r) / 8) {
        r->bad = true;
        return false;
    }
    MultiSet *m = mset_new();
    *out = m;
    for (uint32_t i = 0; i < n; i++) {
        Value k;
        get_kept(sp, r, &k, sp->arg.kind);
        int64_t c = snap_get_i64(r);
        if (r->bad || c <= 0 || k.is_null) {
            value_unkeep(sp->pool, &k);
            r->bad = true;
            return false;
        }
        uint64_t h = arg_hash(sp, &k);
        uint32_t j = mset_find(m, &k, h, &sp->arg);
        MEnt *e = &m->slots[j];
        if (e->count) { /* the same key twice: malformed */
            value_unkeep(sp->pool, &k);
            r->bad = true;
            return false;
        }
        e->key = k;
        e->hash = h;
        e->count = c;
        m->n++;
        if (m->n * 4 > m->cap * 3)
            mset_grow(m);
    }
    return true;
}

/* The same layout as mset_snapshot: u8 present, u32 n, n x (Value,
 * i64 count). */
static void cs_snapshot(const AggSpec *sp, const void *st, SnapWriter *w)
{
    const CEnt *h = st;
    snap_put_u8(w, h->count != 0);
    if (h->count == 0)
        return;
    if (h->count != CS_SPILL) {
        snap_put_u32(w, 1);
        Value v = cs_value(sp, h->bits);
        snap_put_value(w, &v);
        snap_put_i64(w, (int64_t)h->count);
        return;
    }
    const CSet *s = cs_set(h);
    snap_put_u32(w, s->n);
    for (uint32_t i = 0; i < s->cap; i++) {
        if (!s->e[i].count)
            continue;
        Value v = cs_value(sp, s->e[i].bits);
        snap_put_value(w, &v);
        snap_put_i64(w, (int64_t)s->e[i].count);
    }
}

static bool cs_restore(const AggSpec *sp, void *st, SnapReader *r)
{
    CEnt *h = cs_hdr(st);
    h->bits = 0;
    h->count = 0;
    if (!snap_get_u8(r))
        return !r->bad;
    uint32_t n = snap_get_u32(r);
    if (r->bad || n > snap_left(r) / 8) {
        r->bad = true;
        return false;
    }
    for (uint32_t i = 0; i < n; i++) {
        Value k;
        snap_get_value(r, &k);
        snap_want_kind(r, &k, (ValueKind)sp->arg.kind);
        int64_t c = snap_get_i64(r);
        if (r->bad || c <= 0 || (uint64_t)c >= CS_SPILL || k.is_null ||
            k.kind != sp->arg.kind) {
            r->bad = true;
            return false;
        }
        AggSpec plain = *sp; /* k is not interned yet */
        plain.is_interned = false;
        if (cs_remove(&plain, st, &k) >= 0) { /* the same key twice */
            r->bad = true;
            return false;
        }
        cs_add(&plain, st, &k);
        /* set the count: find the entry again */
        if (h->count != CS_SPILL) {
            h->count = (uint64_t)c;
        } else {
            CSet *s = cs_set(h);
            s->e[cs_find(&plain, s, &k, cs_hash_probe(&plain, &k))].count =
                (uint64_t)c;
        }
    }
    return true;
}

static void q_snapshot(const QSt *s, SnapWriter *w)
{
    snap_put_u8(w, (uint8_t)((s->has_one ? 1u : 0u) |
                             (s->has_extra ? 2u : 0u) |
                             (s->append_only ? 4u : 0u)));
    snap_put_u64(w, s->n_in);
    snap_put_u64(w, s->n_out);
    if (s->has_one)
        snap_put_value(w, &s->one);
    if (s->has_extra)
        snap_put_value(w, &s->extra);
    snap_put_u32(w, s->q.n);
    for (uint32_t i = 0; i < s->q.n; i++) {
        const QEnt *e = vq_at(&s->q, i);
        snap_put_value(w, &e->v);
        snap_put_u64(w, e->idx);
    }
}

static bool q_restore(const AggSpec *sp, QSt *s, SnapReader *r)
{
    uint8_t fl = snap_get_u8(r);
    s->append_only = (fl & 4u) != 0;
    s->n_in = snap_get_u64(r);
    s->n_out = snap_get_u64(r);
    if (fl & 1u) {
        get_kept(sp, r, &s->one, sp->arg.kind);
        s->has_one = true;
    }
    if (fl & 2u) {
        get_kept(sp, r, &s->extra,
                 sp->def->kind == AGG_LISTAGG ? VK_STRING : VK_NULLTYPE);
        s->has_extra = true;
    }
    uint32_t n = snap_get_u32(r);
    if (r->bad || (fl & ~7u) || n > snap_left(r) / 8) {
        r->bad = true;
        return false;
    }
    if (n) {
        uint32_t cap = 4;
        while (cap < n)
            cap *= 2;
        s->q.buf = xmalloc(sizeof(QEnt) * cap);
        s->q.cap = cap;
    }
    for (uint32_t i = 0; i < n; i++) {
        QEnt *e = &s->q.buf[i];
        get_kept(sp, r, &e->v, sp->arg.kind);
        e->idx = snap_get_u64(r);
        s->q.n++; /* kept: released by q_fini even when bad */
        if (r->bad)
            return false;
    }
    return true;
}

void agg_state_snapshot(const AggSpec *sp, const void *st, SnapWriter *w)
{
    if (sp->dset_compact)
        cs_snapshot(sp, st, w);
    else if (sp->is_distinct)
        mset_snapshot(*(MultiSet *const *)st, w);
    const void *in = sp->is_distinct ? (const char *)st + DHDR : st;
    switch (sp->def->kind) {
    case AGG_COUNT:
        snap_put_i64(w, sp->dset_count ? cs_size(st)
                                       : ((const CountSt *)in)->n);
        break;
    case AGG_SUM:
    case AGG_SUM0:
    case AGG_AVG: {
        const SumSt *s = in;
        bool ovf = sum_ovf(sp, s);
        if (sp->arg.kind == VK_DOUBLE) {
            snap_put_f64(w, s->u.d.f);
            snap_put_f64(w, s->u.d.c);
        } else {
            put_i128(w, ovf ? 0 : sum_get(s));
        }
        snap_put_i64(w, s->n);
        snap_put_i64(w, ovf ? 1 : 0);
        break;
    }
    case AGG_VAR_POP:
    case AGG_VAR_SAMP:
    case AGG_STDDEV_POP:
    case AGG_STDDEV_SAMP: {
        const VarSt *s = in;
        put_i128(w, s->s1);
        put_i128(w, s->s2);
        snap_put_f64(w, s->mean);
        snap_put_f64(w, s->m2);
        snap_put_i64(w, s->n);
        snap_put_i64(w, s->ovf);
        snap_put_f64(w, s->f1);
        snap_put_f64(w, s->f2);
        break;
    }
    case AGG_MIN:
    case AGG_MAX:
    case AGG_FIRST_VALUE:
    case AGG_LAST_VALUE:
    case AGG_LISTAGG:
    case AGG_PERCENTILE_CONT:
    case AGG_PERCENTILE_DISC:
        q_snapshot(in, w);
        break;
    default: /* positional: no state */
        break;
    }
}

bool agg_state_restore(const AggSpec *sp, void *st, SnapReader *r)
{
    agg_init(sp, st);
    if (sp->dset_compact) {
        if (!cs_restore(sp, st, r))
            return false;
    } else if (sp->is_distinct && !mset_restore(sp, dset_of(st), r)) {
        return false;
    }
    void *in = inner_of(sp, st);
    switch (sp->def->kind) {
    case AGG_COUNT:
        if (sp->dset_count) { /* the set's size, written for the layout */
            if (snap_get_i64(r) != cs_size(st))
                r->bad = true;
        } else {
            ((CountSt *)in)->n = snap_get_i64(r);
        }
        break;
    case AGG_SUM:
    case AGG_SUM0:
    case AGG_AVG: {
        SumSt *s = in;
        if (sp->arg.kind == VK_DOUBLE) {
            s->u.d.f = snap_get_f64(r);
            s->u.d.c = snap_get_f64(r);
        } else {
            sum_set(s, get_i128(r));
        }
        s->n = snap_get_i64(r);
        int64_t ovf = snap_get_i64(r); /* overflows folded in */
        if (ovf < 0)
            r->bad = true;
        else if (ovf > 0 && sp->arg.kind == VK_DECIMAL)
            sum_set(s, SUM_OVF);
        break;
    }
    case AGG_VAR_POP:
    case AGG_VAR_SAMP:
    case AGG_STDDEV_POP:
    case AGG_STDDEV_SAMP: {
        VarSt *s = in;
        s->s1 = get_i128(r);
        s->s2 = get_i128(r);
        s->mean = snap_get_f64(r);
        s->m2 = snap_get_f64(r);
        s->n = snap_get_i64(r);
        s->ovf = snap_get_i64(r);
        s->f1 = snap_get_f64(r);
        s->f2 = snap_get_f64(r);
        break;
    }
    case AGG_MIN:
    case AGG_MAX:
    case AGG_FIRST_VALUE:
    case AGG_LAST_VALUE:
    case AGG_LISTAGG:
    case AGG_PERCENTILE_CONT:
    case AGG_PERCENTILE_DISC:
        if (!q_restore(sp, in, r))
            return false;
        break;
    default:
        break;
    }
    return !r->bad;
}
