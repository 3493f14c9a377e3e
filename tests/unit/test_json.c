/*
 * test_json.c - unit tests of the schema-driven JSON decoder and encoder
 * (runtime/json.c) and the text conversions it shares with csv
 * (runtime/textconv.c): every conversion and every error path.
 */
#include "runtime/fsql.h"
#include "runtime/decimal.h"
#include "runtime/json.h"
#include "runtime/textconv.h"
#include "tests/unit/unit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ----------------------------------------------------------- */

static RtType ty(ValueKind k, uint8_t sql_kind, int32_t p, int32_t s)
{
    RtType t = {k, sql_kind, p, s, true};
    return t;
}

#define T_BOOL ty(VK_BOOL, 1, -1, 0)
#define T_INT ty(VK_INT, RT_SQL_INT, -1, 0)
#define T_TINYINT ty(VK_INT, RT_SQL_TINYINT, -1, 0)
#define T_SMALLINT ty(VK_INT, RT_SQL_SMALLINT, -1, 0)
#define T_BIGINT ty(VK_INT, RT_SQL_BIGINT, -1, 0)
#define T_DOUBLE ty(VK_DOUBLE, RT_SQL_DOUBLE, -1, 0)
#define T_FLOAT ty(VK_DOUBLE, RT_SQL_FLOAT, -1, 0)
#define T_DEC(p, s) ty(VK_DECIMAL, 8, p, s)
#define T_STRING ty(VK_STRING, 10, -1, 0)
#define T_BYTES ty(VK_BYTES, 12, -1, 0)
#define T_DATE ty(VK_DATE, 13, -1, 0)
#define T_TIME ty(VK_TIME, 14, 0, 0)
#define T_TS ty(VK_TIMESTAMP, 15, 3, 0)
#define T_LTZ ty(VK_TIMESTAMP_LTZ, 16, 3, 0)

typedef struct Fix {
    RtColumn cols[8];
    RtSchema s;
    JsonDecoder *d;
    Arena a;
    Value row[8];
    JsonError err;
    char line[512]; /* dec1's input: decoded strings point into it */
} Fix;

/* One-column fixture: column "v" of type t. */
static void fix1(Fix *f, RtType t, const JsonOptions *opt)
{
    memset(f, 0, sizeof *f);
    f->cols[0].name = "v";
    f->cols[0].type = t;
    f->s.n_cols = 1;
    f->s.cols = f->cols;
    f->d = json_decoder_new(&f->s, opt);
    arena_init(&f->a, 4096);
}

static void fix_fini(Fix *f)
{
    json_decoder_free(f->d);
    arena_fini(&f->a);
}

static int dec(Fix *f, const char *line)
{
    return json_decode(f->d, line, strlen(line), &f->a, f->row, &f->err);
}

/* Decode {"v": text} into a one-column fixture of type t. */
static int dec1(Fix *f, RtType t, const char *value_text)
{
    fix1(f, t, NULL);
    char *line = f->line;
    size_t n = strlen(value_text);
    memcpy(line, "{\"v\":", 5);
    memcpy(line + 5, value_text, n);
    line[5 + n] = '}';
    line[6 + n] = '\0';
    return dec(f, line);
}

static int64_t int_of(RtType t, const char *text, bool *ok)
{
    Fix f;
    int rc = dec1(&f, t, text);
    *ok = rc == JSON_OK && !f.row[0].is_null;
    int64_t v = f.row[0].u.i;
    fix_fini(&f);
    return v;
}

static const char *err_of(RtType t, const char *text, char *buf)
{
    Fix f;
    int rc = dec1(&f, t, text);
    strcpy(buf, rc == JSON_ERROR ? f.err.msg : "(no error)");
    fix_fini(&f);
    return buf;
}

static void dec_str(i128 v, int scale, char *buf)
{
    decimal_format(buf, v, scale);
}

/* ---- integers ---------------------------------------------------------- */

