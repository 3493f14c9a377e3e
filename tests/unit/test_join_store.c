/*
 * test_join_store.c - the join operators' keyed row store
 * (runtime/join_store.h): rows per key and side in insertion order,
 * removal from the middle, equal-row lookup, string values kept across
 * the caller's buffer being reused, and every row and key freed again
 * (counts back to zero, slab rows reused).
 */
#include "runtime/fsql.h"
#include "runtime/join_store.h"
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

static void join_store_rows_per_key(void)
{
    JoinStore js;
    RtType kt[1] = {t_int};
    join_store_init(&js, 1, kt, 2, 1);
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
    join_store_init(&js, 1, kt, 2, 0);
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

static const UnitTest join_store_tests[] = {
    {"join_store_rows_per_key", join_store_rows_per_key},
    {"join_store_chunks", join_store_chunks},
    {NULL, NULL},
};
UNIT_REGISTER(join_store_tests)
