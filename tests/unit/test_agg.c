/*
 * test_agg.c - the aggregate library (runtime/agg.c): string pool
 * reference counts, result types and exact DECIMAL results, sliding
 * windows (step + FIFO inverse) against brute force for MIN/MAX/SUM/
 * COUNT DISTINCT/FIRST/LAST, variance, percentiles, LISTAGG and merge,
 * the compact SUM and COUNT(DISTINCT) states (128-bit range, sticky
 * overflow through retraction, merge and a snapshot round trip).
 */
#include "runtime/fsql.h"
#include "runtime/agg.h"
#include "runtime/checkpoint.h"
#include "runtime/decimal.h"
#include "runtime/value_ops.h"
#include "tests/unit/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static RtType ty(ValueKind k, uint8_t sql, int p, int s)
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

static Value vint(int64_t x)
{
    Value v;
    memset(&v, 0, sizeof v);
    v.kind = VK_INT;
    v.u.i = x;
    return v;
}

static Value vdec(const char *s, int scale)
{
    i128 x = 0;
    decimal_parse(s, strlen(s), 38, scale, &x);
    Value v;
    memset(&v, 0, sizeof v);
    value_set_dec(&v, x);
    return v;
}

static Value vstr(const char *s)
{
    Value v;
    memset(&v, 0, sizeof v);
    v.kind = VK_STRING;
    v.u.s.ptr = s;
    v.u.s.len = (uint32_t)strlen(s);
    return v;
}

/* The result as text (SQL style). */
static const char *fmt(const Value *v, const RtType *t)
{
    static char buf[256];
    StrBuf sb;
    strbuf_init(&sb);
    value_format(&sb, v, t, NULL);
    snprintf(buf, sizeof buf, "%s", strbuf_cstr(&sb));
    strbuf_fini(&sb);
    return buf;
}

typedef struct Agg {
    AggSpec sp;
    _Alignas(16) unsigned char st[512];
} Agg;

static void agg_open(Agg *g, const char *name, const RtType *arg,
                     const RtType *res, uint32_t n_args, bool distinct,
                     StrPool *pool)
{
    const AggDef *d = agg_def_find(name, strlen(name));
    UNIT_CHECK(d != NULL);
    UNIT_CHECK(agg_spec_init(&g->sp, d, n_args, arg, res, distinct, pool));
    UNIT_CHECK(agg_state_size(&g->sp) <= sizeof g->st);
    agg_init(&g->sp, g->st);
}

static const char *agg_text(Agg *g, Arena *a)
{
    Value out;
    agg_final(&g->sp, g->st, &out, a);
    return fmt(&out, &g->sp.res);
}

static void test_agg_strpool(void)
{
    StrPool *p = strpool_new();
    char a[] = "hello", b[] = "hello";
    const char *x = strpool_ref(p, a, 5);
    const char *y = strpool_ref(p, b, 5);
    UNIT_CHECK(x == y);
    UNIT_CHECK(x != a);
    UNIT_EQ_INT(strpool_count(p), 1);
    strpool_unref(p, x, 5);
    UNIT_EQ_INT(strpool_count(p), 1);
    strpool_unref(p, y, 5);
    UNIT_EQ_INT(strpool_count(p), 0);
    /* many strings: the table grows and shrinks back to empty */
    char buf[32];
    const char *keep[2000];
    uint32_t len[2000];
    for (int i = 0; i < 2000; i++) {
        snprintf(buf, sizeof buf, "s%d", i % 1000);
        len[i] = (uint32_t)strlen(buf);
        keep[i] = strpool_ref(p, buf, len[i]); /* not NUL-terminated */
    }
    UNIT_EQ_INT(strpool_count(p), 1000);
    for (int i = 0; i < 2000; i++)
        strpool_unref(p, keep[i], len[i]);
    UNIT_EQ_INT(strpool_count(p), 0);
    UNIT_CHECK(strpool_ref(p, "", 0)[0] == '\0');
    strpool_free(p);
}