static void test_json_int(void)
{
    bool ok;
    char buf[200];
    UNIT_EQ_INT(int_of(T_BIGINT, "0", &ok), 0);
    UNIT_CHECK(ok);
    UNIT_EQ_INT(int_of(T_BIGINT, "-0", &ok), 0);
    UNIT_EQ_INT(int_of(T_BIGINT, "9007199254740993", &ok), 9007199254740993LL);
    UNIT_CHECK(ok);
    UNIT_EQ_INT(int_of(T_BIGINT, "9223372036854775807", &ok), INT64_MAX);
    UNIT_CHECK(ok);
    UNIT_EQ_INT(int_of(T_BIGINT, "-9223372036854775808", &ok), INT64_MIN);
    UNIT_CHECK(ok);
    UNIT_EQ_STR(err_of(T_BIGINT, "9223372036854775808", buf),
                "field \"v\": 9223372036854775808 is out of range for "
                "BIGINT (column type BIGINT)");
    UNIT_EQ_STR(err_of(T_BIGINT, "-9223372036854775809", buf),
                "field \"v\": -9223372036854775809 is out of range for "
                "BIGINT (column type BIGINT)");
    UNIT_EQ_INT(int_of(T_INT, "2147483647", &ok), 2147483647);
    UNIT_CHECK(ok);
    UNIT_EQ_STR(err_of(T_INT, "2147483648", buf),
                "field \"v\": 2147483648 is out of range for INT (column "
                "type INT)");
    UNIT_EQ_INT(int_of(T_INT, "-2147483648", &ok), INT32_MIN);
    UNIT_CHECK(ok);
    UNIT_EQ_INT(int_of(T_SMALLINT, "-32768", &ok), -32768);
    UNIT_CHECK(ok);
    int_of(T_SMALLINT, "32768", &ok);
    UNIT_CHECK(!ok);
    UNIT_EQ_INT(int_of(T_TINYINT, "127", &ok), 127);
    int_of(T_TINYINT, "-129", &ok);
    UNIT_CHECK(!ok);
    /* strings holding integers (Flink parses asText().trim()) */
    UNIT_EQ_INT(int_of(T_BIGINT, "\" 42 \"", &ok), 42);
    UNIT_CHECK(ok);
    UNIT_EQ_INT(int_of(T_BIGINT, "\"+7\"", &ok), 7);
    UNIT_CHECK(ok);
    UNIT_EQ_STR(err_of(T_BIGINT, "\"12a\"", buf),
                "field \"v\": \"12a\" is not an integer (column type "
                "BIGINT)");
    UNIT_EQ_STR(err_of(T_BIGINT, "1.5", buf),
                "field \"v\": 1.5 is not an integer (column type BIGINT)");
    UNIT_EQ_STR(err_of(T_BIGINT, "1e3", buf),
                "field \"v\": 1e3 is not an integer (column type BIGINT)");
    UNIT_EQ_STR(err_of(T_BIGINT, "\"\"", buf),
                "field \"v\": \"\" is not an integer (column type BIGINT)");
    UNIT_EQ_STR(err_of(T_BIGINT, "true", buf),
                "field \"v\": a JSON boolean cannot be read as BIGINT");
    UNIT_EQ_STR(err_of(T_INT, "{\"x\":1}", buf),
                "field \"v\": a JSON object cannot be read as INT");
    UNIT_EQ_STR(err_of(T_INT, "[1]", buf),
                "field \"v\": a JSON array cannot be read as INT");
}

/* ---- DECIMAL ----------------------------------------------------------- */

static void test_json_decimal(void)
{
    static const struct {
        const char *in;
        int p, s;
        const char *want; /* NULL: error */
    } cases[] = {
        {"1234.56", 10, 2, "1234.56"},
        {"\"1234.56\"", 10, 2, "1234.56"},
        {"0.125", 10, 2, "0.13"}, /* HALF_UP */
        {"-0.125", 10, 2, "-0.13"},
        {"0.124999999999999999999999", 10, 2, "0.12"},
        {"1e2", 10, 2, "100.00"},
        {"1.5E-1", 10, 2, "0.15"},
        {"\" 7 \"", 5, 0, "7"},
        {"12345678901234567890.123456789012345678", 38, 18,
         "12345678901234567890.123456789012345678"},
        {"99999999.995", 10, 2, NULL}, /* rounds to 10 digits */
        {"123456789", 10, 2, NULL},
        {"\"abc\"", 10, 2, NULL},
        {"true", 10, 2, NULL},
        {"0", 10, 2, "0.00"},
        /* the plain-form fast path and its edges */
        {"-0.5", 10, 2, "-0.50"},
        {"\"00012.5\"", 10, 2, "12.50"},
        {"12345678.90", 10, 2, "12345678.90"},
        {"123456789.00", 10, 2, NULL},
        {"999999999999999999", 18, 0, "999999999999999999"},
        {"9999999999999999999", 18, 0, NULL},
        {"9999999999999999999", 19, 0, "9999999999999999999"},
        {"-", 10, 2, NULL},
        {"\"1.\"", 10, 2, "1.00"},
        {"\"-.5\"", 10, 2, "-0.50"},
    };
    for (size_t i = 0; i < FSQL_ARRAY_LEN(cases); i++) {
        Fix f;
        int rc = dec1(&f, T_DEC(cases[i].p, cases[i].s), cases[i].in);
        if (cases[i].want) {
            char buf[DEC_FORMAT_MAX];
            UNIT_EQ_INT(rc, JSON_OK);
            UNIT_EQ_INT(f.row[0].kind, VK_DECIMAL);
            dec_str(value_get_dec(&f.row[0]), cases[i].s, buf);
            UNIT_EQ_STR(buf, cases[i].want);
        } else {
            UNIT_EQ_INT(rc, JSON_ERROR);
        }
        fix_fini(&f);
    }
    char buf[200];
    UNIT_EQ_STR(err_of(T_DEC(5, 2), "1000", buf),
                "field \"v\": 1000 is out of range for the DECIMAL precision "
                "(column type DECIMAL)");
}

/* ---- DOUBLE ------------------------------------------------------------ */

