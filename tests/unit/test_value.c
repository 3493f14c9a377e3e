/*
 * test_value.c - unit tests for runtime/value.c: Java-compatible double
 * text, value_format in the SQL and print styles, value_format_json,
 * comparison, equality and hashing (DECIMAL across scales, doubles), and
 * value_copy_to.
 */
#include "runtime/fsql.h"
#include "runtime/decimal.h"
#include "runtime/value_ops.h"
#include "tests/unit/unit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static StrBuf sb;

static const char *dbl(double d)
{
    strbuf_clear(&sb);
    value_format_double(&sb, d);
    return strbuf_cstr(&sb);
}

static const char *flt(float f)
{
    strbuf_clear(&sb);
    value_format_float(&sb, f);
    return strbuf_cstr(&sb);
}

static void value_double_text(void)
{
    UNIT_EQ_STR(dbl(1e10), "1.0E10");
    UNIT_EQ_STR(dbl(0.1), "0.1");
    UNIT_EQ_STR(dbl(100.0), "100.0");
    UNIT_EQ_STR(dbl(1e7), "1.0E7");
    UNIT_EQ_STR(dbl(9999999.0), "9999999.0");
    UNIT_EQ_STR(dbl(0.001), "0.001");
    UNIT_EQ_STR(dbl(0.0001), "1.0E-4");
    UNIT_EQ_STR(dbl(-1.5e-5), "-1.5E-5");
    UNIT_EQ_STR(dbl(123456789.0), "1.23456789E8");
    UNIT_EQ_STR(dbl(12345678.9), "1.23456789E7");
    UNIT_EQ_STR(dbl(1234567.125), "1234567.125");
    UNIT_EQ_STR(dbl(-0.0), "-0.0");
    UNIT_EQ_STR(dbl(0.0), "0.0");
    UNIT_EQ_STR(dbl(NAN), "NaN");
    UNIT_EQ_STR(dbl(INFINITY), "Infinity");
    UNIT_EQ_STR(dbl(-INFINITY), "-Infinity");
    UNIT_EQ_STR(dbl(0.1 + 0.2), "0.30000000000000004");
    UNIT_EQ_STR(dbl(1e23), "1.0E23");
    UNIT_EQ_STR(dbl(2e-3), "0.002");
    UNIT_EQ_STR(dbl(1.7976931348623157e308), "1.7976931348623157E308");
    UNIT_EQ_STR(dbl(4.9e-324), "4.9E-324");
    UNIT_EQ_STR(dbl(1.0 / 3), "0.3333333333333333");
    UNIT_EQ_STR(dbl(-100.5), "-100.5");
    UNIT_EQ_STR(dbl(2.5e-3), "0.0025");
    UNIT_EQ_STR(dbl(1e21), "1.0E21");
    UNIT_EQ_STR(dbl(123.456), "123.456");
    UNIT_EQ_STR(flt(0.1f), "0.1");
    UNIT_EQ_STR(flt(1.1f), "1.1");
    UNIT_EQ_STR(flt(1e10f), "1.0E10");
    UNIT_EQ_STR(flt(3.4028235e38f), "3.4028235E38");
    UNIT_EQ_STR(flt(16777216.0f), "1.6777216E7");
    UNIT_EQ_STR(flt(0.3f), "0.3");
    /* every output reads back as the same double */
    srand(7);
    for (int i = 0; i < 2000; i++) {
        uint64_t bits = ((uint64_t)rand() << 42) ^ ((uint64_t)rand() << 21) ^
                        (uint64_t)rand();
        double d;
        memcpy(&d, &bits, sizeof d);
        if (isnan(d) || isinf(d))
            continue;
        const char *s = dbl(d);
        if (strtod(s, NULL) != d) {
            unit_fail(__FILE__, __LINE__, "%s does not read back as %.17g", s,
                      d);
            break;
        }
    }
    char buf[24];
    UNIT_EQ_INT(value_i64_to_chars(buf, INT64_MIN), 20);
    buf[20] = 0;
    UNIT_EQ_STR(buf, "-9223372036854775808");
    strbuf_fini(&sb);
}