static void test_agg_types(void)
{
    Arena a;
    arena_init(&a, 4096);
    StrPool *p = strpool_new();
    RtType d152 = ty(VK_DECIMAL, 0, 15, 2), d382 = ty(VK_DECIMAL, 0, 38, 2);
    RtType d386 = ty(VK_DECIMAL, 0, 38, 6), ti = ty(VK_INT, RT_SQL_INT, -1, 0);
    RtType tb = ty(VK_INT, RT_SQL_BIGINT, -1, 0);
    Agg s, av, c, cs, si;
    agg_open(&s, "SUM", &d152, &d382, 1, false, p);
    agg_open(&av, "AVG", &d152, &d386, 1, false, p);
    agg_open(&c, "COUNT", &d152, &tb, 1, false, p);
    agg_open(&cs, "count", NULL, &tb, 0, false, p);
    agg_open(&si, "SUM", &ti, &ti, 1, false, p);
    UNIT_EQ_STR(agg_text(&s, &a), "<NULL>");
    UNIT_EQ_STR(agg_text(&c, &a), "0");
    const char *in[] = {"10.50", "1.25", NULL, "20.00"};
    for (int i = 0; i < 4; i++) {
        Value v = in[i] ? vdec(in[i], 2) : value_null(VK_DECIMAL);
        agg_step(&s.sp, s.st, &v);
        agg_step(&av.sp, av.st, &v);
        agg_step(&c.sp, c.st, &v);
        agg_step(&cs.sp, cs.st, NULL);
    }
    UNIT_EQ_STR(agg_text(&s, &a), "31.75");
    UNIT_EQ_STR(agg_text(&av, &a), "10.583333"); /* 31.75 / 3, HALF_UP */
    UNIT_EQ_STR(agg_text(&c, &a), "3");
    UNIT_EQ_STR(agg_text(&cs, &a), "4");
    /* retract 10.50: 21.25 / 2 */
    Value v = vdec("10.50", 2);
    agg_inverse(&s.sp, s.st, &v);
    agg_inverse(&av.sp, av.st, &v);
    UNIT_EQ_STR(agg_text(&s, &a), "21.25");
    UNIT_EQ_STR(agg_text(&av, &a), "10.625000");
    /* SUM(INT) wraps as Java int */
    Value big = vint(2147483647), one = vint(1);
    agg_step(&si.sp, si.st, &big);
    agg_step(&si.sp, si.st, &one);
    UNIT_EQ_STR(agg_text(&si, &a), "-2147483648");
    /* AVG(INT) truncates toward zero and stays INT */
    Agg ai;
    agg_open(&ai, "AVG", &ti, &ti, 1, false, p);
    Value m7 = vint(-7), z = vint(0);
    agg_step(&ai.sp, ai.st, &m7);
    agg_step(&ai.sp, ai.st, &z);
    UNIT_EQ_STR(agg_text(&ai, &a), "-3");
    strpool_free(p);
    arena_fini(&a);
}

/* Sliding window of width w over random values: step + FIFO inverse must
 * equal a brute-force recomputation for MIN, MAX, SUM, COUNT(DISTINCT),
 * FIRST_VALUE and LAST_VALUE (with NULLs and string values). */