static void test_json_double(void)
{
    static const char *nums[] = {"1234.56",
                                 "0.1",
                                 "-0.0",
                                 "1e308",
                                 "1.7976931348623157e308",
                                 "5e-324",
                                 "2.2250738585072014e-308",
                                 "123456789012345678901234567890",
                                 "0.30000000000000004441",
                                 "9007199254740993",
                                 "1e23",
                                 "3.14159",
                                 "-1.5E+10",
                                 "0.000001",
                                 "8.98846567431158e307",
                                 "1e-400",
                                 "1e400",
                                 "4.9406564584124654e-324",
                                 "100",
                                 "0"};
    for (size_t i = 0; i < FSQL_ARRAY_LEN(nums); i++) {
        Fix f;
        int rc = dec1(&f, T_DOUBLE, nums[i]);
        UNIT_EQ_INT(rc, JSON_OK);
        double want = strtod(nums[i], NULL);
        if (memcmp(&f.row[0].u.f, &want, sizeof want) != 0)
            unit_fail(__FILE__, __LINE__, "%s decoded as %.17g, want %.17g",
                      nums[i], f.row[0].u.f, want);
        fix_fini(&f);
    }
    Fix f;
    UNIT_EQ_INT(dec1(&f, T_DOUBLE, "\"NaN\""), JSON_OK);
    UNIT_CHECK(isnan(f.row[0].u.f));
    fix_fini(&f);
    UNIT_EQ_INT(dec1(&f, T_DOUBLE, "\"-Infinity\""), JSON_OK);
    UNIT_CHECK(isinf(f.row[0].u.f) && f.row[0].u.f < 0);
    fix_fini(&f);
    UNIT_EQ_INT(dec1(&f, T_DOUBLE, "\" 2.5 \""), JSON_OK);
    UNIT_CHECK(f.row[0].u.f == 2.5);
    fix_fini(&f);
    UNIT_EQ_INT(dec1(&f, T_FLOAT, "0.1"), JSON_OK);
    UNIT_CHECK(f.row[0].u.f == (double)0.1f);
    fix_fini(&f);
    char buf[200];
    UNIT_EQ_STR(err_of(T_DOUBLE, "\"0x10\"", buf),
                "field \"v\": \"0x10\" is not a number (column type DOUBLE)");
    UNIT_EQ_STR(err_of(T_DOUBLE, "\"inf\"", buf),
                "field \"v\": \"inf\" is not a number (column type DOUBLE)");
    UNIT_EQ_STR(err_of(T_DOUBLE, "\"1e\"", buf),
                "field \"v\": \"1e\" is not a number (column type DOUBLE)");
    UNIT_EQ_STR(err_of(T_DOUBLE, "false", buf),
                "field \"v\": a JSON boolean cannot be read as DOUBLE");
}

/* ---- BOOLEAN ----------------------------------------------------------- */

static void test_json_bool(void)
{
    bool ok;
    char buf[200];
    UNIT_EQ_INT(int_of(T_BOOL, "true", &ok), 1);
    UNIT_CHECK(ok);
    UNIT_EQ_INT(int_of(T_BOOL, "false", &ok), 0);
    UNIT_CHECK(ok);
    UNIT_EQ_INT(int_of(T_BOOL, "\"TRUE\"", &ok), 1);
    UNIT_CHECK(ok);
    UNIT_EQ_INT(int_of(T_BOOL, "\"false\"", &ok), 0);
    UNIT_CHECK(ok);
    UNIT_EQ_STR(err_of(T_BOOL, "1", buf),
                "field \"v\": a JSON number cannot be read as BOOLEAN");
    UNIT_EQ_STR(err_of(T_BOOL, "\"yes\"", buf),
                "field \"v\": \"yes\" is not a boolean (true or false) "
                "(column type BOOLEAN)");
}

/* ---- STRING ------------------------------------------------------------ */

static void test_json_string(void)
{
    Fix f;
    const char *line = "{\"v\":\"plain text\"}";
    fix1(&f, T_STRING, NULL);
    UNIT_EQ_INT(dec(&f, line), JSON_OK);
    /* no escapes: a view into the line */
    UNIT_CHECK(f.row[0].u.s.ptr == line + 6);
    UNIT_EQ_INT(f.row[0].u.s.len, 10);
    fix_fini(&f);

    static const struct {
        const char *in, *want;
    } cases[] = {
        {"\"a\\\"b\\\\c\\/d\"", "a\"b\\c/d"},
        {"\"\\b\\f\\n\\r\\t\"", "\b\f\n\r\t"},
        {"\"caf\\u00e9\"", "caf\xc3\xa9"},
        {"\"\\u20AC\"", "\xe2\x82\xac"},
        {"\"\\ud83d\\ude00!\"", "\xf0\x9f\x98\x80!"},
        {"\"\\ud83d x\"", "\xef\xbf\xbd x"}, /* lone high surrogate */
        {"\"\\ude00\"", "\xef\xbf\xbd"},     /* lone low surrogate */
        {"\"\\ud83d\\u0041\"", "\xef\xbf\xbd"
                               "A"}, /* high + non-low */
        {"\"\\u0000\"", ""},         /* NUL: length 1 */
        {"\"h\xc3\xa9llo w\xc3\xb6rld, long enough for SWAR\"",
         "h\xc3\xa9llo w\xc3\xb6rld, long enough for SWAR"},
        {"123.50", "123.50"}, /* numbers keep their text */
        {"true", "true"},
        {"{\"a\": [1, {\"b\":null}]}", "{\"a\": [1, {\"b\":null}]}"},
        {"[ ]", "[ ]"},
        {"\"\"", ""},
    };
    for (size_t i = 0; i < FSQL_ARRAY_LEN(cases); i++) {
        int rc = dec1(&f, T_STRING, cases[i].in);
        UNIT_EQ_INT(rc, JSON_OK);
        if (rc == JSON_OK) {
            char got[256];
            memcpy(got, f.row[0].u.s.ptr, f.row[0].u.s.len);
            got[f.row[0].u.s.len] = '\0';
            UNIT_EQ_STR(got, cases[i].want);
        }
        fix_fini(&f);
    }
    UNIT_EQ_INT(dec1(&f, T_STRING, "\"\\u0000\""), JSON_OK);
    UNIT_EQ_INT(f.row[0].u.s.len, 1);
    fix_fini(&f);

    char buf[200];
    UNIT_EQ_STR(err_of(T_STRING, "\"bad \xff utf8\"", buf),
                "field \"v\": \"bad \xff utf8\" is invalid UTF-8 in a string "
                "(column type STRING)");
    UNIT_EQ_STR(err_of(T_STRING, "\"\xc3\"", buf),
                "field \"v\": \"\xc3\" is invalid UTF-8 in a string (column "
                "type STRING)");
}