static RtType T(ValueKind k, int sql_kind, int p, int s)
{
    RtType t;
    t.kind = k;
    t.sql_kind = (uint8_t)sql_kind;
    t.precision = p;
    t.scale = s;
    t.is_nullable = true;
    return t;
}

static Value I(ValueKind k, int64_t x)
{
    Value v = value_null(k);
    v.is_null = false;
    v.u.i = x;
    return v;
}

static Value D(double x)
{
    Value v = value_null(VK_DOUBLE);
    v.is_null = false;
    v.u.f = x;
    return v;
}

static Value DEC(i128 x)
{
    Value v;
    value_set_dec(&v, x);
    return v;
}

static Value S(const char *s)
{
    Value v = value_null(VK_STRING);
    v.is_null = false;
    v.u.s.ptr = s;
    v.u.s.len = (uint32_t)strlen(s);
    return v;
}

static const char *fmtv(const Value *v, RtType t, ValueStyle st,
                        const TimeZone *tz)
{
    ValueFmt f = {.tz = tz, .style = st, .null_text = NULL};
    strbuf_clear(&sb);
    value_format(&sb, v, &t, &f);
    return strbuf_cstr(&sb);
}

static const char *jsonv(const Value *v, RtType t)
{
    strbuf_clear(&sb);
    value_format_json(&sb, v, &t, NULL);
    return strbuf_cstr(&sb);
}

