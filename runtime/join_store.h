/*
 * join_store.h - the keyed row store shared by the join operators
 * (op_interval_join.c, op_join.c, op_semi_join.c, op_temporal_join.c).
 *
 * Pipeline position: a two-input join keeps the rows of each side that
 * may still find a partner.  The store indexes them by join key: one
 * JoinKey per distinct key, holding a doubly linked list of rows per
 * side, in a chained hash table of its own (keys come and go all the
 * time in an interval join: chains unlink in O(1) without tombstones,
 * and a miss usually reads one empty bucket).  The table grows and
 * shrinks by incremental rehashing (Redis dict style: a few buckets move
 * on every lookup or insert), so no single row pays for a whole rehash.
 * Keys and rows are fixed-size (header + Values) from slabs with free
 * lists, so storing them does not call malloc once the slabs cover the
 * working set; their strings are references into one counted StrPool
 * (agg.h).
 *
 * The store knows nothing about join semantics: the operator decides
 * when rows come and go, and uses the free fields (time, n_match, aux,
 * flags) as it likes.  Keys are compared with value_equal on Values the
 * key Codes already cast to one type per key; a key with a NULL is never
 * stored (SQL '=' matches nothing), which the operators check first.
 *
 * Memory: everything is released by join_store_fini.  Emitted copies of
 * stored Values must go through join_store_out (strings copied into the
 * batch arena), because a stored row may be freed before its output row
 * has reached the sinks.
 */
#ifndef FSQL_RUNTIME_JOIN_STORE_H
#define FSQL_RUNTIME_JOIN_STORE_H

#include "runtime/fsql.h"
#include "runtime/agg.h"
#include "runtime/mem.h"
#include "runtime/value.h"

typedef struct JoinKey JoinKey;
typedef struct JoinRow JoinRow;

struct JoinRow {
    JoinRow *prev, *next; /* in its key's list of its side */
    JoinKey *key;
    int64_t time;    /* operator's use (event time) */
    int64_t n_match; /* operator's use (partners; -1 unknown) */
    uint32_t aux;    /* operator's use (heap index); the store's with
                        join_store_use_chunks */
    uint8_t side;    /* 0 left, 1 right */
    uint8_t flags;   /* operator's use */
    /* Values follow (JOIN_ROW_VALUES) */
};

struct JoinKey {
    JoinKey *hnext;   /* hash chain */
    JoinKey **hpprev; /* the pointer to this entry (bucket or previous
                         entry's hnext): unlinking walks no chain */
    uint64_t hash;
    JoinRow *head[2];
    JoinRow *tail[2];
    uint32_t n[2];   /* rows per side */
    int64_t last_ms; /* wall clock of the last write (state TTL) */
    int64_t aux;     /* operator's use (semi join: right count) */
    uint32_t chunk;  /* with join_store_use_chunks: its strings' chunk */
    /* key Values follow (JOIN_KEY_VALUES) */
};

#define JOIN_ROW_HDR ((sizeof(JoinRow) + 15u) & ~(size_t)15u)
#define JOIN_KEY_HDR ((sizeof(JoinKey) + 15u) & ~(size_t)15u)

static inline Value *join_row_values(const JoinRow *r)
{
    return (Value *)((char *)r + JOIN_ROW_HDR);
}

static inline Value *join_key_values(const JoinKey *k)
{
    return (Value *)((char *)k + JOIN_KEY_HDR);
}

typedef struct JoinSlab JoinSlab;

/* One of the two bucket arrays of the key table (two while rehashing). */
typedef struct JoinHt {
    JoinKey **b; /* xmalloc'd, size buckets (a power of two) or NULL */
    uint32_t size;
    uint32_t n; /* keys in this array */
} JoinHt;

typedef struct JoinStore {
    uint32_t n_keys;
    const RtType *key_types;
    uint32_t n_cols[2];        /* Values per row of each side */
    const RtSchema *schema[2]; /* row columns of each side (Program; may
                                 * be NULL when n_cols is 0) */
    JoinHt ht[2];              /* ht[1] only while rehashing into it */
    int64_t rehash_pos; /* next bucket of ht[0] to move; -1: not rehashing */
    StrPool *pool;
    JoinSlab *slabs[3]; /* rows of side 0, side 1, keys */
    JoinRow *free_rows[2];
    JoinKey *free_keys;
    size_t n_rows[2]; /* rows stored now */
    size_t peak_rows; /* most rows stored at once (both sides) */
    size_t slab_bytes;
    /* Row strings in chunks (join_store_use_chunks), else in the pool. */
    struct JoinChunk **chunks; /* by index; NULL: a free slot */
    uint32_t n_chunks, cap_chunks;
    uint32_t cur_chunk;      /* index + 1 of the chunk filled now; 0 none */
    struct JoinChunk *spare; /* emptied chunks kept for reuse */
    uint32_t n_spare;
    size_t chunk_bytes;
    bool use_chunks;
} JoinStore;

/* An empty store for keys of n_keys Values (key_types, borrowed) and
 * rows of the left and right schemas (borrowed: the Program's operator
 * schemas; right may be NULL for a store of left rows only).  The
 * schemas give the row widths and the kinds restore checks. */
void join_store_init(JoinStore *js, uint32_t n_keys, const RtType *key_types,
                     const RtSchema *left, const RtSchema *right);
