/*
 * state.c - keyed state tables (see state.h): per key group an
 * open-addressing table (linear probing, tombstones) with incremental
 * rehash, and slab-allocated fixed-size entries.
 */
#include "runtime/fsql.h"
#include "runtime/state.h"
#include "runtime/mem.h"

#include <string.h>

/* Every entry starts with this header; the caller sees the bytes after
 * it.  16 bytes keep the caller's part 16-byte aligned. */
typedef struct EntHdr {
    uint64_t hash;
    struct EntHdr *next_free; /* on the free list */
} EntHdr;

typedef struct Slot {
    uint64_t hash;
    EntHdr *e; /* NULL: empty; TOMB: deleted */
} Slot;

#define TOMB ((EntHdr *)(uintptr_t)1)
#define SLAB_ENTRIES 256u

typedef struct Group {
    Slot *slots; /* current table (cap a power of two, or 0) */
    uint32_t cap;
    uint32_t n_live; /* live entries in slots */
    uint32_t n_tomb; /* tombstones in slots */
    Slot *old;       /* table being drained by the rehash, or NULL */
    uint32_t old_cap;
    uint32_t old_live; /* live entries still in old */
    uint32_t old_pos;  /* next old slot to move */
} Group;

typedef struct Slab {
    struct Slab *next;
    /* entries follow */
} Slab;

struct StateTable {
    uint32_t ent_size; /* header + caller's bytes, multiple of 16 */
    uint32_t user_size;
    Group groups[STATE_KEY_GROUPS];
    EntHdr *free_list;
    Slab *slabs;
    size_t n_live;
    size_t bytes; /* slabs + slot arrays */
};

static inline uint32_t group_of(uint64_t hash)
{
    return (uint32_t)(hash % STATE_KEY_GROUPS);
}

/* The slot index of a hash in a table of cap slots (bits above the
 * key-group bits, so the groups' tables are not all clustered). */
static inline uint32_t home_of(uint64_t hash, uint32_t cap)
{
    uint64_t h = hash >> 7;
    h ^= h >> 29;
    return (uint32_t)h & (cap - 1);
}

StateTable *state_table_new(uint32_t entry_size)
{
    StateTable *t = xcalloc(1, sizeof *t);
    t->user_size = entry_size;
    t->ent_size = (uint32_t)((sizeof(EntHdr) + entry_size + 15) & ~15u);
    t->bytes = sizeof *t;
    return t;
}

void state_table_free(StateTable *t)
{
    if (!t)
        return;
    for (uint32_t g = 0; g < STATE_KEY_GROUPS; g++) {
        xfree(t->groups[g].slots);
        xfree(t->groups[g].old);
    }
    Slab *s = t->slabs;
    while (s) {
        Slab *n = s->next;
        xfree(s);
        s = n;
    }
    xfree(t);
}

static EntHdr *ent_alloc(StateTable *t)
{
    if (!t->free_list) {
        size_t hdr = (sizeof(Slab) + 15) & ~(size_t)15;
        Slab *s = xmalloc(hdr + (size_t)t->ent_size * SLAB_ENTRIES);
        s->next = t->slabs;
        t->slabs = s;
        t->bytes += hdr + (size_t)t->ent_size * SLAB_ENTRIES;
        char *p = (char *)s + hdr;
        for (uint32_t i = SLAB_ENTRIES; i-- > 0;) {
            EntHdr *e = (EntHdr *)(p + (size_t)i * t->ent_size);
            e->next_free = t->free_list;
            t->free_list = e;
        }
    }
    EntHdr *e = t->free_list;
    t->free_list = e->next_free;
    return e;
}

static inline void *user_of(EntHdr *e)
{
    return (char *)e + sizeof(EntHdr);
}

static inline EntHdr *hdr_of(const void *user)
{
    return (EntHdr *)((char *)user - sizeof(EntHdr));
}

/* Put (hash, e) into the group's current table (which has room by the
 * load rule), reusing a tombstone on the probe path. */
static void slot_put(Group *g, uint64_t hash, EntHdr *e)
{
    uint32_t i = home_of(hash, g->cap);
    while (g->slots[i].e && g->slots[i].e != TOMB)
        i = (i + 1) & (g->cap - 1);
    if (g->slots[i].e == TOMB)
        g->n_tomb--;
    g->slots[i].hash = hash;
    g->slots[i].e = e;
    g->n_live++;
}

