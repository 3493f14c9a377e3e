/*
 * test_value_map.c - MAP values (runtime/value_map.h, json_map.c): the
 * block codec, lookup, Flink's text forms, re-typing, JSON objects in, and
 * the checkpoint round trip with validation of restored blocks.
 *
 * Damage: every truncation and every single-byte change of a valid block
 * is either rejected by map_validate or still a well-formed block, and
 * reading a damaged block (count, lookup, text) never leaves it; blocks
 * damaged inside a checkpoint blob make the reader bad.
 */
#include "runtime/fsql.h"
#include "runtime/checkpoint.h"
#include "runtime/value_map.h"
#include "tests/unit/unit.h"

#include <stdlib.h>
#include <string.h>

static RtType ty(ValueKind k, uint8_t sql, int32_t p, int32_t s)
{
    RtType t = {k, sql, p, s, true};
    return t;
}

static Value vs(ValueKind k, const char *p)
{
    Value v = value_null(k);
    v.is_null = false;
    v.u.s.ptr = p;
    v.u.s.len = (uint32_t)strlen(p);
    return v;
}

static Value vi(int64_t x)
{
    Value v = value_null(VK_INT);
    v.is_null = false;
    v.u.i = x;
    return v;
}

/* MAP<STRING, BYTES> as the Kafka headers give it. */
static RtType T_STR(void) { return ty(VK_STRING, 10, -1, 0); }
static RtType T_BYT(void) { return ty(VK_BYTES, 12, -1, 0); }

static RtType map_of(const RtType *k, const RtType *v)
{
    RtType m = ty(VK_BYTES, RT_SQL_MAP, map_type_pack(k), map_type_pack(v));
    return m;
}

static const char *fmt(const Value *m, const RtType *t, ValueStyle st,
                       bool json, StrBuf *sb)
{
    ValueFmt f = {.tz = NULL, .style = st, .null_text = NULL};
    strbuf_clear(sb);
    if (json)
        value_format_json(sb, m, t, &f);
    else
        value_format(sb, m, t, &f);
    return strbuf_cstr(sb);
}

/* trace=abc, q="x", trace=def, nul (NULL): the repeated key keeps its
 * first position and its last value. */
static void build_headers(Arena *a, Value *m)
{
    RtType kt = T_STR(), vt = T_BYT();
    Value kv[8];
    kv[0] = vs(VK_STRING, "trace");
    kv[1] = vs(VK_BYTES, "abc");
    kv[2] = vs(VK_STRING, "q");
    kv[3] = vs(VK_BYTES, "\"x\"");
    kv[4] = vs(VK_STRING, "trace");
    kv[5] = vs(VK_BYTES, "def");
    kv[6] = vs(VK_STRING, "nul");
    kv[7] = value_null(VK_BYTES);
    map_build(a, m, &kt, &vt, kv, 4);
}

static void test_map_build_read(void)
{
    Arena a;
    arena_init(&a, 4096);
    StrBuf sb;
    strbuf_init(&sb);
    Value m;
    build_headers(&a, &m);
    RtType kt = T_STR(), vt = T_BYT(), mt = map_of(&kt, &vt);
    UNIT_CHECK(rt_is_map(&mt));
    UNIT_EQ_INT(m.kind, VK_BYTES);
    UNIT_EQ_INT(map_count(&m), 3);
    UNIT_CHECK(map_validate(m.u.s.ptr, m.u.s.len));
    Value k = vs(VK_STRING, "trace"), out;
    map_get(&m, &k, &kt, &out);
    UNIT_CHECK(!out.is_null && out.u.s.len == 3 &&
               memcmp(out.u.s.ptr, "def", 3) == 0);
    k = vs(VK_STRING, "nul");
    map_get(&m, &k, &kt, &out);
    UNIT_CHECK(out.is_null);
    k = vs(VK_STRING, "absent");
    map_get(&m, &k, &kt, &out);
    UNIT_CHECK(out.is_null);
    UNIT_EQ_INT(out.kind, VK_BYTES);
    UNIT_EQ_STR(fmt(&m, &mt, VALUE_STYLE_SQL, false, &sb),
                "{trace=def, q=\"x\", nul=NULL}");
    UNIT_EQ_STR(fmt(&m, &mt, VALUE_STYLE_PRINT, false, &sb),
                "{trace=[100, 101, 102], q=[34, 120, 34], nul=null}");
    UNIT_EQ_STR(fmt(&m, &mt, VALUE_STYLE_SQL, true, &sb),
                "{\"trace\":\"ZGVm\",\"q\":\"Ingi\",\"nul\":null}");
    /* An empty map is not NULL. */
    Value e;
    map_build(&a, &e, &kt, &vt, NULL, 0);
    UNIT_EQ_INT(map_count(&e), 0);
    UNIT_EQ_STR(fmt(&e, &mt, VALUE_STYLE_SQL, false, &sb), "{}");
    UNIT_EQ_STR(fmt(&e, &mt, VALUE_STYLE_SQL, true, &sb), "{}");
    /* Re-typed to MAP<STRING, STRING>: the same entries as text. */
    Value s;
    RtType st = T_STR(), smt = map_of(&kt, &st);
    map_retype(&a, &s, &m, &kt, &st);
    UNIT_EQ_STR(fmt(&s, &smt, VALUE_STYLE_SQL, true, &sb),
                "{\"trace\":\"def\",\"q\":\"\\\"x\\\"\",\"nul\":null}");
    strbuf_fini(&sb);
    arena_fini(&a);
}

