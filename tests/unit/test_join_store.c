/*
 * test_join_store.c - the join operators' keyed row store
 * (runtime/join_store.h): rows per key and side in insertion order,
 * removal from the middle, equal-row lookup, string values kept across
 * the caller's buffer being reused, and every row and key freed again
 * (counts back to zero, slab rows reused), and restore's kind checks
 * on row values.
 */
#include "runtime/fsql.h"
#include "runtime/join_store.h"
#include "runtime/checkpoint.h"
#include "runtime/mem.h"
#include "tests/unit/unit.h"

#include <stdio.h>
#include <string.h>

static Value vint(int64_t i)
{
    Value v = value_null(VK_INT);
    v.is_null = false;
    v.u.i = i;
    return v;
}

static Value vstr(const char *s)
{
    Value v = value_null(VK_STRING);
    v.is_null = false;
    v.u.s.ptr = s;
    v.u.s.len = (uint32_t)strlen(s);
    return v;
}

static const RtType t_int = {VK_INT, 5, -1, 0, true};
static const RtType t_str = {VK_STRING, 0, -1, 0, true};

/* Row schemas: (INT, STRING), (INT), and (INT, INT) for the restore
 * check. */
static RtColumn c_int_str[2] = {
    {.name = "a", .type = {VK_INT, 5, -1, 0, true}},
    {.name = "b", .type = {VK_STRING, 0, -1, 0, true}}};
static RtColumn c_int[1] = {{.name = "a", .type = {VK_INT, 5, -1, 0, true}}};
static RtColumn c_int_int[2] = {
    {.name = "a", .type = {VK_INT, 5, -1, 0, true}},
    {.name = "b", .type = {VK_INT, 5, -1, 0, true}}};
static const RtSchema s_int_str = {2, c_int_str};
static const RtSchema s_int = {1, c_int};
static const RtSchema s_int_int = {2, c_int_int};

static void join_store_rows_per_key(void)
{
    JoinStore js;
    RtType kt[1] = {t_int};
    join_store_init(&js, 1, kt, &s_int_str, &s_int);
    RtType lt[2] = {t_int, t_str};
    char buf[16];
    enum { N = 1000 };
    for (int i = 0; i < N; i++) {
        Value key = vint(i % 10);
        uint64_t h = join_store_hash(&js, &key);
        JoinKey *k = join_store_get(&js, &key, h);
        /* the caller's string buffer is reused for every row */
        snprintf(buf, sizeof buf, "r%d", i);
        Value row[2] = {vint(i), vstr(buf)};
        JoinRow *r = join_store_add(&js, k, 0, row);
        r->time = i;
        if (i % 3 == 0) {
            Value rr = vint(-i);
            join_store_add(&js, k, 1, &rr);
        }
    }
    UNIT_EQ_INT(js.n_rows[0], N);
    UNIT_EQ_INT(js.n_rows[1], (N + 2) / 3);
    UNIT_EQ_INT(join_store_keys(&js), 10);
    /* key 7: rows 7, 17, ... in insertion order, strings intact */
    Value key = vint(7);
    JoinKey *k = join_store_find(&js, &key, join_store_hash(&js, &key));
    UNIT_REQUIRE(k != NULL);
    UNIT_EQ_INT(k->n[0], N / 10);
    int want = 7;
    for (JoinRow *r = k->head[0]; r; r = r->next, want += 10) {
        const Value *v = join_row_values(r);
        UNIT_EQ_INT(v[0].u.i, want);
        snprintf(buf, sizeof buf, "r%d", want);
        UNIT_CHECK(v[1].u.s.len == strlen(buf) &&
                   memcmp(v[1].u.s.ptr, buf, v[1].u.s.len) == 0);
    }
    /* equal-row lookup and removal from the middle */
    Value probe[2] = {vint(57), vstr("r57")};
    JoinRow *m = join_store_find_row(&js, k, 0, probe, lt);
    UNIT_REQUIRE(m != NULL);
    UNIT_EQ_INT(m->time, 57);
    join_store_remove(&js, m);
    UNIT_CHECK(join_store_find_row(&js, k, 0, probe, lt) == NULL);
    UNIT_EQ_INT(k->n[0], N / 10 - 1);
    int n = 0;
    for (JoinRow *r = k->head[0]; r; r = r->next)
        n++;
    UNIT_EQ_INT(n, N / 10 - 1);
    /* a removed row's slot is reused */
    Value again[2] = {vint(5000), vstr("again")};
    JoinRow *a = join_store_add(&js, k, 0, again);
    UNIT_CHECK(a == m);
    UNIT_CHECK(k->tail[0] == a);
    /* free everything: counts back to zero */
    for (int i = 0; i < 10; i++) {
        Value kv = vint(i);
        JoinKey *e = join_store_find(&js, &kv, join_store_hash(&js, &kv));
        UNIT_REQUIRE(e != NULL);
        join_store_drop_all(&js, e);
    }
    UNIT_EQ_INT(join_store_rows(&js), 0);
    UNIT_EQ_INT(join_store_keys(&js), 0);
    UNIT_EQ_INT(strpool_count(js.pool), 0);
    UNIT_CHECK(js.peak_rows >= (size_t)N);
    join_store_fini(&js);
}