static void test_agg_sliding(void)
{
    Arena a;
    arena_init(&a, 4096);
    StrPool *p = strpool_new();
    RtType ti = ty(VK_INT, RT_SQL_INT, -1, 0), tb = ty(VK_INT, RT_SQL_BIGINT,
                                                        -1, 0);
    RtType ts = ty(VK_STRING, 0, -1, 0);
    static char strs[8][8];
    for (int i = 0; i < 8; i++)
        snprintf(strs[i], sizeof strs[i], "v%c", 'a' + (i * 5) % 8);
    srand(7);
    for (int w = 1; w <= 6; w++) {
        Agg mn, mx, sm, cd, fv, lv, smin;
        agg_open(&mn, "MIN", &ti, &ti, 1, false, p);
        agg_open(&mx, "MAX", &ti, &ti, 1, false, p);
        agg_open(&sm, "SUM", &ti, &ti, 1, false, p);
        agg_open(&cd, "COUNT", &ts, &tb, 1, true, p);
        agg_open(&fv, "FIRST_VALUE", &ti, &ti, 1, false, p);
        agg_open(&lv, "LAST_VALUE", &ts, &ts, 1, false, p);
        agg_open(&smin, "MIN", &ts, &ts, 1, false, p);
        Value vals[400], svals[400];
        for (int i = 0; i < 400; i++) {
            vals[i] = rand() % 6 == 0 ? value_null(VK_INT)
                                      : vint(rand() % 50 - 10);
            svals[i] = rand() % 7 == 0 ? value_null(VK_STRING)
                                       : vstr(strs[rand() % 8]);
            agg_step(&mn.sp, mn.st, &vals[i]);
            agg_step(&mx.sp, mx.st, &vals[i]);
            agg_step(&sm.sp, sm.st, &vals[i]);
            agg_step(&fv.sp, fv.st, &vals[i]);
            agg_step(&cd.sp, cd.st, &svals[i]);
            agg_step(&lv.sp, lv.st, &svals[i]);
            agg_step(&smin.sp, smin.st, &svals[i]);
            if (i >= w) {
                agg_inverse(&mn.sp, mn.st, &vals[i - w]);
                agg_inverse(&mx.sp, mx.st, &vals[i - w]);
                agg_inverse(&sm.sp, sm.st, &vals[i - w]);
                agg_inverse(&fv.sp, fv.st, &vals[i - w]);
                agg_inverse(&cd.sp, cd.st, &svals[i - w]);
                agg_inverse(&lv.sp, lv.st, &svals[i - w]);
                agg_inverse(&smin.sp, smin.st, &svals[i - w]);
            }
            /* brute force over [lo, i] */
            int lo = i >= w ? i - w + 1 : 0;
            int64_t bmin = 0, bmax = 0, bsum = 0;
            bool any = false;
            const Value *first = NULL, *last = NULL, *smn = NULL;
            int distinct = 0;
            for (int k = lo; k <= i; k++) {
                if (!vals[k].is_null) {
                    if (!any || vals[k].u.i < bmin)
                        bmin = vals[k].u.i;
                    if (!any || vals[k].u.i > bmax)
                        bmax = vals[k].u.i;
                    bsum += vals[k].u.i;
                    if (!first)
                        first = &vals[k];
                    any = true;
                }
                if (!svals[k].is_null) {
                    last = &svals[k];
                    if (!smn || value_compare(&svals[k], smn, &ts) < 0)
                        smn = &svals[k];
                    bool seen = false;
                    for (int j = lo; j < k && !seen; j++)
                        seen = !svals[j].is_null &&
                               value_equal(&svals[j], &svals[k], &ts);
                    distinct += !seen;
                }
            }
            char want[64];
            Value o;
            agg_final(&mn.sp, mn.st, &o, &a);
            UNIT_CHECK(o.is_null == !any && (!any || o.u.i == bmin));
            agg_final(&mx.sp, mx.st, &o, &a);
            UNIT_CHECK(o.is_null == !any && (!any || o.u.i == bmax));
            agg_final(&sm.sp, sm.st, &o, &a);
            UNIT_CHECK(o.is_null == !any && (!any || o.u.i == bsum));
            agg_final(&fv.sp, fv.st, &o, &a);
            UNIT_CHECK(o.is_null == !first ||
                       (first && o.u.i == first->u.i));
            snprintf(want, sizeof want, "%d", distinct);
            UNIT_EQ_STR(agg_text(&cd, &a), want);
            agg_final(&lv.sp, lv.st, &o, &a);
            UNIT_CHECK(last ? !o.is_null && value_equal(&o, last, &ts)
                            : o.is_null);
            agg_final(&smin.sp, smin.st, &o, &a);
            UNIT_CHECK(smn ? !o.is_null && value_equal(&o, smn, &ts)
                           : o.is_null);
        }
        agg_fini(&mn.sp, mn.st);
        agg_fini(&mx.sp, mx.st);
        agg_fini(&sm.sp, sm.st);
        agg_fini(&fv.sp, fv.st);
        agg_fini(&cd.sp, cd.st);
        agg_fini(&lv.sp, lv.st);
        agg_fini(&smin.sp, smin.st);
        UNIT_EQ_INT(strpool_count(p), 0); /* every reference released */
    }
    strpool_free(p);
    arena_fini(&a);
}

