/*
 * test_agg_dset.c - the compact DISTINCT set of runtime/agg.c (one entry
 * inline in the state, spilled to pool blocks, big blocks past 2 KB):
 * COUNT(DISTINCT x) over a sliding FIFO window is checked against a naive
 * count after every step and retraction, for BIGINT, STRING passed as
 * plain bytes and STRING passed as pool references (is_interned, as
 * op_over.c does), with value domains of 1, 2, 3, 40 and 600 values
 * (inline only, the first spill, growth, and blocks beyond the pool's
 * size classes), windows that empty the set again, a snapshot/restore
 * round trip mid-stream, and the string references all released by
 * agg_fini (pool count back to 0).
 */
#include "runtime/fsql.h"
#include "runtime/agg.h"
#include "runtime/checkpoint.h"
#include "tests/unit/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DS_N 3000u

static RtType dty(ValueKind k)
{
    RtType t;
    memset(&t, 0, sizeof t);
    t.kind = k;
    t.is_nullable = true;
    return t;
}

/* Value id of row i over a domain of d values (some runs of repeats). */
static uint32_t dval(uint32_t i, uint32_t d)
{
    uint32_t x = (i / 3u) * 2654435761u + i % 2u;
    return (x >> 9) % d;
}

typedef struct DsCase {
    ValueKind kind;
    bool interned;
    uint32_t domain, window;
} DsCase;

/* Argument for value id v (strings: "v<id>" or "" for id 0 with
 * strings, to cover the empty string). */
static Value dsarg(const DsCase *c, StrPool *pool, uint32_t v, char *buf,
                   size_t n)
{
    Value a;
    memset(&a, 0, sizeof a);
    a.kind = (uint8_t)c->kind;
    if (c->kind == VK_INT) {
        a.u.i = (int64_t)v * 1000003 - 7;
        return a;
    }
    if (v == 0)
        buf[0] = '\0';
    else
        snprintf(buf, n, "v%u", v);
    a.u.s.len = (uint32_t)strlen(buf);
    a.u.s.ptr = c->interned ? strpool_ref(pool, buf, a.u.s.len) : buf;
    return a;
}

static void dsarg_done(const DsCase *c, StrPool *pool, const Value *a)
{
    if (c->kind != VK_INT && c->interned)
        strpool_unref(pool, a->u.s.ptr, a->u.s.len);
}

static int64_t ds_count(const AggSpec *sp, const void *st)
{
    Value out;
    agg_final(sp, st, &out, NULL);
    return out.u.i;
}

