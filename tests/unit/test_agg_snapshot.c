/*
 * test_agg_snapshot.c - checkpoints of aggregate state (agg.c,
 * agg_state_snapshot/agg_state_restore; aggset.c): every function, on
 * every argument kind it takes, with and without DISTINCT, in sliding
 * (step + FIFO inverse) and append-only use, is snapshotted mid-stream,
 * restored into a fresh state on a fresh string pool, and then fed the
 * rest of the stream beside the original: both give the same result after
 * every row.  Truncated blobs fail cleanly and leak nothing.
 */
#include "runtime/fsql.h"
#include "runtime/agg.h"
#include "runtime/aggset.h"
#include "runtime/checkpoint.h"
#include "runtime/decimal.h"
#include "runtime/value_ops.h"
#include "tests/unit/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static RtType sty(ValueKind k, uint8_t sql, int p, int s)
{
    RtType t;
    memset(&t, 0, sizeof t);
    t.kind = k;
    t.sql_kind = sql;
    t.precision = p;
    t.scale = s;
    t.is_nullable = true;
    return t;
}

/* A deterministic value of kind t for row i (some NULLs, repeats). */
static Value sval(const RtType *t, uint32_t i, char *sbuf, size_t sn)
{
    Value v;
    uint32_t x = (i * 2654435761u) >> 7;
    memset(&v, 0, sizeof v);
    v.kind = (uint8_t)t->kind;
    if (x % 11 == 3) {
        v = value_null(t->kind);
        return v;
    }
    switch (t->kind) {
    case VK_DOUBLE:
        v.u.f = (double)(x % 97) * 0.37 - 11.0;
        break;
    case VK_DECIMAL:
        value_set_dec(&v, (i128)(x % 5000) - 1200);
        break;
    case VK_STRING:
        snprintf(sbuf, sn, "s%u", x % 13);
        v.u.s.ptr = sbuf;
        v.u.s.len = (uint32_t)strlen(sbuf);
        break;
    default:
        v.u.i = (int64_t)(x % 1000) - 300;
        break;
    }
    return v;
}

static const char *sfmt(const Value *v, const RtType *t, char *buf, size_t n)
{
    StrBuf sb;
    strbuf_init(&sb);
    value_format(&sb, v, t, NULL);
    snprintf(buf, n, "%s", strbuf_cstr(&sb));
    strbuf_fini(&sb);
    return buf;
}

typedef struct Case {
    const char *name;
    RtType arg, res;
    uint32_t n_args; /* 2: LISTAGG separator / percentile fraction */
} Case;

/* Build the argument vector of row i for case c. */
static void row_args(const Case *c, uint32_t i, Value *args, char *sbuf,
                     size_t sn)
{
    bool pct = strncmp(c->name, "PERCENTILE", 10) == 0;
    if (pct) {
        memset(&args[0], 0, sizeof args[0]);
        args[0].kind = VK_DOUBLE;
        args[0].u.f = 0.3;
        args[1] = sval(&c->arg, i, sbuf, sn);
        return;
    }
    args[0] = sval(&c->arg, i, sbuf, sn);
    if (c->n_args > 1) {
        memset(&args[1], 0, sizeof args[1]);
        args[1].kind = VK_STRING;
        args[1].u.s.ptr = "|";
        args[1].u.s.len = 1;
    }
}

/* Run case c: N rows, a sliding frame of W rows (0: append-only), the
 * snapshot after row K.  Returns the number of mismatches. */