/* Strings in chunks (the interval join's mode): rows come and go in
 * about time order; strings stay intact while their rows live, emptied
 * chunks are reused, and everything is freed when the rows are gone. */
static void join_store_chunks(void)
{
    JoinStore js;
    RtType kt[1] = {t_str};
    join_store_init(&js, 1, kt, &s_int_str, NULL);
    join_store_use_chunks(&js);
    char kbuf[32], vbuf[32];
    enum { N = 200000, LIVE = 3000 };
    JoinRow **ring = xcalloc(LIVE, sizeof(JoinRow *));
    size_t peak_bytes = 0;
    for (int i = 0; i < N; i++) {
        JoinRow *old = ring[i % LIVE];
        if (old) {
            /* the row LIVE rows back: its strings are intact */
            const Value *v = join_row_values(old);
            snprintf(vbuf, sizeof vbuf, "value-%d", (int)old->time);
            UNIT_CHECK(v[1].u.s.len == strlen(vbuf) &&
                       memcmp(v[1].u.s.ptr, vbuf, v[1].u.s.len) == 0);
            JoinKey *ok = old->key;
            join_store_remove(&js, old);
            if (ok->n[0] == 0 && ok->n[1] == 0)
                join_store_drop_key(&js, ok);
        }
        snprintf(kbuf, sizeof kbuf, "key-%d", i / 2);
        snprintf(vbuf, sizeof vbuf, "value-%d", i);
        Value key = vstr(kbuf);
        uint64_t h = join_store_hash(&js, &key);
        JoinKey *k = join_store_get(&js, &key, h);
        Value row[2] = {vint(i), vstr(vbuf)};
        JoinRow *r = join_store_add(&js, k, 0, row);
        r->time = i;
        ring[i % LIVE] = r;
        if (join_store_bytes(&js) > peak_bytes)
            peak_bytes = join_store_bytes(&js);
    }
    /* LIVE rows of ~25 bytes of strings: a few 64 KiB chunks, not N */
    UNIT_CHECK(js.chunk_bytes <= 8u * 65536u);
    UNIT_CHECK(peak_bytes < 4u * 1024u * 1024u);
    for (int i = 0; i < LIVE; i++) {
        JoinKey *ok = ring[i]->key;
        join_store_remove(&js, ring[i]);
        if (ok->n[0] == 0 && ok->n[1] == 0)
            join_store_drop_key(&js, ok);
    }
    UNIT_EQ_INT(join_store_rows(&js), 0);
    UNIT_EQ_INT(join_store_keys(&js), 0);
    UNIT_EQ_INT(strpool_count(js.pool), 0);
    xfree(ring);
    join_store_fini(&js);
}

/* Restore checks the kind of every row value against its column: a blob
 * of (INT, STRING) rows restored into a store of (INT, INT) rows (same
 * widths, so only the kind check can tell) is refused, where the right
 * store takes it. */
