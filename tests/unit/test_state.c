/*
 * test_state.c - the keyed state table (runtime/state.h): find, insert
 * and delete across incremental rehashes, tombstone reuse, iteration by
 * key group, and entry reuse from the slabs.
 */
#include "runtime/fsql.h"
#include "runtime/mem.h"
#include "runtime/state.h"
#include "tests/unit/unit.h"

#include <string.h>

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return x;
}

static bool key_eq(const void *e, const void *ctx)
{
    return *(const uint64_t *)e == *(const uint64_t *)ctx;
}

static void *put(StateTable *t, uint64_t k, uint64_t h)
{
    uint64_t *e = state_table_insert(t, h);
    e[0] = k;
    return e;
}

/* Keys 0..n-1 inserted (with colliding hashes for some), half deleted,
 * every survivor found, iteration sees each live entry exactly once. */
static void state_table_basic(void)
{
    StateTable *t = state_table_new(24);
    enum { N = 20000 };
    for (uint64_t k = 0; k < N; k++) {
        /* every 8th key shares its hash with the previous one */
        uint64_t h = (k % 8 == 7) ? mix(k - 1) : mix(k);
        UNIT_CHECK(state_table_find(t, h, key_eq, &k) == NULL);
        put(t, k, h);
    }
    UNIT_EQ_INT(state_table_count(t), N);
    for (uint64_t k = 0; k < N; k += 2) {
        uint64_t h = (k % 8 == 7) ? mix(k - 1) : mix(k);
        void *e = state_table_find(t, h, key_eq, &k);
        UNIT_REQUIRE(e != NULL);
        UNIT_EQ_INT(state_entry_hash(e), h);
        state_table_delete(t, e);
    }
    UNIT_EQ_INT(state_table_count(t), N / 2);
    for (uint64_t k = 0; k < N; k++) {
        uint64_t h = (k % 8 == 7) ? mix(k - 1) : mix(k);
        void *e = state_table_find(t, h, key_eq, &k);
        UNIT_CHECK((e != NULL) == (k % 2 == 1));
    }
    static unsigned char seen[N];
    memset(seen, 0, sizeof seen);
    uint64_t pos = 0;
    uint64_t *e;
    uint32_t last_group = 0;
    size_t n = 0;
    while ((e = state_table_next(t, &pos)) != NULL) {
        UNIT_REQUIRE(e[0] < N);
        UNIT_CHECK(!seen[e[0]]);
        seen[e[0]] = 1;
        UNIT_CHECK(state_pos_group(pos) >= last_group);
        UNIT_EQ_INT(state_pos_group(pos),
                    state_entry_hash(e) % STATE_KEY_GROUPS);
        last_group = state_pos_group(pos);
        n++;
    }
    UNIT_EQ_INT(n, N / 2);
    state_table_free(t);
}

/* A sliding working set (insert new, delete oldest) keeps the table's
 * memory bounded: tombstones are reused and purged. */
static void state_table_sliding(void)
{
    StateTable *t = state_table_new(16);
    enum { W = 1000 };
    static void *ring[W];
    memset(ring, 0, sizeof ring);
    size_t peak = 0;
    for (uint64_t k = 0; k < 200000; k++) {
        if (ring[k % W])
            state_table_delete(t, ring[k % W]);
        ring[k % W] = put(t, k, mix(k));
        if (k == 10 * W)
            peak = state_table_bytes(t);
    }
    UNIT_EQ_INT(state_table_count(t), W);
    UNIT_CHECK(state_table_bytes(t) <= peak * 2);
    for (uint64_t k = 200000 - W; k < 200000; k++) {
        uint64_t h = mix(k);
        UNIT_CHECK(state_table_find(t, h, key_eq, &k) != NULL);
    }
    state_table_free(t);
}

static const UnitTest state_tests[] = {
    {"state_table_basic", state_table_basic},
    {"state_table_sliding", state_table_sliding},
    {NULL, NULL},
};

UNIT_REGISTER(state_tests)