static int run_case(const Case *c, bool distinct, uint32_t W, uint32_t K)
{
    enum { N = 300 };
    const AggDef *d = agg_def_find(c->name, strlen(c->name));
    AggSpec sa, sb;
    StrPool *pa = strpool_new(), *pb = strpool_new();
    Arena ar;
    arena_init(&ar, 4096);
    if (!agg_spec_init(&sa, d, c->n_args, &c->arg, &c->res, distinct, pa) ||
        !agg_spec_init(&sb, d, c->n_args, &c->arg, &c->res, distinct, pb)) {
        strpool_free(pa);
        strpool_free(pb);
        arena_fini(&ar);
        return 0; /* not a valid combination */
    }
    if (W && !agg_has_inverse(&sa))
        W = 0;
    _Alignas(16) unsigned char A[512], B[512];
    UNIT_CHECK(agg_state_size(&sa) <= sizeof A);
    agg_init(&sa, A);
    if (!W)
        agg_set_append_only(&sa, A);
    int bad = 0;
    char s1[32], s2[32], f1[128], f2[128];
    bool restored = false;
    for (uint32_t i = 0; i < N; i++) {
        Value args[2];
        row_args(c, i, args, s1, sizeof s1);
        agg_step(&sa, A, args);
        if (restored)
            agg_step(&sb, B, args);
        if (W && i >= W) {
            row_args(c, i - W, args, s2, sizeof s2);
            agg_inverse(&sa, A, args);
            if (restored)
                agg_inverse(&sb, B, args);
        }
        if (i == K) {
            SnapWriter w;
            snap_writer_init(&w);
            agg_state_snapshot(&sa, A, &w);
            SnapReader r;
            snap_reader_init(&r, w.buf, w.len);
            memset(B, 0xA5, sizeof B); /* restore must not rely on init */
            UNIT_CHECK(agg_state_restore(&sb, B, &r));
            UNIT_CHECK(snap_reader_done(&r));
            /* every truncation fails cleanly and leaks no string */
            for (size_t cut = 0; cut < w.len; cut += 1 + w.len / 40) {
                _Alignas(16) unsigned char T[512];
                StrPool *pt = strpool_new();
                AggSpec st = sb;
                st.pool = pt;
                snap_reader_init(&r, w.buf, cut);
                bool ok = agg_state_restore(&st, T, &r);
                UNIT_CHECK(!ok || !snap_reader_done(&r) || cut == w.len);
                agg_fini(&st, T);
                UNIT_EQ_INT(strpool_count(pt), 0);
                strpool_free(pt);
            }
            /* a second snapshot of the restored state is identical (the
             * DISTINCT set may list its keys in another slot order) */
            SnapWriter w2;
            snap_writer_init(&w2);
            agg_state_snapshot(&sb, B, &w2);
            UNIT_CHECK(w2.len == w.len);
            UNIT_CHECK(distinct || memcmp(w2.buf, w.buf, w.len) == 0);
            snap_writer_fini(&w2);
            snap_writer_fini(&w);
            restored = true;
        }
        if (restored) {
            Value oa, ob;
            arena_reset(&ar);
            agg_final(&sa, A, &oa, &ar);
            agg_final(&sb, B, &ob, &ar);
            sfmt(&oa, &c->res, f1, sizeof f1);
            sfmt(&ob, &c->res, f2, sizeof f2);
            if (strcmp(f1, f2) != 0) {
                if (bad++ < 3)
                    unit_fail(__FILE__, __LINE__,
                              "%s%s W=%u row %u: %s vs restored %s", c->name,
                              distinct ? " DISTINCT" : "", W, i, f1, f2);
            }
        }
    }
    agg_fini(&sa, A);
    agg_fini(&sb, B);
    UNIT_EQ_INT(strpool_count(pa), 0);
    UNIT_EQ_INT(strpool_count(pb), 0);
    strpool_free(pa);
    strpool_free(pb);
    arena_fini(&ar);
    return bad;
}

static void test_agg_snapshot_all(void)
{
    RtType ti = sty(VK_INT, RT_SQL_INT, -1, 0);
    RtType tb = sty(VK_INT, RT_SQL_BIGINT, -1, 0);
    RtType td = sty(VK_DOUBLE, RT_SQL_DOUBLE, -1, 0);
    RtType tdec = sty(VK_DECIMAL, 0, 10, 2), tdec38 = sty(VK_DECIMAL, 0, 38, 2);
    RtType tdec6 = sty(VK_DECIMAL, 0, 38, 6);
    RtType ts = sty(VK_STRING, 0, -1, 0);
    const Case cases[] = {
        {"COUNT", ti, tb, 1},
        {"COUNT", ts, tb, 1},
        {"COUNT", ti, tb, 0},
        {"SUM", ti, ti, 1},
        {"SUM", td, td, 1},
        {"SUM", tdec, tdec38, 1},
        {"SUM0", tb, tb, 1},
        {"AVG", ti, ti, 1},
        {"AVG", td, td, 1},
        {"AVG", tdec, tdec6, 1},
        {"MIN", ti, ti, 1},
        {"MIN", ts, ts, 1},
        {"MAX", td, td, 1},
        {"MAX", tdec, tdec, 1},
        {"MAX", ts, ts, 1},
        {"VAR_POP", ti, ti, 1},
        {"VAR_SAMP", td, td, 1},
        {"STDDEV_POP", tdec, td, 1},
        {"STDDEV_SAMP", tb, td, 1},
        {"STDDEV", td, td, 1},
        {"FIRST_VALUE", ts, ts, 1},
        {"FIRST_VALUE", ti, ti, 1},
        {"LAST_VALUE", ts, ts, 1},
        {"LAST_VALUE", td, td, 1},
        {"LISTAGG", ts, ts, 1},
        {"LISTAGG", ts, ts, 2},
        {"PERCENTILE_CONT", ti, td, 2},
        {"PERCENTILE_DISC", td, td, 2},
    };
    int bad = 0;
    for (size_t i = 0; i < FSQL_ARRAY_LEN(cases); i++)
        for (int dist = 0; dist < 2; dist++) {
            if (dist && cases[i].n_args != 1)
                continue;
            bad += run_case(&cases[i], dist, 0, 0);
            bad += run_case(&cases[i], dist, 0, 150);
            bad += run_case(&cases[i], dist, 17, 9);
            bad += run_case(&cases[i], dist, 17, 150);
        }
    UNIT_EQ_INT(bad, 0);
}