static void value_text_forms(void)
{
    RtType tint = T(VK_INT, RT_SQL_INT, -1, 0);
    RtType tdec = T(VK_DECIMAL, 8, 15, 2);
    RtType tdec10 = T(VK_DECIMAL, 8, 20, 10);
    RtType tts = T(VK_TIMESTAMP, 15, 3, 0);
    RtType tltz = T(VK_TIMESTAMP_LTZ, 16, 3, 0);
    RtType tbool = T(VK_BOOL, 1, -1, 0);
    RtType tdate = T(VK_DATE, 13, -1, 0);
    RtType ttime = T(VK_TIME, 14, 0, 0);
    RtType tdbl = T(VK_DOUBLE, RT_SQL_DOUBLE, -1, 0);
    RtType tflt = T(VK_DOUBLE, RT_SQL_FLOAT, -1, 0);
    RtType tstr = T(VK_STRING, 10, -1, 0);
    RtType tivd = T(VK_INTERVAL_MS, 18, -1, 0);
    RtType tivm = T(VK_INTERVAL_MONTHS, 17, -1, 0);
    RtType tbytes = T(VK_BYTES, 12, -1, 0);
    const ValueStyle SQL = VALUE_STYLE_SQL, PR = VALUE_STYLE_PRINT;

    Value v = I(VK_INT, -42);
    UNIT_EQ_STR(fmtv(&v, tint, SQL, NULL), "-42");
    v = value_null(VK_INT);
    UNIT_EQ_STR(fmtv(&v, tint, SQL, NULL), "<NULL>");
    UNIT_EQ_STR(fmtv(&v, tint, PR, NULL), "null");
    UNIT_EQ_STR(jsonv(&v, tint), "null");
    ValueFmt csv = {.tz = NULL, .style = SQL, .null_text = ""};
    strbuf_clear(&sb);
    value_format(&sb, &v, &tint, &csv);
    UNIT_EQ_STR(strbuf_cstr(&sb), "");

    v = DEC(500);
    UNIT_EQ_STR(fmtv(&v, tdec, SQL, NULL), "5.00");
    UNIT_EQ_STR(fmtv(&v, tdec, PR, NULL), "5.00");
    UNIT_EQ_STR(jsonv(&v, tdec), "5.00");
    v = DEC(0);
    UNIT_EQ_STR(fmtv(&v, tdec10, SQL, NULL), "0.0000000000");
    UNIT_EQ_STR(fmtv(&v, tdec10, PR, NULL), "0E-10");
    v = DEC(-1234);
    UNIT_EQ_STR(fmtv(&v, tdec10, PR, NULL), "-1.234E-7");
    v = DEC(12345);
    UNIT_EQ_STR(fmtv(&v, tdec10, PR, NULL), "0.0000012345");

    v = I(VK_BOOL, 1);
    UNIT_EQ_STR(fmtv(&v, tbool, SQL, NULL), "TRUE");
    UNIT_EQ_STR(fmtv(&v, tbool, PR, NULL), "true");
    UNIT_EQ_STR(jsonv(&v, tbool), "true");

    int64_t ts;
    UNIT_REQUIRE(time_parse_timestamp("2024-01-01 10:00:00", 19, &ts));
    v = I(VK_TIMESTAMP, ts);
    UNIT_EQ_STR(fmtv(&v, tts, SQL, NULL), "2024-01-01 10:00:00.000");
    UNIT_EQ_STR(fmtv(&v, tts, PR, NULL), "2024-01-01T10:00");
    UNIT_EQ_STR(jsonv(&v, tts), "\"2024-01-01 10:00:00.000\"");
    v = I(VK_TIMESTAMP, ts + 5000);
    UNIT_EQ_STR(fmtv(&v, tts, PR, NULL), "2024-01-01T10:00:05");
    v = I(VK_TIMESTAMP, ts + 5120);
    UNIT_EQ_STR(fmtv(&v, tts, PR, NULL), "2024-01-01T10:00:05.120");

    char err[128];
    TimeZone *sh = tz_load("Asia/Shanghai", err, sizeof err);
    UNIT_REQUIRE(sh);
    v = I(VK_TIMESTAMP_LTZ, ts); /* 10:00 UTC */
    UNIT_EQ_STR(fmtv(&v, tltz, SQL, sh), "2024-01-01 18:00:00.000");
    UNIT_EQ_STR(fmtv(&v, tltz, SQL, NULL), "2024-01-01 10:00:00.000");
    UNIT_EQ_STR(fmtv(&v, tltz, PR, sh), "2024-01-01T10:00:00Z");
    UNIT_EQ_STR(jsonv(&v, tltz), "\"2024-01-01 10:00:00.000Z\"");
    tz_free(sh);

    v = I(VK_DATE, 19723);
    UNIT_EQ_STR(fmtv(&v, tdate, SQL, NULL), "2024-01-01");
    UNIT_EQ_STR(jsonv(&v, tdate), "\"2024-01-01\"");
    v = I(VK_TIME, 36000000);
    UNIT_EQ_STR(fmtv(&v, ttime, SQL, NULL), "10:00:00");
    UNIT_EQ_STR(fmtv(&v, ttime, PR, NULL), "10:00");

    v = D(2.5);
    UNIT_EQ_STR(fmtv(&v, tdbl, SQL, NULL), "2.5");
    v = D(1e10);
    UNIT_EQ_STR(jsonv(&v, tdbl), "1.0E10");
    v = D(NAN);
    UNIT_EQ_STR(jsonv(&v, tdbl), "\"NaN\"");
    v = D((double)0.1f);
    UNIT_EQ_STR(fmtv(&v, tflt, SQL, NULL), "0.1");

    v = S("a\"b\\c\n\x01é");
    UNIT_EQ_STR(fmtv(&v, tstr, SQL, NULL), "a\"b\\c\n\x01é");
    UNIT_EQ_STR(jsonv(&v, tstr), "\"a\\\"b\\\\c\\n\\u0001é\"");

    v = I(VK_INTERVAL_MS, 90061001);
    UNIT_EQ_STR(fmtv(&v, tivd, SQL, NULL), "+1 01:01:01.001");
    UNIT_EQ_STR(fmtv(&v, tivd, PR, NULL), "PT25H1M1.001S");
    v = I(VK_INTERVAL_MS, -1500);
    UNIT_EQ_STR(fmtv(&v, tivd, SQL, NULL), "-0 00:00:01.500");
    UNIT_EQ_STR(fmtv(&v, tivd, PR, NULL), "PT-1.5S");
    v = I(VK_INTERVAL_MS, 3600000);
    UNIT_EQ_STR(fmtv(&v, tivd, PR, NULL), "PT1H");
    v = I(VK_INTERVAL_MONTHS, 14);
    UNIT_EQ_STR(fmtv(&v, tivm, SQL, NULL), "+1-02");
    UNIT_EQ_STR(fmtv(&v, tivm, PR, NULL), "P1Y2M");

    v = value_null(VK_BYTES);
    v.is_null = false;
    v.u.s.ptr = "\x01\xff";
    v.u.s.len = 2;
    UNIT_EQ_STR(fmtv(&v, tbytes, SQL, NULL), "x'01ff'");
    UNIT_EQ_STR(fmtv(&v, tbytes, PR, NULL), "[1, -1]");
    UNIT_EQ_STR(jsonv(&v, tbytes), "\"Af8=\"");
    strbuf_fini(&sb);
}