static void test_agg_variance(void)
{
    Arena a;
    arena_init(&a, 4096);
    StrPool *p = strpool_new();
    RtType d152 = ty(VK_DECIMAL, 0, 15, 2), d386 = ty(VK_DECIMAL, 0, 38, 6);
    RtType td = ty(VK_DOUBLE, RT_SQL_DOUBLE, -1, 0);
    Agg vs, sd, vp, sdd;
    agg_open(&vs, "VARIANCE", &d152, &d386, 1, false, p);
    agg_open(&sd, "STDDEV", &d152, &d386, 1, false, p);
    agg_open(&vp, "VAR_POP", &d152, &d386, 1, false, p);
    agg_open(&sdd, "STDDEV_SAMP", &td, &td, 1, false, p);
    const char *in[] = {"10.50", "1.25", "20.00", "3.00"};
    for (int i = 0; i < 4; i++) {
        Value v = vdec(in[i], 2);
        agg_step(&vs.sp, vs.st, &v);
        agg_step(&sd.sp, sd.st, &v);
        agg_step(&vp.sp, vp.st, &v);
        Value dv;
        memset(&dv, 0, sizeof dv);
        dv.kind = VK_DOUBLE;
        dv.u.f = atof(in[i]);
        agg_step(&sdd.sp, sdd.st, &dv);
    }
    /* mean 8.6875; sum of squared deviations 218.921875 */
    UNIT_EQ_STR(agg_text(&vs, &a), "72.973958"); /* / 3, HALF_UP */
    UNIT_EQ_STR(agg_text(&vp, &a), "54.730469"); /* / 4 = 54.73046875 */
    UNIT_EQ_STR(agg_text(&sd, &a), "8.542480");
    Value o;
    agg_final(&sdd.sp, sdd.st, &o, &a);
    UNIT_CHECK(o.u.f > 8.54247 && o.u.f < 8.54249);
    /* retract down to one row: sample variance is NULL, population 0 */
    for (int i = 0; i < 3; i++) {
        Value v = vdec(in[i], 2);
        agg_inverse(&vs.sp, vs.st, &v);
        agg_inverse(&vp.sp, vp.st, &v);
    }
    UNIT_EQ_STR(agg_text(&vs, &a), "<NULL>");
    UNIT_EQ_STR(agg_text(&vp, &a), "0.000000");
    strpool_free(p);
    arena_fini(&a);
}