/* An AggSet block round-trips as a unit, FILTER included. */
static void test_agg_snapshot_aggset(void)
{
    RtType ti = sty(VK_INT, RT_SQL_INT, -1, 0);
    RtType tb = sty(VK_INT, RT_SQL_BIGINT, -1, 0);
    RtType ts = sty(VK_STRING, 0, -1, 0);
    OpAggCall calls[3];
    memset(calls, 0, sizeof calls);
    calls[0].name = "COUNT";
    calls[0].n_args = 0;
    calls[0].type = tb;
    calls[0].filter = -1;
    calls[1].name = "MAX";
    calls[1].n_args = 1;
    calls[1].arg = 1;
    calls[1].arg_type = ts;
    calls[1].type = ts;
    calls[1].filter = -1;
    calls[2].name = "SUM";
    calls[2].n_args = 1;
    calls[2].arg = 0;
    calls[2].arg_type = ti;
    calls[2].type = ti;
    calls[2].is_distinct = true;
    calls[2].filter = -1;
    Arena a;
    arena_init(&a, 4096);
    StrPool *pa = strpool_new(), *pb = strpool_new();
    AggSet xa, xb;
    char err[128];
    UNIT_REQUIRE(aggset_init(&xa, &a, calls, 3, pa, err, sizeof err));
    UNIT_REQUIRE(aggset_init(&xb, &a, calls, 3, pb, err, sizeof err));
    void *A = arena_zalloc(&a, xa.state_size + 16);
    void *B = arena_zalloc(&a, xb.state_size + 16);
    A = (void *)(((uintptr_t)A + 15u) & ~(uintptr_t)15u);
    B = (void *)(((uintptr_t)B + 15u) & ~(uintptr_t)15u);
    aggset_start(&xa, A, true);
    char sb[32];
    for (uint32_t i = 0; i < 50; i++) {
        Value args[2];
        args[0] = sval(&ti, i, sb, sizeof sb);
        args[1] = sval(&ts, i + 7, sb, sizeof sb);
        aggset_step(&xa, A, args);
    }
    SnapWriter w;
    snap_writer_init(&w);
    aggset_snapshot(&xa, A, &w);
    SnapReader r;
    snap_reader_init(&r, w.buf, w.len);
    UNIT_CHECK(aggset_restore(&xb, B, &r));
    UNIT_CHECK(snap_reader_done(&r));
    Value oa[3], ob[3];
    char f1[64], f2[64];
    aggset_final(&xa, A, oa, &a);
    aggset_final(&xb, B, ob, &a);
    for (int i = 0; i < 3; i++)
        UNIT_EQ_STR(sfmt(&ob[i], &calls[i].type, f2, sizeof f2),
                    sfmt(&oa[i], &calls[i].type, f1, sizeof f1));
    /* a truncated block: false, and the block still releases cleanly */
    StrPool *pt = strpool_new();
    AggSet xt;
    UNIT_REQUIRE(aggset_init(&xt, &a, calls, 3, pt, err, sizeof err));
    void *T = arena_zalloc(&a, xt.state_size + 16);
    T = (void *)(((uintptr_t)T + 15u) & ~(uintptr_t)15u);
    snap_reader_init(&r, w.buf, w.len / 2);
    UNIT_CHECK(!aggset_restore(&xt, T, &r));
    aggset_fini(&xt, T);
    UNIT_EQ_INT(strpool_count(pt), 0);
    strpool_free(pt);
    snap_writer_fini(&w);
    aggset_fini(&xa, A);
    aggset_fini(&xb, B);
    UNIT_EQ_INT(strpool_count(pa), 0);
    UNIT_EQ_INT(strpool_count(pb), 0);
    strpool_free(pa);
    strpool_free(pb);
    arena_fini(&a);
}

static const UnitTest agg_snapshot_tests[] = {
    {"agg_snapshot_all", test_agg_snapshot_all},
    {"agg_snapshot_aggset", test_agg_snapshot_aggset},
    {NULL, NULL},
};

UNIT_REGISTER(agg_snapshot_tests)