/* Non-string elements: INT keys, DECIMAL(10, 2) values (looked up by an
 * INT key), DOUBLE and DATE values. */
static void test_map_scalar_kinds(void)
{
    Arena a;
    arena_init(&a, 4096);
    StrBuf sb;
    strbuf_init(&sb);
    RtType kt = ty(VK_INT, RT_SQL_INT, -1, 0);
    RtType dt = ty(VK_DECIMAL, 8, 10, 2);
    Value kv[4];
    kv[0] = vi(7);
    kv[1] = value_null(VK_DECIMAL);
    value_set_dec(&kv[1], 1250); /* 12.50 */
    kv[2] = vi(-1);
    kv[3] = value_null(VK_DECIMAL);
    value_set_dec(&kv[3], -5); /* -0.05 */
    Value m;
    map_build(&a, &m, &kt, &dt, kv, 2);
    RtType mt = map_of(&kt, &dt);
    UNIT_EQ_STR(fmt(&m, &mt, VALUE_STYLE_SQL, false, &sb),
                "{7=12.50, -1=-0.05}");
    UNIT_EQ_STR(fmt(&m, &mt, VALUE_STYLE_SQL, true, &sb),
                "{\"7\":12.50,\"-1\":-0.05}");
    Value k = vi(-1), out;
    map_get(&m, &k, &kt, &out);
    UNIT_CHECK(!out.is_null && value_get_dec(&out) == -5);
    /* DECIMAL keys compare across scales. */
    RtType k2 = ty(VK_DECIMAL, 8, 5, 1), k3 = ty(VK_DECIMAL, 8, 6, 2);
    Value dk[2];
    dk[0] = value_null(VK_DECIMAL);
    value_set_dec(&dk[0], 15); /* 1.5 */
    dk[1] = vi(1);
    RtType it = ty(VK_INT, RT_SQL_INT, -1, 0);
    map_build(&a, &m, &k2, &it, dk, 1);
    Value q = value_null(VK_DECIMAL);
    value_set_dec(&q, 150); /* 1.50 */
    map_get(&m, &q, &k3, &out);
    UNIT_CHECK(!out.is_null && out.u.i == 1);
    /* DOUBLE and DATE values print as CAST does. */
    RtType ft = ty(VK_DOUBLE, RT_SQL_DOUBLE, -1, 0);
    RtType dat = ty(VK_DATE, 13, -1, 0);
    Value fv[4];
    fv[0] = vs(VK_STRING, "f");
    fv[1] = value_null(VK_DOUBLE);
    fv[1].is_null = false;
    fv[1].u.f = 0.1;
    fv[2] = vs(VK_STRING, "g");
    fv[3] = value_null(VK_DOUBLE);
    RtType st = T_STR();
    map_build(&a, &m, &st, &ft, fv, 2);
    RtType fmt_t = map_of(&st, &ft);
    UNIT_EQ_STR(fmt(&m, &fmt_t, VALUE_STYLE_SQL, false, &sb),
                "{f=0.1, g=NULL}");
    Value dv[2] = {vs(VK_STRING, "d"), value_null(VK_DATE)};
    dv[1].is_null = false;
    dv[1].u.i = 19723; /* 2024-01-01 */
    map_build(&a, &m, &st, &dat, dv, 1);
    RtType dmt = map_of(&st, &dat);
    UNIT_EQ_STR(fmt(&m, &dmt, VALUE_STYLE_SQL, true, &sb),
                "{\"d\":\"2024-01-01\"}");
    /* The packed element types round-trip through the column type. */
    RtType back = map_value_type(&mt);
    UNIT_EQ_INT(back.kind, VK_DECIMAL);
    UNIT_EQ_INT(back.scale, 2);
    UNIT_EQ_INT(back.precision, 10);
    strbuf_fini(&sb);
    arena_fini(&a);
}