/* Move up to n slots of the old table into the current one. */
static void rehash_step(StateTable *t, Group *g, uint32_t n)
{
    while (g->old && n-- > 0) {
        if (g->old_pos >= g->old_cap || g->old_live == 0) {
            t->bytes -= (size_t)g->old_cap * sizeof(Slot);
            xfree(g->old);
            g->old = NULL;
            g->old_cap = g->old_pos = g->old_live = 0;
            break;
        }
        Slot *s = &g->old[g->old_pos++];
        if (s->e && s->e != TOMB) {
            slot_put(g, s->hash, s->e);
            s->e = TOMB; /* keeps the old probe chains intact */
            g->old_live--;
        }
    }
}

/* Start a rehash into a table of new_cap slots (the previous rehash, if
 * any, is finished first: bounded by the old table's size, and rare). */
static void rehash_start(StateTable *t, Group *g, uint32_t new_cap)
{
    if (g->old)
        rehash_step(t, g, UINT32_MAX);
    Slot *ns = xcalloc(new_cap, sizeof(Slot));
    t->bytes += (size_t)new_cap * sizeof(Slot);
    g->old = g->slots;
    g->old_cap = g->cap;
    g->old_live = g->n_live;
    g->old_pos = 0;
    g->slots = ns;
    g->cap = new_cap;
    g->n_live = 0;
    g->n_tomb = 0;
    if (!g->old || g->old_live == 0) {
        if (g->old) {
            t->bytes -= (size_t)g->old_cap * sizeof(Slot);
            xfree(g->old);
        }
        g->old = NULL;
        g->old_cap = g->old_live = g->old_pos = 0;
    }
}

static Slot *find_in(Slot *slots, uint32_t cap, uint64_t hash, StateEqFn eq,
                     const void *ctx)
{
    if (cap == 0)
        return NULL;
    uint32_t i = home_of(hash, cap);
    for (;;) {
        Slot *s = &slots[i];
        if (!s->e)
            return NULL;
        if (s->e != TOMB && s->hash == hash && eq(user_of(s->e), ctx))
            return s;
        i = (i + 1) & (cap - 1);
    }
}

void *state_table_find(StateTable *t, uint64_t hash, StateEqFn eq,
                       const void *ctx)
{
    Group *g = &t->groups[group_of(hash)];
    Slot *s = find_in(g->slots, g->cap, hash, eq, ctx);
    if (!s && g->old)
        s = find_in(g->old, g->old_cap, hash, eq, ctx);
    return s ? user_of(s->e) : NULL;
}

void *state_table_insert(StateTable *t, uint64_t hash)
{
    Group *g = &t->groups[group_of(hash)];
    if (g->old)
        rehash_step(t, g, STATE_REHASH_STEP);
    uint32_t used = g->n_live + g->n_tomb + 1 + g->old_live;
    if (g->cap == 0)
        rehash_start(t, g, 8);
    else if ((uint64_t)used * 4 > (uint64_t)g->cap * 3)
        rehash_start(t, g,
                     g->n_live + g->old_live + 1 > g->cap / 2 ? g->cap * 2
                                                              : g->cap);
    EntHdr *e = ent_alloc(t);
    memset(e, 0, t->ent_size);
    e->hash = hash;
    slot_put(g, hash, e);
    t->n_live++;
    return user_of(e);
}

static bool ptr_eq(const void *entry, const void *ctx)
{
    return entry == ctx;
}

void state_table_delete(StateTable *t, void *entry)
{
    EntHdr *e = hdr_of(entry);
    Group *g = &t->groups[group_of(e->hash)];
    Slot *s = find_in(g->slots, g->cap, e->hash, ptr_eq, entry);
    if (s) {
        g->n_live--;
        g->n_tomb++;
    } else {
        s = g->old ? find_in(g->old, g->old_cap, e->hash, ptr_eq, entry) : NULL;
        FSQL_ASSERT(s != NULL);
        g->old_live--;
    }
    s->e = TOMB;
    e->next_free = t->free_list;
    t->free_list = e;
    t->n_live--;
}

uint64_t state_entry_hash(const void *entry)
{
    return hdr_of(entry)->hash;
}

void *state_table_next(StateTable *t, uint64_t *pos)
{
    for (;;) {
        uint32_t gi = (uint32_t)(*pos >> 32);
        uint32_t i = (uint32_t)*pos;
        if (gi >= STATE_KEY_GROUPS)
            return NULL;
        Group *g = &t->groups[gi];
        uint32_t total = g->cap + (g->old ? g->old_cap : 0);
        while (i < total) {
            Slot *s = i < g->cap ? &g->slots[i] : &g->old[i - g->cap];
            i++;
            if (s->e && s->e != TOMB) {
                *pos = ((uint64_t)gi << 32) | i;
                return user_of(s->e);
            }
        }
        *pos = (uint64_t)(gi + 1) << 32;
    }
}

size_t state_table_count(const StateTable *t)
{
    return t->n_live;
}

size_t state_table_bytes(const StateTable *t)
{
    return t->bytes;
}