/* ---- BYTES, DATE, TIME, TIMESTAMP -------------------------------------- */

static void test_json_temporal(void)
{
    bool ok;
    char buf[200];
    UNIT_EQ_INT(int_of(T_DATE, "\"2024-01-01\"", &ok), 19723);
    UNIT_CHECK(ok);
    UNIT_EQ_INT(int_of(T_DATE, "\"1970-01-01\"", &ok), 0);
    UNIT_EQ_STR(err_of(T_DATE, "\"2024-13-01\"", buf),
                "field \"v\": \"2024-13-01\" is not a date ('yyyy-mm-dd') "
                "(column type DATE)");
    UNIT_EQ_STR(err_of(T_DATE, "19723", buf),
                "field \"v\": a JSON number cannot be read as DATE");
    UNIT_EQ_INT(int_of(T_TIME, "\"10:00:00\"", &ok), 36000000);
    UNIT_CHECK(ok);
    UNIT_EQ_INT(int_of(T_TIME, "\"23:59:59.999\"", &ok), 86399999);
    UNIT_EQ_STR(err_of(T_TIME, "\"25:00:00\"", buf),
                "field \"v\": \"25:00:00\" is not a time ('hh:mm:ss[.fff]') "
                "(column type TIME)");

    const int64_t t0 = 1704103200123LL; /* 2024-01-01 10:00:00.123 */
    UNIT_EQ_INT(int_of(T_TS, "\"2024-01-01 10:00:00.123\"", &ok), t0);
    UNIT_CHECK(ok);
    UNIT_EQ_INT(int_of(T_TS, "\"2024-01-01T10:00:00.123Z\"", &ok), t0);
    UNIT_CHECK(ok);
    /* TIMESTAMP keeps the wall clock as written */
    UNIT_EQ_INT(int_of(T_TS, "\"2024-01-01T10:00:00.123+08:00\"", &ok), t0);
    UNIT_EQ_INT(int_of(T_TS, "\"2024-01-01 10:00:00\"", &ok), t0 - 123);
    UNIT_EQ_INT(int_of(T_TS, "1704103200123", &ok), t0);
    UNIT_CHECK(ok);
    UNIT_EQ_INT(int_of(T_TS, "\"1704103200123\"", &ok), t0);
    UNIT_CHECK(ok);
    UNIT_EQ_INT(int_of(T_TS, "-1000", &ok), -1000);
    UNIT_EQ_INT(int_of(T_TS, "\"2024-02-29 00:00:00.000\"", &ok),
                1709164800000LL);
    UNIT_CHECK(ok);
    int_of(T_TS, "\"2023-02-29 00:00:00.000\"", &ok);
    UNIT_CHECK(!ok);
    int_of(T_TS, "\"2024-01-01 24:00:00.000\"", &ok);
    UNIT_CHECK(!ok);
    UNIT_EQ_INT(int_of(T_TS, "\"2024-01-01T10:00:00.123\"", &ok), t0);
    UNIT_EQ_INT(int_of(T_TS, "\" 2024-01-01 10:00:00.123 \"", &ok), t0);
    UNIT_CHECK(ok);
    UNIT_CHECK(ok);
    /* TIMESTAMP_LTZ: an offset gives the instant */
    UNIT_EQ_INT(int_of(T_LTZ, "\"2024-01-01T18:00:00.123+08:00\"", &ok), t0);
    UNIT_CHECK(ok);
    UNIT_EQ_INT(int_of(T_LTZ, "\"2024-01-01T10:00:00.123Z\"", &ok), t0);
    UNIT_EQ_INT(int_of(T_LTZ, "1704103200123", &ok), t0);
    UNIT_EQ_STR(err_of(T_TS, "\"yesterday\"", buf),
                "field \"v\": \"yesterday\" is not a timestamp ('yyyy-mm-dd "
                "hh:mm:ss[.fff]', ISO-8601 or epoch milliseconds) (column "
                "type TIMESTAMP)");
    UNIT_EQ_STR(err_of(T_TS, "1.5", buf),
                "field \"v\": 1.5 is not a timestamp ('yyyy-mm-dd "
                "hh:mm:ss[.fff]', ISO-8601 or epoch milliseconds) (column "
                "type TIMESTAMP)");
    UNIT_EQ_STR(err_of(T_TS, "true", buf),
                "field \"v\": a JSON boolean cannot be read as TIMESTAMP");

    Fix f;
    UNIT_EQ_INT(dec1(&f, T_BYTES, "\"aGVsbG8=\""), JSON_OK);
    UNIT_EQ_INT(f.row[0].u.s.len, 5);
    UNIT_CHECK(memcmp(f.row[0].u.s.ptr, "hello", 5) == 0);
    fix_fini(&f);
    UNIT_EQ_STR(err_of(T_BYTES, "\"a$==\"", buf),
                "field \"v\": \"a$==\" is not base64 (column type BYTES)");
}

/* ---- rows, nulls, missing fields, duplicates --------------------------- */

static void fix_txn(Fix *f, const JsonOptions *opt)
{
    memset(f, 0, sizeof *f);
    static const char *names[] = {"id", "user", "amount", "type", "ts", "ok"};
    RtType types[6] = {T_BIGINT, T_STRING, T_DEC(10, 2),
                       T_STRING, T_TS,     T_BOOL};
    for (int i = 0; i < 6; i++) {
        f->cols[i].name = names[i];
        f->cols[i].type = types[i];
    }
    f->s.n_cols = 6;
    f->s.cols = f->cols;
    f->d = json_decoder_new(&f->s, opt);
    arena_init(&f->a, 4096);
}