/* Wide maps take the hashed de-duplication: 1000 pairs over keys 0..39
 * (key i % 40, value i) keep 40 entries in first-seen order, each with
 * its last value (960 + key); 20000 distinct keys stay linear. */
static void test_map_wide(void)
{
    Arena a;
    arena_init(&a, 1 << 16);
    RtType it = ty(VK_INT, RT_SQL_INT, -1, 0);
    uint32_t n = 20000;
    Value *kv = arena_alloc(&a, sizeof(Value) * 2 * n);
    for (uint32_t i = 0; i < 1000; i++) {
        kv[2 * i] = vi(i % 40);
        kv[2 * i + 1] = vi(i);
    }
    Value m;
    map_build(&a, &m, &it, &it, kv, 1000);
    UNIT_EQ_INT(map_count(&m), 40);
    MapIter iter;
    Value k, v;
    UNIT_REQUIRE(map_iter_init(&iter, &m));
    int64_t want = 0;
    bool ok = true;
    while (map_iter_next(&iter, &k, &v)) {
        ok &= k.u.i == want && v.u.i == 960 + want;
        want++;
    }
    UNIT_CHECK(ok && want == 40);
    for (uint32_t i = 0; i < n; i++) {
        kv[2 * i] = vi(i);
        kv[2 * i + 1] = vi(-(int64_t)i);
    }
    map_build(&a, &m, &it, &it, kv, n);
    UNIT_EQ_INT(map_count(&m), n);
    Value q = vi(12345), out;
    map_get(&m, &q, &it, &out);
    UNIT_CHECK(!out.is_null && out.u.i == -12345);
    arena_fini(&a);
}

/* Truncations and byte changes: rejected or well formed; readers stay
 * inside the block either way. */
static void test_map_damage(void)
{
    Arena a;
    arena_init(&a, 4096);
    StrBuf sb;
    strbuf_init(&sb);
    Value m;
    build_headers(&a, &m);
    RtType kt = T_STR(), vt = T_BYT(), mt = map_of(&kt, &vt);
    uint32_t n = m.u.s.len;
    for (uint32_t cut = 0; cut < n; cut++) {
        /* a copy of exactly cut bytes, so reading past it is caught by
         * ASan/valgrind runs of the unit binary */
        char *p = malloc(cut ? cut : 1);
        memcpy(p, m.u.s.ptr, cut);
        UNIT_CHECK(!map_validate(p, cut));
        Value t = m;
        t.u.s.ptr = p;
        t.u.s.len = cut;
        (void)map_count(&t);
        (void)fmt(&t, &mt, VALUE_STYLE_SQL, false, &sb);
        free(p);
    }
    char *p = malloc(n);
    uint32_t rejected = 0;
    static const unsigned char flips[] = {0x01, 0x80, 0xff, 0x10};
    for (uint32_t i = 0; i < n; i++)
        for (size_t f = 0; f < sizeof flips; f++) {
            memcpy(p, m.u.s.ptr, n);
            p[i] = (char)(p[i] ^ flips[f]);
            Value t = m;
            t.u.s.ptr = p;
            bool ok = map_validate(p, n);
            rejected += !ok;
            Value k = vs(VK_STRING, "q"), out;
            map_get(&t, &k, &kt, &out);
            if (!out.is_null)
                UNIT_CHECK(out.u.s.ptr >= p && out.u.s.ptr + out.u.s.len <= p + n);
            (void)fmt(&t, &mt, VALUE_STYLE_PRINT, false, &sb);
            (void)fmt(&t, &mt, VALUE_STYLE_SQL, true, &sb);
        }
    /* the header, flags and lengths are checked: most changes are caught
     * (those inside key/value bytes legitimately are not) */
    UNIT_CHECK(rejected > n);
    /* random blocks behind a valid header prefix */
    srand(5);
    for (int round = 0; round < 2000; round++) {
        memcpy(p, m.u.s.ptr, MAP_HDR_SIZE);
        for (uint32_t i = MAP_HDR_SIZE; i < n; i++)
            p[i] = (char)(rand() & (round % 2 ? 0x07 : 0xff));
        Value t = m;
        t.u.s.ptr = p;
        (void)map_validate(p, n);
        (void)fmt(&t, &mt, VALUE_STYLE_SQL, false, &sb);
    }
    free(p);
    strbuf_fini(&sb);
    arena_fini(&a);
}