static void test_agg_misc(void)
{
    Arena a;
    arena_init(&a, 4096);
    StrPool *p = strpool_new();
    RtType ts = ty(VK_STRING, 0, -1, 0), td = ty(VK_DOUBLE, RT_SQL_DOUBLE,
                                                  -1, 0);
    RtType ti = ty(VK_INT, RT_SQL_INT, -1, 0), tb = ty(VK_INT, RT_SQL_BIGINT,
                                                        -1, 0);
    /* LISTAGG with a separator, FIFO retraction */
    Agg la;
    agg_open(&la, "LISTAGG", &ts, &ts, 2, false, p);
    const char *w[] = {"a", "bb", NULL, "c"};
    for (int i = 0; i < 4; i++) {
        Value args[2] = {w[i] ? vstr(w[i]) : value_null(VK_STRING), vstr("; ")};
        agg_step(&la.sp, la.st, args);
    }
    UNIT_EQ_STR(agg_text(&la, &a), "a; bb; c");
    Value first[2] = {vstr("a"), vstr("; ")};
    agg_inverse(&la.sp, la.st, first);
    UNIT_EQ_STR(agg_text(&la, &a), "bb; c");
    agg_fini(&la.sp, la.st);
    /* percentiles: args (fraction DOUBLE, value) */
    Agg pc, pd;
    agg_open(&pc, "PERCENTILE_CONT", &ti, &td, 2, false, p);
    agg_open(&pd, "PERCENTILE_DISC", &ti, &ti, 2, false, p);
    int xs[] = {40, 10, 30, 20};
    for (int i = 0; i < 4; i++) {
        Value args[2];
        memset(args, 0, sizeof args);
        args[0].kind = VK_DOUBLE;
        args[0].u.f = 0.5;
        args[1] = vint(xs[i]);
        agg_step(&pc.sp, pc.st, args);
        agg_step(&pd.sp, pd.st, args);
    }
    UNIT_EQ_STR(agg_text(&pc, &a), "25.0");
    UNIT_EQ_STR(agg_text(&pd, &a), "20");
    agg_fini(&pc.sp, pc.st);
    agg_fini(&pd.sp, pd.st);
    /* merge of partial states */
    Agg c1, c2, s1, s2;
    agg_open(&c1, "COUNT", &ti, &tb, 1, false, p);
    agg_open(&c2, "COUNT", &ti, &tb, 1, false, p);
    agg_open(&s1, "SUM", &ti, &ti, 1, false, p);
    agg_open(&s2, "SUM", &ti, &ti, 1, false, p);
    for (int i = 0; i < 5; i++) {
        Value v = vint(i);
        Agg *c = i < 2 ? &c1 : &c2, *s = i < 2 ? &s1 : &s2;
        agg_step(&c->sp, c->st, &v);
        agg_step(&s->sp, s->st, &v);
    }
    UNIT_CHECK(agg_merge(&c1.sp, c1.st, c2.st));
    UNIT_CHECK(agg_merge(&s1.sp, s1.st, s2.st));
    UNIT_EQ_STR(agg_text(&c1, &a), "5");
    UNIT_EQ_STR(agg_text(&s1, &a), "10");
    /* DISTINCT of a FIFO function cannot retract; COUNT DISTINCT can */
    Agg md, cd;
    agg_open(&md, "MAX", &ti, &ti, 1, true, p);
    agg_open(&cd, "COUNT", &ti, &tb, 1, true, p);
    UNIT_CHECK(!agg_has_inverse(&md.sp));
    UNIT_CHECK(agg_has_inverse(&cd.sp));
    UNIT_CHECK(agg_def_find("lag", 3)->flags & AGG_F_POSITIONAL);
    UNIT_CHECK(agg_def_find("NOPE", 4) == NULL);
    strpool_free(p);
    arena_fini(&a);
}

/* Snapshot g's state and restore it into a fresh state of the same spec. */
static void agg_roundtrip(Agg *g)
{
    SnapWriter w;
    snap_writer_init(&w);
    agg_state_snapshot(&g->sp, g->st, &w);
    agg_fini(&g->sp, g->st);
    SnapReader r;
    snap_reader_init(&r, w.buf, w.len);
    UNIT_CHECK(agg_state_restore(&g->sp, g->st, &r));
    UNIT_CHECK(r.p == r.end);
    snap_writer_fini(&w);
}

/* SUM of DECIMAL keeps 24 bytes of state (no 16-byte alignment) and
 * stays exact to 38 digits; past 38 digits the result is NULL until the
 * sum comes back, unless it left the 128-bit range: that is sticky
 * (retraction, merge, snapshot).  COUNT(DISTINCT) of a one-word or
 * string type keeps only its 16-byte set header. */