static void value_compare_hash(void)
{
    RtType tdec = T(VK_DECIMAL, 8, 10, 2);
    RtType tdbl = T(VK_DOUBLE, RT_SQL_DOUBLE, -1, 0);
    RtType tstr = T(VK_STRING, 10, -1, 0);
    RtType tint = T(VK_INT, RT_SQL_BIGINT, -1, 0);
    Value a = DEC(150), b = DEC(-150), n = value_null(VK_DECIMAL);
    UNIT_EQ_INT(value_compare(&a, &b, &tdec), 1);
    UNIT_EQ_INT(value_compare(&n, &b, &tdec), -1);
    UNIT_EQ_INT(value_compare(&n, &n, &tdec), 0);
    UNIT_CHECK(value_equal(&n, &n, &tdec));
    UNIT_CHECK(!value_equal(&n, &a, &tdec));
    Value c = DEC(15);
    UNIT_EQ_INT(value_compare_dec(&a, 2, &c, 1), 0);
    UNIT_CHECK(decimal_hash(150, 2) == decimal_hash(15, 1));
    UNIT_CHECK(value_hash(&a, &tdec) == decimal_hash(15, 1));

    Value z = D(0.0), mz = D(-0.0), nan1 = D(NAN), one = D(1.0);
    UNIT_CHECK(value_equal(&z, &mz, &tdbl));
    UNIT_CHECK(value_hash(&z, &tdbl) == value_hash(&mz, &tdbl));
    UNIT_CHECK(value_equal(&nan1, &nan1, &tdbl));
    UNIT_EQ_INT(value_compare(&nan1, &one, &tdbl), 1);
    UNIT_EQ_INT(value_compare(&one, &z, &tdbl), 1);

    Value s1 = S("abc"), s2 = S("abd"), s3 = S("ab"), s4 = S("é");
    UNIT_EQ_INT(value_compare(&s1, &s2, &tstr), -1);
    UNIT_EQ_INT(value_compare(&s1, &s3, &tstr), 1);
    UNIT_EQ_INT(value_compare(&s4, &s1, &tstr), 1); /* bytewise UTF-8 */
    Value s5 = S("abc");
    UNIT_CHECK(value_equal(&s1, &s5, &tstr));
    UNIT_CHECK(value_hash(&s1, &tstr) == value_hash(&s5, &tstr));
    Value i1 = I(VK_INT, -5), i2 = I(VK_INT, 3);
    UNIT_EQ_INT(value_compare(&i1, &i2, &tint), -1);
    UNIT_CHECK(value_hash(&i1, &tint) != value_hash(&i2, &tint));
}

static void value_copy(void)
{
    Arena a;
    arena_init(&a, 1024);
    char src[] = "transient";
    Value v = S(src), d;
    value_copy_to(&a, &d, &v);
    src[0] = 'X';
    UNIT_EQ_INT(d.u.s.len, 9);
    UNIT_CHECK(memcmp(d.u.s.ptr, "transient", 9) == 0);
    Value e = S(""), de;
    value_copy_to(&a, &de, &e);
    UNIT_EQ_INT(de.u.s.len, 0);
    Value dd = DEC(-12345), ddc;
    value_copy_to(&a, &ddc, &dd);
    UNIT_CHECK(value_get_dec(&ddc) == -12345);
    arena_fini(&a);
}

static const UnitTest value_tests[] = {
    {"value_double_text", value_double_text},
    {"value_text_forms", value_text_forms},
    {"value_compare_hash", value_compare_hash},
    {"value_copy", value_copy},
    {NULL, NULL},
};
UNIT_REGISTER(value_tests)