/* A map through the snapshot codec: the same bytes back; a damaged block
 * makes the reader bad (snap_get_typed checks MAP columns). */
static void test_map_checkpoint(void)
{
    Arena a;
    arena_init(&a, 4096);
    Value m;
    build_headers(&a, &m);
    RtType kt = T_STR(), vt = T_BYT(), mt = map_of(&kt, &vt);
    Value row[2] = {vi(42), m};
    RtType types[2] = {ty(VK_INT, RT_SQL_BIGINT, -1, 0), mt};
    SnapWriter w;
    snap_writer_init(&w);
    snap_put_values(&w, row, 2);
    SnapReader r;
    Value back[2];
    snap_reader_init(&r, w.buf, w.len);
    snap_get_typed(&r, back, 2, types);
    UNIT_CHECK(snap_reader_done(&r));
    UNIT_CHECK(value_equal(&back[1], &m, &mt));
    UNIT_EQ_INT(map_count(&back[1]), 3);
    /* the magic byte of the block inside the blob */
    uint8_t *blob = malloc(w.len);
    memcpy(blob, w.buf, w.len);
    size_t at = w.len - m.u.s.len;
    UNIT_EQ_INT(blob[at], MAP_MAGIC);
    blob[at] ^= 0xff;
    snap_reader_init(&r, blob, w.len);
    snap_get_typed(&r, back, 2, types);
    UNIT_CHECK(r.bad);
    UNIT_CHECK(back[1].is_null);
    /* a count larger than the block */
    memcpy(blob, w.buf, w.len);
    blob[at + 9] = 0xff;
    snap_reader_init(&r, blob, w.len);
    snap_get_typed(&r, back, 2, types);
    UNIT_CHECK(r.bad);
    /* the same bytes restored into a plain BYTES column are fine */
    memcpy(blob, w.buf, w.len);
    blob[at] ^= 0xff;
    types[1] = T_BYT();
    snap_reader_init(&r, blob, w.len);
    snap_get_typed(&r, back, 2, types);
    UNIT_CHECK(snap_reader_done(&r));
    free(blob);
    snap_writer_fini(&w);
    arena_fini(&a);
}

static const char *jdecode(Arena *a, const char *json, const RtType *mt,
                           Value *out, StrBuf *sb)
{
    *out = value_null(VK_BYTES);
    const char *why = json_map_decode(json, json + strlen(json), mt, a, NULL,
                                      out);
    if (why)
        return why;
    return fmt(out, mt, VALUE_STYLE_SQL, false, sb);
}

/* Why json is refused as a MAP of type mt (NULL: it is accepted). */
static const char *jwhy(Arena *a, const char *json, const RtType *mt)
{
    Value out = value_null(VK_BYTES);
    return json_map_decode(json, json + strlen(json), mt, a, NULL, &out);
}

