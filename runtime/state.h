/*
 * state.h - keyed operator state: a hash table of fixed-size entries,
 * organised by key group, growing by incremental rehash.
 *
 * Pipeline position: keyed operators (window aggregates, group
 * aggregates) keep one entry per key (or per key and window) here.  The
 * table does not know what a key is: the caller hashes its key and gives
 * an equality callback; the entry's bytes (entry_size, 16-byte aligned)
 * are the caller's, zeroed on insert.
 *
 * Key groups: an entry belongs to key group hash % STATE_KEY_GROUPS, and
 * every key group is its own open-addressing table.  A snapshot (issue
 * 10) can therefore write, and a rescale move, state one key group at a
 * time, as Flink's key groups allow; iteration is by key group.
 *
 * Growth is incremental (Redis dict): when a group's table passes 3/4
 * load, a table twice the size is allocated and every later operation on
 * that group moves at most STATE_REHASH_STEP slots of the old table, so
 * one big group never stalls the loop.  Lookups look in both tables
 * while a rehash runs.  Deletes leave tombstones, dropped by the next
 * rehash (which also runs, at the same size, when tombstones pile up).
 *
 * Memory: entries come from slabs of the table (xmalloc'd chunks, a free
 * list of released entries), so inserting a key does not call malloc
 * once the slabs have grown to the working set; slot arrays are
 * xmalloc'd.  Entry pointers are stable until the entry is deleted.
 * Everything is released by state_table_free (the caller first releases
 * what its entries own, e.g. with state_table_next).  Not thread-safe.
 */
#ifndef FSQL_RUNTIME_STATE_H
#define FSQL_RUNTIME_STATE_H

#include "runtime/fsql.h"

#define STATE_KEY_GROUPS 128u
#define STATE_REHASH_STEP 64u

typedef struct StateTable StateTable;

/* Equality of a stored entry with the key being looked up (ctx is the
 * caller's description of that key). */
typedef bool (*StateEqFn)(const void *entry, const void *ctx);

/* A table of entries of entry_size bytes. */
StateTable *state_table_new(uint32_t entry_size);
void state_table_free(StateTable *t);

/* The entry with this hash for which eq(entry, ctx) holds, or NULL. */
void *state_table_find(StateTable *t, uint64_t hash, StateEqFn eq,
                       const void *ctx);
/* Insert a new zeroed entry with this hash (the caller has checked that
 * the key is not there) and return it. */
void *state_table_insert(StateTable *t, uint64_t hash);
/* Remove an entry returned by find/insert (the pointer becomes invalid). */
void state_table_delete(StateTable *t, void *entry);

/* The hash an entry was inserted with. */
uint64_t state_entry_hash(const void *entry);

/* Iteration in key-group order: start with *pos = 0; returns the next
 * entry or NULL at the end.  Deleting the returned entry is allowed;
 * inserting during an iteration is not. */
void *state_table_next(StateTable *t, uint64_t *pos);
/* The key group of position *pos (for snapshots); the first entry of
 * group g is found from pos = (uint64_t)g << 32. */
static inline uint32_t state_pos_group(uint64_t pos)
{
    return (uint32_t)(pos >> 32);
}

/* Live entries, and bytes held (slabs and slot arrays). */
size_t state_table_count(const StateTable *t);
size_t state_table_bytes(const StateTable *t);

#endif