static void test_agg_sum_compact(void)
{
    Arena a;
    arena_init(&a, 4096);
    StrPool *p = strpool_new();
    RtType d380 = ty(VK_DECIMAL, 0, 38, 0), ts = ty(VK_STRING, 0, -1, 0);
    RtType tb = ty(VK_INT, RT_SQL_BIGINT, -1, 0);
    Agg s, t;
    agg_open(&s, "SUM", &d380, &d380, 1, false, p);
    UNIT_EQ_INT(agg_state_size(&s.sp), 24);
    UNIT_EQ_INT(agg_state_align(&s.sp), 8);
    const char *max38 = "99999999999999999999999999999999999999";
    Value mx = vdec(max38, 0), m1 = vdec("-1", 0), one = vdec("1", 0);
    agg_step(&s.sp, s.st, &mx);
    agg_step(&s.sp, s.st, &m1);
    UNIT_EQ_STR(agg_text(&s, &a), "99999999999999999999999999999999999998");
    agg_step(&s.sp, s.st, &one);
    agg_step(&s.sp, s.st, &one); /* 10^38: not 38 digits, in range */
    UNIT_EQ_STR(agg_text(&s, &a), "<NULL>");
    agg_inverse(&s.sp, s.st, &one);
    UNIT_EQ_STR(agg_text(&s, &a), max38);
    agg_roundtrip(&s);
    UNIT_EQ_STR(agg_text(&s, &a), max38);
    agg_step(&s.sp, s.st, &mx); /* 2 * 10^38 - 2 > 2^127: sticky */
    UNIT_EQ_STR(agg_text(&s, &a), "<NULL>");
    agg_inverse(&s.sp, s.st, &mx);
    UNIT_EQ_STR(agg_text(&s, &a), "<NULL>");
    agg_roundtrip(&s);
    UNIT_EQ_STR(agg_text(&s, &a), "<NULL>");
    agg_inverse(&s.sp, s.st, &mx);
    agg_step(&s.sp, s.st, &one);
    UNIT_EQ_STR(agg_text(&s, &a), "<NULL>");
    /* merge: an overflowed side makes the sum overflow */
    agg_open(&t, "SUM", &d380, &d380, 1, false, p);
    agg_step(&t.sp, t.st, &one);
    UNIT_CHECK(agg_merge(&t.sp, t.st, s.st));
    UNIT_EQ_STR(agg_text(&t, &a), "<NULL>");
    agg_open(&t, "SUM", &d380, &d380, 1, false, p);
    agg_open(&s, "SUM", &d380, &d380, 1, false, p);
    agg_step(&t.sp, t.st, &mx);
    agg_step(&s.sp, s.st, &m1);
    UNIT_CHECK(agg_merge(&t.sp, t.st, s.st));
    UNIT_EQ_STR(agg_text(&t, &a), "99999999999999999999999999999999999998");
    agg_step(&s.sp, s.st, &mx);
    agg_step(&s.sp, s.st, &mx);
    UNIT_CHECK(agg_merge(&t.sp, t.st, s.st)); /* 3 * 10^38: out of range */
    UNIT_EQ_STR(agg_text(&t, &a), "<NULL>");
    /* COUNT(DISTINCT string): the set alone, through retraction and a
     * snapshot (which still writes the count) */
    Agg cd;
    agg_open(&cd, "COUNT", &ts, &tb, 1, true, p);
    UNIT_EQ_INT(agg_state_size(&cd.sp), 16);
    const char *w[] = {"x", "y", "x", "z", ""};
    for (int i = 0; i < 5; i++) {
        Value v = vstr(w[i]);
        agg_step(&cd.sp, cd.st, &v);
    }
    UNIT_EQ_STR(agg_text(&cd, &a), "4");
    agg_roundtrip(&cd);
    UNIT_EQ_STR(agg_text(&cd, &a), "4");
    Value x = vstr("x"), y = vstr("y");
    agg_inverse(&cd.sp, cd.st, &x);
    agg_inverse(&cd.sp, cd.st, &y);
    UNIT_EQ_STR(agg_text(&cd, &a), "3"); /* x once more, z, "" */
    agg_inverse(&cd.sp, cd.st, &x);
    UNIT_EQ_STR(agg_text(&cd, &a), "2");
    /* a snapshot whose count disagrees with its set is refused */
    SnapWriter sw;
    snap_writer_init(&sw);
    agg_state_snapshot(&cd.sp, cd.st, &sw);
    sw.buf[sw.len - 8] ^= 1; /* the count's low byte */
    agg_fini(&cd.sp, cd.st);
    SnapReader r;
    snap_reader_init(&r, sw.buf, sw.len);
    UNIT_CHECK(!agg_state_restore(&cd.sp, cd.st, &r));
    agg_fini(&cd.sp, cd.st);
    snap_writer_fini(&sw);
    UNIT_EQ_INT(strpool_count(p), 0);
    strpool_free(p);
    arena_fini(&a);
}

static const UnitTest agg_tests[] = {
    {"agg_strpool", test_agg_strpool},
    {"agg_types", test_agg_types},
    {"agg_sliding", test_agg_sliding},
    {"agg_variance", test_agg_variance},
    {"agg_misc", test_agg_misc},
    {"agg_sum_compact", test_agg_sum_compact},
    {NULL, NULL},
};

UNIT_REGISTER(agg_tests)