static void test_json_row(void)
{
    Fix f;
    fix_txn(&f, NULL);
    const char *line =
        "  {\"extra\": {\"deep\": [1, 2, {\"x\": \"}\"}]}, \"type\": "
        "\"PAYMENT\", \"id\": 12345678901234567, \"ok\": true, "
        "\"amount\": 1234.56, \"ts\": \"2024-01-01 10:00:00.123\", "
        "\"skip\": [\"a\\\"]\", null, -1.5e3], \"user\": \"u1\"}\r\n";
    UNIT_EQ_INT(dec(&f, line), JSON_OK);
    UNIT_EQ_INT(f.row[0].u.i, 12345678901234567LL);
    UNIT_CHECK(f.row[1].u.s.len == 2 && !memcmp(f.row[1].u.s.ptr, "u1", 2));
    UNIT_CHECK(value_get_dec(&f.row[2]) == 123456);
    UNIT_CHECK(f.row[3].u.s.len == 7);
    UNIT_EQ_INT(f.row[4].u.i, 1704103200123LL);
    UNIT_EQ_INT(f.row[5].u.i, 1);
    for (int i = 0; i < 6; i++)
        UNIT_CHECK(!f.row[i].is_null);

    /* null and missing fields are NULL, with the column's kind */
    UNIT_EQ_INT(dec(&f, "{\"id\": null, \"user\": \"x\"}"), JSON_OK);
    UNIT_CHECK(f.row[0].is_null && f.row[0].kind == VK_INT);
    UNIT_CHECK(!f.row[1].is_null);
    UNIT_CHECK(f.row[2].is_null && f.row[2].kind == VK_DECIMAL);
    UNIT_CHECK(f.row[5].is_null && f.row[5].kind == VK_BOOL);

    /* empty object, blank line */
    UNIT_EQ_INT(dec(&f, "{}"), JSON_OK);
    UNIT_CHECK(f.row[0].is_null);
    UNIT_EQ_INT(dec(&f, ""), JSON_BLANK);
    UNIT_EQ_INT(dec(&f, " \t\r"), JSON_BLANK);

    /* duplicate keys: the last one wins */
    UNIT_EQ_INT(dec(&f, "{\"id\": 1, \"id\": 2}"), JSON_OK);
    UNIT_EQ_INT(f.row[0].u.i, 2);
    UNIT_EQ_INT(dec(&f, "{\"id\": 1, \"id\": null}"), JSON_OK);
    UNIT_CHECK(f.row[0].is_null);

    /* keys are case sensitive; escaped keys match their unescaped text */
    UNIT_EQ_INT(dec(&f, "{\"ID\": 1, \"\\u0069d\": 3}"), JSON_OK);
    UNIT_EQ_INT(f.row[0].u.i, 3);

    /* prefixes and extensions of names do not match */
    UNIT_EQ_INT(dec(&f, "{\"i\": 1, \"idx\": 2, \"\": 3}"), JSON_OK);
    UNIT_CHECK(f.row[0].is_null);

    JsonStats st = json_decoder_stats(f.d);
    UNIT_EQ_INT(st.rows_ok, 7);
    fix_fini(&f);
}

static void test_json_missing(void)
{
    JsonOptions opt = {true, false, NULL};
    Fix f;
    fix_txn(&f, &opt);
    UNIT_EQ_INT(dec(&f, "{\"id\":1,\"user\":\"u\",\"amount\":1,\"type\":null,"
                        "\"ts\":0,\"ok\":false}"),
                JSON_OK);
    UNIT_EQ_INT(dec(&f, "{\"id\":1,\"user\":\"u\",\"amount\":1,\"type\":null,"
                        "\"ok\":false}"),
                JSON_ERROR);
    UNIT_EQ_STR(f.err.msg, "field \"ts\" is missing");
    UNIT_EQ_INT(f.err.col, 4);
    fix_fini(&f);

    /* both options: the row is dropped */
    opt.ignore_parse_errors = true;
    fix_txn(&f, &opt);
    UNIT_EQ_INT(dec(&f, "{\"id\":1}"), JSON_SKIP);
    UNIT_EQ_STR(f.err.msg, "field \"user\" is missing");
    UNIT_EQ_INT(json_decoder_stats(f.d).rows_skipped, 1);
    fix_fini(&f);
}

/* ---- malformed input --------------------------------------------------- */

