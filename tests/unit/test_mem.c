/*
 * test_mem.c - unit tests for the Arena and the x* heap wrappers
 * (runtime/mem.c): alignment, zeroing, reset, mark/release, allocations
 * larger than a chunk.
 */
#include "runtime/fsql.h"
#include "runtime/mem.h"
#include "tests/unit/unit.h"

#include <stdint.h>
#include <string.h>

static void mem_alignment(void)
{
    Arena a;
    arena_init(&a, 256);
    for (size_t n = 0; n < 100; n++) {
        char *p = arena_alloc(&a, n);
        UNIT_CHECK(((uintptr_t)p & 15) == 0);
        memset(p, 0xAB, n); /* the whole request is writable */
    }
    arena_fini(&a);
}

static void mem_zalloc_and_strings(void)
{
    Arena a;
    arena_init(&a, 0);
    unsigned char *z = arena_zalloc(&a, 37);
    int nonzero = 0;
    for (int i = 0; i < 37; i++)
        nonzero += z[i] != 0;
    UNIT_EQ_INT(nonzero, 0);
    UNIT_EQ_STR(arena_strndup(&a, "abcdef", 3), "abc");
    UNIT_EQ_STR(arena_strdup(&a, "风险"), "风险");
    UNIT_EQ_STR(arena_sprintf(&a, "%s-%d", "x", 42), "x-42");
    char big[3000];
    memset(big, 'q', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    UNIT_EQ_INT(strlen(arena_sprintf(&a, "%s", big)), sizeof(big) - 1);
    arena_fini(&a);
}

static void mem_distinct_blocks(void)
{
    Arena a;
    arena_init(&a, 128);
    char *ps[200];
    for (int i = 0; i < 200; i++) {
        ps[i] = arena_alloc(&a, 24);
        memset(ps[i], i & 0xFF, 24);
    }
    int bad = 0;
    for (int i = 0; i < 200; i++)
        for (int j = 0; j < 24; j++)
            bad += (unsigned char)ps[i][j] != (i & 0xFF);
    UNIT_EQ_INT(bad, 0);
    arena_fini(&a);
}

static void mem_reset(void)
{
    Arena a;
    arena_init(&a, 1024);
    for (int i = 0; i < 100; i++)
        arena_alloc(&a, 100);
    UNIT_CHECK(arena_bytes(&a) >= 100 * 100);
    arena_reset(&a);
    UNIT_EQ_INT(arena_bytes(&a), 0);
    /* Usable after a reset, and the accounting restarts. */
    char *p = arena_alloc(&a, 10);
    UNIT_CHECK(p != NULL && ((uintptr_t)p & 15) == 0);
    UNIT_EQ_INT(arena_bytes(&a), 16);
    arena_reset(&a);
    arena_reset(&a); /* twice in a row is fine */
    arena_fini(&a);
    arena_fini(&a); /* and so is fini after fini */
}

static void mem_mark_release(void)
{
    Arena a;
    arena_init(&a, 256);
    char *keep = arena_strdup(&a, "keep me");
    size_t before = arena_bytes(&a);
    ArenaMark m = arena_mark(&a);
    for (int i = 0; i < 50; i++)
        memset(arena_alloc(&a, 64), 'x', 64); /* spills into new chunks */
    arena_release(&a, m);
    UNIT_EQ_INT(arena_bytes(&a), before);
    UNIT_EQ_STR(keep, "keep me");
    /* The next allocation reuses the released space. */
    char *again = arena_strdup(&a, "again");
    UNIT_EQ_STR(again, "again");
    UNIT_EQ_STR(keep, "keep me");

    /* A mark on an empty arena releases everything. */
    Arena b;
    arena_init(&b, 64);
    ArenaMark m0 = arena_mark(&b);
    arena_alloc(&b, 1000);
    arena_alloc(&b, 10);
    arena_release(&b, m0);
    UNIT_EQ_INT(arena_bytes(&b), 0);
    UNIT_CHECK(arena_alloc(&b, 8) != NULL);
    arena_fini(&b);
    arena_fini(&a);
}

static void mem_big_allocations(void)
{
    Arena a;
    arena_init(&a, 1024);
    char *small = arena_strdup(&a, "small");
    /* Larger than the chunk size: gets a chunk of its own. */
    size_t n = 1 << 20;
    unsigned char *big = arena_alloc(&a, n);
    UNIT_CHECK(((uintptr_t)big & 15) == 0);
    memset(big, 0x5A, n);
    UNIT_CHECK(big[0] == 0x5A && big[n - 1] == 0x5A);
    /* The current chunk's tail keeps serving small requests. */
    char *after = arena_strdup(&a, "after");
    UNIT_EQ_STR(small, "small");
    UNIT_EQ_STR(after, "after");
    UNIT_CHECK(arena_bytes(&a) >= n);
    /* mark/release around a big allocation */
    ArenaMark m = arena_mark(&a);
    arena_alloc(&a, 3 * n);
    arena_release(&a, m);
    UNIT_CHECK(arena_bytes(&a) < 2 * n);
    arena_reset(&a);
    UNIT_EQ_INT(arena_bytes(&a), 0);
    arena_fini(&a);
}

static void mem_xwrappers(void)
{
    char *s = xstrdup("hello");
    UNIT_EQ_STR(s, "hello");
    s = xrealloc(s, 100);
    strcat(s, ", world");
    UNIT_EQ_STR(s, "hello, world");
    xfree(s);
    int *z = xcalloc(10, sizeof(int));
    int sum = 0;
    for (int i = 0; i < 10; i++)
        sum += z[i];
    UNIT_EQ_INT(sum, 0);
    xfree(z);
    xfree(NULL);
    void *p = xmalloc(0); /* a zero-byte request still returns a pointer */
    UNIT_CHECK(p != NULL);
    xfree(p);
}

static const UnitTest mem_tests[] = {
    {"mem_alignment", mem_alignment},
    {"mem_zalloc_and_strings", mem_zalloc_and_strings},
    {"mem_distinct_blocks", mem_distinct_blocks},
    {"mem_reset", mem_reset},
    {"mem_mark_release", mem_mark_release},
    {"mem_big_allocations", mem_big_allocations},
    {"mem_xwrappers", mem_xwrappers},
    {NULL, NULL},
};
UNIT_REGISTER(mem_tests)