/* JSON objects into MAP columns (the json format's hook). */
static void test_map_json_in(void)
{
    Arena a;
    arena_init(&a, 4096);
    StrBuf sb;
    strbuf_init(&sb);
    Value m;
    RtType st = T_STR(), it = ty(VK_INT, RT_SQL_INT, -1, 0);
    RtType bt = T_BYT();
    RtType si = map_of(&st, &it), ss = map_of(&st, &st), sb_t = map_of(&st, &bt);
    RtType is = map_of(&it, &st);
    UNIT_EQ_STR(jdecode(&a, "{ \"a\" : 1 , \"b\":null,\"a\":\"3\" }", &si, &m,
                        &sb),
                "{a=3, b=NULL}");
    UNIT_EQ_STR(jdecode(&a, "{}", &si, &m, &sb), "{}");
    UNIT_EQ_STR(jdecode(&a, "{\"k\\u00e9\\n\":\"x\\\"y\",\"n\":{\"z\":[1,\"]\"]},"
                            "\"t\":true,\"d\":1.5}",
                        &ss, &m, &sb),
                "{k\xc3\xa9\n=x\"y, n={\"z\":[1,\"]\"]}, t=true, d=1.5}");
    UNIT_EQ_STR(jdecode(&a, "{\"b\":\"AQI=\"}", &sb_t, &m, &sb), "{b=\x01\x02}");
    UNIT_EQ_STR(jdecode(&a, "{\"12\":\"x\",\"-3\":\"y\"}", &is, &m, &sb),
                "{12=x, -3=y}");
    UNIT_CHECK(jwhy(&a, "{\"a\":1}", &si) == NULL);
    UNIT_EQ_STR(jwhy(&a, "{\"a\":\"zz\"}", &si), "not an integer");
    UNIT_CHECK(jwhy(&a, "{\"a\":{\"b\":1}}", &si) != NULL);
    UNIT_CHECK(jwhy(&a, "{\"a\":true}", &si) != NULL);
    UNIT_CHECK(jwhy(&a, "{\"x\":1}", &is) != NULL);
    /* STRING keys and nested text must be UTF-8 (found by fuzzing: the
     * encoded map did not decode again) */
    UNIT_CHECK(jwhy(&a, "{\"a\":{\"b\":1}}", &ss) == NULL);
    UNIT_CHECK(jwhy(&a, "{\"a\":{\"\xde\":1}}", &ss) != NULL);
    UNIT_CHECK(jwhy(&a, "{\"\xde\":\"x\"}", &ss) != NULL);
    strbuf_fini(&sb);
    arena_fini(&a);
}

/* m[key] with a key Value of another storage kind than the block's keys
 * (a block restored from a checkpoint whose element types differ from the
 * column's): no match, and a STRING block key is never compared with an
 * integer key as if it held a pointer (the integer 8 here would be read
 * as the address of the key's bytes). */
static void test_map_get_kind_mismatch(void)
{
    Arena a;
    arena_init(&a, 4096);
    Value m, out;
    build_headers(&a, &m);
    RtType it = ty(VK_INT, 4, -1, 0), st = T_STR();
    Value k = vi(8);
    k.u.s.len = 5; /* as if the bits of "trace"'s length were there too */
    map_get(&m, &k, &it, &out);
    UNIT_CHECK(out.is_null);
    UNIT_EQ_INT(out.kind, VK_BYTES);
    /* an INT-keyed map probed with a STRING key */
    Value kv[2] = {vi(7), vs(VK_BYTES, "seven")};
    RtType bt = T_BYT();
    Value im;
    map_build(&a, &im, &it, &bt, kv, 1);
    Value sk = vs(VK_STRING, "x");
    sk.u.i = 7; /* the same bits as the INT key */
    map_get(&im, &sk, &st, &out);
    UNIT_CHECK(out.is_null);
    Value ik = vi(7);
    map_get(&im, &ik, &it, &out);
    UNIT_CHECK(!out.is_null && out.u.s.len == 5);
    /* re-typing that block to STRING keys (which the compiler never
     * asks for) writes a NULL key, not the integer read as a length
     * and a pointer */
    Value rt;
    map_retype(&a, &rt, &im, &st, &bt);
    UNIT_CHECK(map_validate(rt.u.s.ptr, rt.u.s.len));
    UNIT_CHECK(map_has_null_key(&rt));
    UNIT_EQ_INT(map_count(&rt), 1);
    /* STRING and BYTES keys share a storage kind and still match */
    Value bk = vs(VK_BYTES, "trace");
    map_get(&m, &bk, &bt, &out);
    UNIT_CHECK(!out.is_null && out.u.s.len == 3 &&
               memcmp(out.u.s.ptr, "def", 3) == 0);
    arena_fini(&a);
}

static const UnitTest map_tests[] = {
    {"map_build_read", test_map_build_read},
    {"map_scalar_kinds", test_map_scalar_kinds},
    {"map_wide", test_map_wide},
    {"map_damage", test_map_damage},
    {"map_checkpoint", test_map_checkpoint},
    {"map_json_in", test_map_json_in},
    {"map_get_kind_mismatch", test_map_get_kind_mismatch},
    {NULL, NULL},
};

UNIT_REGISTER(map_tests)