static void test_json_malformed(void)
{
    static const struct {
        const char *in;
        size_t off;
        const char *msg;
    } cases[] = {
        {"[1]", 0, "malformed JSON: a JSON object ('{') expected"},
        {"x", 0, "malformed JSON: a JSON object ('{') expected"},
        {"{", 1, "malformed JSON: object key (a string) expected"},
        {"{\"id\":1", 7, "malformed JSON: unterminated object"},
        {"{\"id\":1,}", 8, "malformed JSON: object key (a string) expected"},
        {"{\"id\" 1}", 6, "malformed JSON: ':' expected after an object key"},
        {"{\"id\":}", 6,
         "malformed JSON: invalid value (expected a string, number, object, "
         "array, true, false or null)"},
        {"{\"id\":1 \"user\":2}", 8,
         "malformed JSON: ',' or '}' expected in an object"},
        {"{\"id\":1} x", 9,
         "malformed JSON: unexpected text after the JSON object"},
        {"{\"id\":1}{}", 8,
         "malformed JSON: unexpected text after the JSON object"},
        {"{\"id\":tru}", 6,
         "malformed JSON: invalid literal (true or false expected)"},
        {"{\"id\":nul}", 6, "malformed JSON: invalid literal (null expected)"},
        {"{\"id\":01}", 7, "malformed JSON: ',' or '}' expected in an object"},
        {"{\"id\":-}", 6,
         "malformed JSON: invalid value (expected a string, number, object, "
         "array, true, false or null)"},
        {"{\"id\":1.}", 6,
         "malformed JSON: invalid value (expected a string, number, object, "
         "array, true, false or null)"},
        {"{\"id\":1e+}", 6,
         "malformed JSON: invalid value (expected a string, number, object, "
         "array, true, false or null)"},
        {"{\"id\":+1}", 6,
         "malformed JSON: invalid value (expected a string, number, object, "
         "array, true, false or null)"},
        {"{\"user\":\"abc", 12, "malformed JSON: unterminated string"},
        {"{\"user\":\"a\\x\"}", 10, "malformed JSON: bad escape in a string"},
        {"{\"user\":\"a\\u12G4\"}", 10,
         "malformed JSON: bad \\u escape (four hex digits expected)"},
        {"{\"user\":\"a\\u12\"}", 10,
         "malformed JSON: bad \\u escape (four hex digits expected)"},
        {"{\"user\":\"a\tb\"}", 10,
         "malformed JSON: control character in a string (it must be "
         "escaped)"},
        {"{\"skip\":[1,2}", 12,
         "malformed JSON: ',' or ']' expected in an array"},
        {"{\"skip\":{\"a\":1]}", 14,
         "malformed JSON: ',' or '}' expected in an object"},
        {"{\"skip\":{\"a\" 1}}", 13,
         "malformed JSON: ':' expected after an object key"},
        {"{\"skip\":{1:2}}", 9,
         "malformed JSON: object key (a string) expected"},
        {"{\"skip\":[1,]}", 11,
         "malformed JSON: invalid value (expected a string, number, object, "
         "array, true, false or null)"},
        {"{\"skip\":[", 9, "malformed JSON: value expected"},
        {"{\"skip\":[[[", 11, "malformed JSON: value expected"},
        {"{\"skip\":{\"a\":[1}}", 15,
         "malformed JSON: ',' or ']' expected in an array"},
        {"{\"skip\":\"x", 10, "malformed JSON: unterminated string"},
        {"{\"skip\":", 8, "malformed JSON: value expected"},
        {"{\"ab\\q\":1}", 4, "malformed JSON: bad escape in a string"},
        {"{\"user\":{\"a\":}}", 13,
         "malformed JSON: invalid value (expected a string, number, object, "
         "array, true, false or null)"},
    };
    for (size_t i = 0; i < FSQL_ARRAY_LEN(cases); i++) {
        Fix f;
        fix_txn(&f, NULL);
        int rc = dec(&f, cases[i].in);
        UNIT_EQ_INT(rc, JSON_ERROR);
        UNIT_EQ_STR(f.err.msg, cases[i].msg);
        if (f.err.offset != cases[i].off)
            unit_fail(__FILE__, __LINE__, "%s: offset %zu, want %zu",
                      cases[i].in, f.err.offset, cases[i].off);
        fix_fini(&f);
    }
}

static void test_json_ignore_errors(void)
{
    JsonOptions opt = {false, true, NULL};
    Fix f;
    fix_txn(&f, &opt);
    /* a bad field becomes NULL, the row stays */
    UNIT_EQ_INT(dec(&f, "{\"id\":\"x\",\"user\":\"u\",\"amount\":\"1.5\"}"),
                JSON_OK);
    UNIT_CHECK(f.row[0].is_null && f.row[0].kind == VK_INT);
    UNIT_CHECK(!f.row[1].is_null);
    UNIT_CHECK(value_get_dec(&f.row[2]) == 150);
    UNIT_EQ_STR(f.err.msg, "field \"id\": \"x\" is not an integer (column "
                           "type BIGINT)");
    UNIT_EQ_INT(f.err.col, 0);
    /* a later duplicate can still set it */
    UNIT_EQ_INT(dec(&f, "{\"id\":[1],\"id\":5}"), JSON_OK);
    UNIT_EQ_INT(f.row[0].u.i, 5);
    /* malformed: the row is dropped */
    UNIT_EQ_INT(dec(&f, "{\"id\":1"), JSON_SKIP);
    UNIT_EQ_STR(f.err.msg, "malformed JSON: unterminated object");
    UNIT_EQ_INT(dec(&f, "{\"id\":1}"), JSON_OK);
    UNIT_EQ_INT(f.err.msg[0], '\0');
    JsonStats st = json_decoder_stats(f.d);
    UNIT_EQ_INT(st.rows_ok, 3);
    UNIT_EQ_INT(st.rows_skipped, 1);
    UNIT_EQ_INT(st.fields_nulled, 2);
    fix_fini(&f);
}

static void test_json_nesting(void)
{
    Fix f;
    fix_txn(&f, NULL);
    /* 1000 levels are skipped fine, 1025 are refused, 100000 do not crash */
    size_t n = 100000;
    char *buf = xmalloc(2 * n + 32);
    for (size_t depth = 1000; depth <= n; depth = depth == 1000 ? 1025 : n) {
        size_t k = 0;
        memcpy(buf, "{\"skip\":", 8);
        k = 8;
        for (size_t i = 0; i < depth; i++)
            buf[k++] = '[';
        for (size_t i = 0; i < depth; i++)
            buf[k++] = ']';
        buf[k++] = '}';
        int rc = json_decode(f.d, buf, k, &f.a, f.row, &f.err);
        UNIT_EQ_INT(rc, depth <= 1000 ? JSON_OK : JSON_ERROR);
        if (depth > 1000)
            UNIT_EQ_STR(f.err.msg,
                        "malformed JSON: nesting deeper than 1024 levels");
        if (depth == n)
            break;
    }
    xfree(buf);
    fix_fini(&f);
}