static void join_store_restore_kinds(void)
{
    JoinStore js;
    RtType kt[1] = {t_int};
    join_store_init(&js, 1, kt, &s_int_str, &s_int);
    for (int i = 0; i < 4; i++) {
        Value key = vint(i % 2);
        JoinKey *k = join_store_get(&js, &key, join_store_hash(&js, &key));
        Value row[2] = {vint(i), vstr(i % 2 ? "odd" : "even")};
        join_store_add(&js, k, 0, row);
        Value rr = vint(-i);
        join_store_add(&js, k, 1, &rr);
    }
    SnapWriter w;
    snap_writer_init(&w);
    join_store_snapshot(&js, &w);
    join_store_fini(&js);

    /* the same shape: every row comes back */
    SnapReader r;
    snap_reader_init(&r, w.buf, w.len);
    join_store_init(&js, 1, kt, &s_int_str, &s_int);
    UNIT_CHECK(join_store_restore(&js, &r, NULL, NULL));
    UNIT_CHECK(snap_reader_done(&r));
    UNIT_EQ_INT(js.n_rows[0], 4);
    UNIT_EQ_INT(js.n_rows[1], 4);
    UNIT_EQ_INT(join_store_keys(&js), 2);
    join_store_fini(&js);

    /* a string where an integer is wanted: refused cleanly */
    snap_reader_init(&r, w.buf, w.len);
    join_store_init(&js, 1, kt, &s_int_int, &s_int);
    UNIT_CHECK(!join_store_restore(&js, &r, NULL, NULL));
    UNIT_CHECK(r.bad);
    join_store_fini(&js);

    /* the right side's single column of the wrong kind, too */
    snap_reader_init(&r, w.buf, w.len);
    RtColumn c_str[1] = {{.name = "a", .type = {VK_STRING, 0, -1, 0, true}}};
    RtSchema s_str = {1, c_str};
    join_store_init(&js, 1, kt, &s_int_str, &s_str);
    UNIT_CHECK(!join_store_restore(&js, &r, NULL, NULL));
    join_store_fini(&js);
    snap_writer_fini(&w);
}

/* The rows-by-time heap: rows come out in time order (ties in any
 * order), across pops interleaved with pushes and growth past the first
 * array. */
static void join_store_heap(void)
{
    JoinStore js;
    RtType kt[1] = {t_int};
    join_store_init(&js, 1, kt, &s_int, NULL);
    Value key = vint(1);
    JoinKey *k = join_store_get(&js, &key, join_store_hash(&js, &key));
    JoinHeap h = {0};
    uint32_t seed = 7;
    size_t popped = 0;
    enum { N = 3000 };
    for (int i = 0; i < N; i++) {
        seed = seed * 1103515245u + 12345u;
        Value v = vint(i);
        JoinRow *r = join_store_add(&js, k, 0, &v);
        r->time = (int64_t)(seed >> 8) % 1000 + (i / 100) * 1000;
        join_heap_push(&h, r);
        if (i % 3 == 2) { /* pops lag behind pushes: a growing heap */
            JoinRow *top = join_heap_pop(&h);
            UNIT_CHECK(h.n == 0 || top->time <= join_heap_min(&h));
            popped++;
        }
    }
    int64_t last = INT64_MIN;
    while (h.n > 0) {
        int64_t m = join_heap_min(&h);
        JoinRow *top = join_heap_pop(&h);
        UNIT_EQ_INT(top->time, m);
        UNIT_CHECK(top->time >= last);
        last = top->time;
        popped++;
    }
    UNIT_EQ_INT(popped, N);
    join_heap_fini(&h);
    join_store_fini(&js);
}

static const UnitTest join_store_tests[] = {
    {"join_store_rows_per_key", join_store_rows_per_key},
    {"join_store_chunks", join_store_chunks},
    {"join_store_restore_kinds", join_store_restore_kinds},
    {"join_store_heap", join_store_heap},
    {NULL, NULL},
};
UNIT_REGISTER(join_store_tests)
