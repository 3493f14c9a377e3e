/*
 * join_store.h - the keyed row store shared by the join operators
 * (op_interval_join.c, op_join.c, op_semi_join.c, op_temporal_join.c).
 *
 * Pipeline position: a two-input join keeps the rows of each side that
 * may still find a partner.  The store indexes them by join key: one
 * StateTable entry (runtime/state.h, so key groups, incremental rehash
 * and slab-allocated entries come with it) per distinct key, holding a
 * doubly linked list of rows per side.  A row is a fixed-size JoinRow
 * (header + the side's Values) from a per-side slab with a free list, so
 * storing a row does not call malloc once the slabs cover the working
 * set; its strings are references into one counted StrPool (agg.h).
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
#include "runtime/state.h"
#include "runtime/value.h"

typedef struct JoinKey JoinKey;
typedef struct JoinRow JoinRow;

struct JoinRow {
    JoinRow *prev, *next; /* in its key's list of its side */
    JoinKey *key;
    int64_t time;    /* operator's use (event time) */
    int64_t n_match; /* operator's use (partners; -1 unknown) */
    uint32_t aux;    /* operator's use (heap index) */
    uint8_t side;    /* 0 left, 1 right */
    uint8_t flags;   /* operator's use */
    /* Values follow (JOIN_ROW_VALUES) */
};

struct JoinKey {
    JoinRow *head[2];
    JoinRow *tail[2];
    uint32_t n[2];   /* rows per side */
    int64_t last_ms; /* wall clock of the last write (state TTL) */
    int64_t aux;     /* operator's use (semi join: right count) */
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

typedef struct JoinStore {
    uint32_t n_keys;
    const RtType *key_types;
    uint32_t n_cols[2]; /* Values per row of each side */
    StateTable *keys;
    StrPool *pool;
    JoinSlab *slabs[2];
    JoinRow *free_rows[2];
    size_t n_rows[2]; /* rows stored now */
    size_t peak_rows; /* most rows stored at once (both sides) */
    size_t slab_bytes;
} JoinStore;

void join_store_init(JoinStore *js, uint32_t n_keys, const RtType *key_types,
                     uint32_t left_cols, uint32_t right_cols);
void join_store_fini(JoinStore *js);

/* Hash of n_keys key Values. */
uint64_t join_store_hash(const JoinStore *js, const Value *key);
/* The entry of key (hash h), or NULL. */
JoinKey *join_store_find(JoinStore *js, const Value *key, uint64_t h);
/* The entry of key, created (keys kept) when missing. */
JoinKey *join_store_get(JoinStore *js, const Value *key, uint64_t h);
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

struct Program;
/* Whether the join operators print their state counters when they close
 * (to standard error): FSQL_JOIN_STATS=1 in the environment, or the
 * session setting 'fsql.debug.join-stats' = 'true' (used by tests). */
bool join_stats_wanted(const struct Program *p);

#endif