void join_store_fini(JoinStore *js);

/* Keep the strings of rows and keys in chunks instead of the counted
 * pool: a row's strings are copied side by side into the chunk being
 * filled, and a chunk is reused once every row in it has gone (key
 * strings too).  Cheaper
 * than interning when rows leave in about the order they came (interval
 * joins: by time); a long-lived row pins its chunk.  JoinRow.aux then
 * belongs to the store (the row's chunk).  Call right after init. */
void join_store_use_chunks(JoinStore *js);

/* Hash of n_keys key Values. */
uint64_t join_store_hash(const JoinStore *js, const Value *key);
/* The entry of key (hash h), or NULL. */
JoinKey *join_store_find(JoinStore *js, const Value *key, uint64_t h);
/* The entry of key, created (keys kept) when missing. */
JoinKey *join_store_get(JoinStore *js, const Value *key, uint64_t h);
/* Key entries stored now. */
static inline size_t join_store_keys(const JoinStore *js)
{
    return (size_t)js->ht[0].n + js->ht[1].n;
}
/* Iteration over the key entries: start with *pos = 0; returns the next
 * entry or NULL at the end.  Deleting the returned entry (drop_key,
 * drop_all) is allowed; across inserts a position stays safe to use but
 * may skip or repeat entries (good enough for TTL sweeps). */
JoinKey *join_store_next(JoinStore *js, uint64_t *pos);
/* A new entry for key, which the caller has just failed to find (saves
 * the second lookup of join_store_get). */
JoinKey *join_store_insert(JoinStore *js, const Value *key, uint64_t h);
/* Delete a key entry whose lists are empty. */
void join_store_drop_key(JoinStore *js, JoinKey *k);
/* Delete a key entry and every row it holds. */
void join_store_drop_all(JoinStore *js, JoinKey *k);

/* Append a copy of vals (n_cols[side] Values) to key k's list of side;
 * the header fields start at 0. */
JoinRow *join_store_add(JoinStore *js, JoinKey *k, uint8_t side,
                        const Value *vals);
/* Unlink and free a row; its key entry stays (see drop_key). */
void join_store_remove(JoinStore *js, JoinRow *r);

/* The first row of side in k whose Values equal vals (types: the side's
 * column types), or NULL. */
JoinRow *join_store_find_row(JoinStore *js, JoinKey *k, uint8_t side,
                             const Value *vals, const RtType *types);

/* Copy n stored Values to out, strings into arena a. */
void join_store_out(Value *out, const Value *vals, uint32_t n, Arena *a);

/* Rows of both sides stored now. */
static inline size_t join_store_rows(const JoinStore *js)
{
    return js->n_rows[0] + js->n_rows[1];
}

size_t join_store_bytes(const JoinStore *js);

/* ---- rows by time --------------------------------------------------------
 *
 * A min-heap of stored rows ordered by JoinRow.time, which the interval
 * join (held rows, to expire them) and the temporal join (waiting probe
 * rows, to fire them) keep beside the store.  A row's time must not
 * change while it is in the heap: the time is copied into the entry, so
 * the sift loops compare without touching the rows.  A zeroed JoinHeap is
 * empty; the heap owns only its array (join_heap_fini), not the rows.
 */

typedef struct JoinHeapEnt {
    int64_t time; /* the row's time when pushed */
    JoinRow *r;   /* a row of the store */
} JoinHeapEnt;

typedef struct JoinHeap {
    JoinHeapEnt *a; /* xmalloc'd, cap entries */
    uint32_t n, cap;
} JoinHeap;

void join_heap_push(JoinHeap *h, JoinRow *r);
/* Remove and return the row with the least time (h->n > 0). */
JoinRow *join_heap_pop(JoinHeap *h);
/* The least time in the heap (h->n > 0). */
static inline int64_t join_heap_min(const JoinHeap *h)
{
    return h->a[0].time;
}
void join_heap_fini(JoinHeap *h);

/* ---- checkpoints (issue 10, runtime/checkpoint.h) ----------------------- */

struct SnapWriter;
struct SnapReader;

/* Write every key (its Values, last_ms, aux) and every row of both sides
 * in list order (time, n_match, flags, Values) to w, and the peak row
 * count.  Row order within a key is kept: the operators depend on it
 * (temporal join versions are sorted by time, output order follows it).
 * JoinRow.aux is not written (heap indexes: the operator rebuilds them). */
void join_store_snapshot(const JoinStore *js, struct SnapWriter *w);

/* Called by join_store_restore for every row restored, in order. */
typedef void (*JoinRowFn)(void *arg, JoinRow *r);

/* Rebuild an empty store (just initialised with the same key and column
 * counts) from a join_store_snapshot blob; strings are copied into the
 * store's pool.  on_row (may be NULL) sees each row once.  Returns false
 * when the blob is malformed or does not fit the store's shape (r->bad
 * set; the store then holds what was read so far and is freed as usual). */
bool join_store_restore(JoinStore *js, struct SnapReader *r, JoinRowFn on_row,
                        void *arg);

struct Program;
/* Whether the join operators print their state counters when they close
 * (to standard error): FSQL_JOIN_STATS=1 in the environment, or the
 * session setting 'fsql.debug.join-stats' = 'true' (used by tests). */
bool join_stats_wanted(const struct Program *p);

#endif