/* Many columns: the perfect hash, and the probing fallback for duplicate
 * names. */
static void test_json_many_columns(void)
{
    enum { N = 300 };
    static char names[N][16];
    static RtColumn cols[N];
    for (int i = 0; i < N; i++) {
        int k = 0, x = i;
        names[i][k++] = 'c';
        do {
            names[i][k++] = (char)('0' + x % 10);
            x /= 10;
        } while (x);
        names[i][k] = '\0';
        cols[i].name = names[i];
        cols[i].type = T_BIGINT;
    }
    for (int dup = 0; dup < 2; dup++) {
        if (dup)
            cols[N - 1].name = names[0]; /* two columns named "c0" */
        RtSchema s = {N, cols};
        JsonDecoder *d = json_decoder_new(&s, NULL);
        Arena a;
        arena_init(&a, 4096);
        StrBuf sb;
        strbuf_init(&sb);
        strbuf_putc(&sb, '{');
        for (int i = 0; i < N; i++)
            strbuf_printf(&sb, "%s\"%s\":%d", i ? "," : "", names[i], i);
        strbuf_puts(&sb, ",\"zz\":1}");
        Value *row = xmalloc(sizeof(Value) * N);
        UNIT_EQ_INT(json_decode(d, sb.ptr, sb.len, &a, row, NULL), JSON_OK);
        for (int i = 0; i < N - dup; i++)
            if (row[i].is_null || row[i].u.i != i)
                unit_fail(__FILE__, __LINE__, "column %d wrong (dup=%d)", i,
                          dup);
        xfree(row);
        strbuf_fini(&sb);
        arena_fini(&a);
        json_decoder_free(d);
    }
    /* an empty schema skips everything */
    RtSchema empty = {0, NULL};
    JsonDecoder *d = json_decoder_new(&empty, NULL);
    Arena a;
    arena_init(&a, 1024);
    UNIT_EQ_INT(json_decode(d, "{\"a\":[1,{}]}", 12, &a, NULL, NULL), JSON_OK);
    arena_fini(&a);
    json_decoder_free(d);
}

/* ---- encoder ----------------------------------------------------------- */

static void test_json_encode(void)
{
    RtColumn cols[7] = {
        {"id", T_BIGINT},   {"name", T_STRING}, {"amount", T_DEC(10, 2)},
        {"ok", T_BOOL},     {"ts", T_TS},       {"n", T_INT},
        {"we\"ird", T_INT},
    };
    RtSchema s = {7, cols};
    Value row[7];
    row[0] = value_null(VK_INT);
    row[0].is_null = false;
    row[0].u.i = -9223372036854775807LL - 1;
    row[1] = value_null(VK_STRING);
    row[1].is_null = false;
    row[1].u.s.ptr = "a\"b\\c\n\x01\x1f\xc3\xa9/";
    row[1].u.s.len = (uint32_t)strlen(row[1].u.s.ptr);
    value_set_dec(&row[2], 123450);
    row[3] = value_null(VK_BOOL);
    row[3].is_null = false;
    row[3].u.i = 1;
    row[4] = value_null(VK_TIMESTAMP);
    row[4].is_null = false;
    row[4].u.i = 1704103200123LL;
    row[5] = value_null(VK_INT);
    row[6] = value_null(VK_INT);
    row[6].is_null = false;
    row[6].u.i = 0;
    const char *want =
        "{\"id\":-9223372036854775808,\"name\":\"a\\\"b\\\\c\\n\\u0001"
        "\\u001f\xc3\xa9/\",\"amount\":1234.50,\"ok\":true,\"ts\":"
        "\"2024-01-01 10:00:00.123\",\"n\":null,\"we\\\"ird\":0}";
    StrBuf sb;
    strbuf_init(&sb);
    json_encode_row(&sb, &s, row);
    UNIT_EQ_STR(strbuf_cstr(&sb), want);
    strbuf_clear(&sb);
    JsonEncoder *e = json_encoder_new(&s, NULL);
    json_encoder_row(e, &sb, row);
    UNIT_EQ_STR(strbuf_cstr(&sb), want);

    /* round trip through the decoder */
    JsonDecoder *d = json_decoder_new(&s, NULL);
    Arena a;
    arena_init(&a, 4096);
    Value back[7];
    UNIT_EQ_INT(json_decode(d, sb.ptr, sb.len, &a, back, NULL), JSON_OK);
    UNIT_EQ_INT(back[0].u.i, row[0].u.i);
    UNIT_CHECK(back[1].u.s.len == row[1].u.s.len &&
               !memcmp(back[1].u.s.ptr, row[1].u.s.ptr, back[1].u.s.len));
    UNIT_CHECK(value_get_dec(&back[2]) == 123450);
    UNIT_EQ_INT(back[3].u.i, 1);
    UNIT_EQ_INT(back[4].u.i, row[4].u.i);
    UNIT_CHECK(back[5].is_null);
    UNIT_EQ_INT(back[6].u.i, 0);
    arena_fini(&a);
    json_decoder_free(d);

    RtSchema none = {0, NULL};
    JsonEncoder *e0 = json_encoder_new(&none, NULL);
    strbuf_clear(&sb);
    json_encoder_row(e0, &sb, NULL);
    json_encode_row(&sb, &none, NULL);
    UNIT_EQ_STR(strbuf_cstr(&sb), "{}{}");
    json_encoder_free(e0);
    json_encoder_free(e);
    strbuf_fini(&sb);
}