static void ds_run(const DsCase *c)
{
    const AggDef *def = agg_def_find("COUNT", 5);
    RtType at = dty(c->kind), rt = dty(VK_INT);
    StrPool *pa = strpool_new(), *pb = strpool_new();
    AggSpec sa, sb;
    UNIT_REQUIRE(agg_spec_init(&sa, def, 1, &at, &rt, true, pa));
    UNIT_REQUIRE(agg_spec_init(&sb, def, 1, &at, &rt, true, pb));
    UNIT_CHECK(sa.dset_compact);
    sa.is_interned = sb.is_interned = c->interned;
    _Alignas(16) unsigned char A[64], B[64];
    UNIT_REQUIRE(agg_state_size(&sa) <= sizeof A);
    agg_init(&sa, A);
    uint32_t *cnt = calloc(c->domain, sizeof *cnt);
    int64_t distinct = 0;
    bool restored = false;
    uint32_t head = 0;
    int bad = 0;
    char buf[32];
    for (uint32_t i = 0; i < DS_N; i++) {
        uint32_t v = dval(i, c->domain);
        Value a = dsarg(c, pa, v, buf, sizeof buf);
        agg_step(&sa, A, &a);
        dsarg_done(c, pa, &a);
        if (restored) {
            a = dsarg(c, pb, v, buf, sizeof buf);
            agg_step(&sb, B, &a);
            dsarg_done(c, pb, &a);
        }
        if (cnt[v]++ == 0)
            distinct++;
        /* the window: rows head..i, every 500 rows drained completely */
        uint32_t keep = (i % 500u) == 499u ? 0u : c->window;
        while (i + 1u - head > keep) {
            uint32_t u = dval(head++, c->domain);
            a = dsarg(c, pa, u, buf, sizeof buf);
            agg_inverse(&sa, A, &a);
            dsarg_done(c, pa, &a);
            if (restored) {
                a = dsarg(c, pb, u, buf, sizeof buf);
                agg_inverse(&sb, B, &a);
                dsarg_done(c, pb, &a);
            }
            if (--cnt[u] == 0)
                distinct--;
        }
        if (ds_count(&sa, A) != distinct && bad++ < 3)
            unit_fail(__FILE__, __LINE__,
                      "kind %d interned %d domain %u row %u: %lld, want %lld",
                      (int)c->kind, (int)c->interned, c->domain, i,
                      (long long)ds_count(&sa, A), (long long)distinct);
        if (restored && ds_count(&sb, B) != distinct && bad++ < 3)
            unit_fail(__FILE__, __LINE__, "restored domain %u row %u", c->domain,
                      i);
        if (i == DS_N / 3) {
            SnapWriter wr;
            snap_writer_init(&wr);
            agg_state_snapshot(&sa, A, &wr);
            SnapReader r;
            snap_reader_init(&r, wr.buf, wr.len);
            memset(B, 0x5A, sizeof B);
            UNIT_CHECK(agg_state_restore(&sb, B, &r));
            UNIT_CHECK(snap_reader_done(&r));
            snap_writer_fini(&wr);
            restored = true;
        }
    }
    agg_fini(&sa, A);
    agg_fini(&sb, B);
    UNIT_EQ_INT(strpool_count(pa), 0);
    UNIT_EQ_INT(strpool_count(pb), 0);
    /* teardown: no per-set release, the pool goes as a whole */
    agg_init(&sa, A);
    for (uint32_t i = 0; i < 300; i++) {
        Value a = dsarg(c, pa, dval(i, c->domain), buf, sizeof buf);
        agg_step(&sa, A, &a);
        dsarg_done(c, pa, &a);
    }
    UNIT_CHECK(!agg_teardown_needed(&sa));
    agg_fini_teardown(&sa, A);
    strpool_free(pa);
    strpool_free(pb);
    free(cnt);
}

static void test_agg_dset_sliding(void)
{
    static const uint32_t domains[] = {1, 2, 3, 40, 600};
    static const uint32_t windows[] = {1, 4, 64, 2000};
    static const struct {
        ValueKind k;
        bool interned;
    } kinds[] = {{VK_INT, false}, {VK_STRING, false}, {VK_STRING, true}};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
        for (size_t d = 0; d < sizeof domains / sizeof domains[0]; d++)
            for (size_t w = 0; w < sizeof windows / sizeof windows[0]; w++) {
                DsCase c = {kinds[k].k, kinds[k].interned, domains[d],
                            windows[w]};
                ds_run(&c);
            }
}

/* Types without a one-word form keep the general set. */
static void test_agg_dset_wide(void)
{
    const AggDef *def = agg_def_find("COUNT", 5);
    RtType at = dty(VK_DOUBLE), rt = dty(VK_INT);
    AggSpec sp;
    StrPool *p = strpool_new();
    UNIT_REQUIRE(agg_spec_init(&sp, def, 1, &at, &rt, true, p));
    UNIT_CHECK(!sp.dset_compact);
    UNIT_CHECK(agg_teardown_needed(&sp));
    at = dty(VK_DECIMAL);
    UNIT_REQUIRE(agg_spec_init(&sp, def, 1, &at, &rt, true, p));
    UNIT_CHECK(!sp.dset_compact);
    at = dty(VK_TIMESTAMP);
    UNIT_REQUIRE(agg_spec_init(&sp, def, 1, &at, &rt, true, p));
    UNIT_CHECK(sp.dset_compact);
    UNIT_CHECK(agg_state_align(&sp) == 8);
    strpool_free(p);
}

static const UnitTest agg_dset_tests[] = {
    {"agg_dset_sliding", test_agg_dset_sliding},
    {"agg_dset_wide", test_agg_dset_wide},
    {NULL, NULL},
};

UNIT_REGISTER(agg_dset_tests)