/* textconv directly: the forms csv relies on too. */
static void test_json_textconv(void)
{
    RtType t = T_BIGINT;
    int64_t x;
    UNIT_CHECK(textconv_int(&t, "  -12 ", 6, &x) == NULL && x == -12);
    UNIT_CHECK(textconv_int(&t, "", 0, &x) != NULL);
    UNIT_CHECK(textconv_int(&t, "-", 1, &x) != NULL);
    UNIT_CHECK(textconv_int(&t, "1 2", 3, &x) != NULL);
    double dd;
    UNIT_CHECK(textconv_double(".5", 2, &dd) == NULL && dd == 0.5);
    UNIT_CHECK(textconv_double("5.", 2, &dd) == NULL && dd == 5.0);
    UNIT_CHECK(textconv_double(".", 1, &dd) != NULL);
    UNIT_CHECK(textconv_double("+Infinity", 9, &dd) == NULL && isinf(dd));
    UNIT_CHECK(textconv_double("1e99999999999", 13, &dd) == NULL && isinf(dd));
    UNIT_CHECK(textconv_double("1e-99999999999", 14, &dd) == NULL && dd == 0.0);
    char out[8];
    size_t n;
    UNIT_CHECK(textconv_base64_decode("", 0, out, &n) && n == 0);
    UNIT_CHECK(textconv_base64_decode("YQ", 2, out, &n) && n == 1 &&
               out[0] == 'a');
    UNIT_CHECK(!textconv_base64_decode("Y", 1, out, &n));
    RtType iv = ty(VK_INTERVAL_MS, 0, -1, 0);
    Value v;
    UNIT_CHECK(textconv_value(&iv, "5", 1, NULL, NULL, &v) == NULL &&
               v.u.i == 5);
    RtType bad = ty(VK_NULLTYPE, 0, -1, 0);
    UNIT_CHECK(textconv_value(&bad, "5", 1, NULL, NULL, &v) != NULL);
}

/* ---- timestamp fast path ----------------------------------------------- */

/* The decoder converts 'yyyy-mm-dd hh:mm:ss[.fff]' strings itself and
 * remembers the last date (json.c, decode_ts): one decoder over a
 * sequence of timestamps that share, nearly share or break the
 * remembered date must give what textconv_value() gives for each text
 * (the oracle), values and errors alike, for TIMESTAMP and for a zone-less
 * TIMESTAMP_LTZ. */
static void test_json_ts_fast(void)
{
    static const char *const texts[] = {
        "2024-01-31 23:59:59.999", "2024-01-31 00:00:00.000",
        "2024-01-31T12:34:56",     "2024-01-31 24:00:00.000",
        "2024-01-31 12:60:00",     "2024-01-31 12:00:60.000",
        "2024-01-32 00:00:00.000", "2024-01-31 10:00:00.123",
        "2024-02-29 01:02:03.004", "2023-02-29 01:02:03.004",
        "2023-02-28 01:02:03.004", "2024-01-31 10:00:00.12",
        "2024-01-31 10:00:00.1234", "2024-01-31X10:00:00.123",
        "2024-01-31 10:00:00,123", "2024-13-01 00:00:00.000",
        "2024-00-10 00:00:00.000", "2024-04-31 00:00:00",
        "0000-01-01 00:00:00.000", "9999-12-31 23:59:59.999",
        "1970-01-01 00:00:00.000", "1969-12-31 23:59:59.999",
        "2024-01-3a 00:00:00.000", "2024-01-31 0a:00:00.000",
        "2024-01-31 10:00:00.12\\u0033",
    };
    const RtType types[] = {T_TS, T_LTZ};
    for (size_t k = 0; k < sizeof types / sizeof types[0]; k++) {
        Fix f;
        fix1(&f, types[k], NULL);
        for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
            char line[128], plain[64];
            snprintf(line, sizeof line, "{\"v\":\"%s\"}", texts[i]);
            /* the oracle reads the text unescaped */
            snprintf(plain, sizeof plain, "%s", texts[i]);
            char *u = strstr(plain, "\\u0033");
            if (u)
                strcpy(u, "3");
            Value want;
            const char *why = textconv_value(&types[k], plain, strlen(plain),
                                             &f.a, NULL, &want);
            int rc = dec(&f, line);
            if (why) {
                UNIT_EQ_INT(rc, JSON_ERROR);
            } else {
                UNIT_EQ_INT(rc, JSON_OK);
                UNIT_EQ_INT(f.row[0].kind, types[k].kind);
                UNIT_CHECK(!f.row[0].is_null);
                UNIT_EQ_INT(f.row[0].u.i, want.u.i);
            }
        }
        fix_fini(&f);
    }
}

static const UnitTest json_tests[] = {
    {"json_int", test_json_int},
    {"json_decimal", test_json_decimal},
    {"json_double", test_json_double},
    {"json_bool", test_json_bool},
    {"json_string", test_json_string},
    {"json_temporal", test_json_temporal},
    {"json_row", test_json_row},
    {"json_missing", test_json_missing},
    {"json_malformed", test_json_malformed},
    {"json_ignore_errors", test_json_ignore_errors},
    {"json_nesting", test_json_nesting},
    {"json_many_columns", test_json_many_columns},
    {"json_encode", test_json_encode},
    {"json_textconv", test_json_textconv},
    {"json_ts_fast", test_json_ts_fast},
    {NULL, NULL},
};

UNIT_REGISTER(json_tests)
