/*
 * test_json_ts_fast.c - differential test of the JSON decoder's TIMESTAMP
 * fast path (runtime/json.c decode_ts) against the general path.
 *
 * Every string goes through three routes: the decoder as is (the fast
 * path, with its remembered date, on one decoder shared by all strings),
 * the decoder with the string's first character written as a \u escape
 * (escapes always take the general path: decode_field, then
 * textconv_value), and time_parse_iso() directly (the ISO reader under
 * textconv's own shortcut).  The first two must agree exactly (accepted
 * or not, and the value); when accepted, the value must be what
 * time_parse_iso() reads, unless the text is all digits (epoch
 * milliseconds).  Strings: edge cases (fraction digits 0-10, 'T' and
 * space, 'Z' and offsets, leap days, years below 1000, fields one past
 * their range) and seeded random variations and byte mutations of them.
 */
#include "runtime/fsql.h"
#include "runtime/json.h"
#include "runtime/textconv.h"
#include "runtime/timeutil.h"
#include "tests/unit/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct TsFix {
    RtColumn col;
    RtSchema s;
    JsonDecoder *d;
    Arena a;
} TsFix;

static void tsfix_init(TsFix *f, ValueKind k, int32_t prec)
{
    memset(f, 0, sizeof *f);
    f->col.name = "v";
    f->col.type.kind = k;
    f->col.type.sql_kind = k == VK_TIMESTAMP ? 15 : 16;
    f->col.type.precision = prec;
    f->col.type.scale = 0;
    f->col.type.is_nullable = true;
    f->s.n_cols = 1;
    f->s.cols = &f->col;
    f->d = json_decoder_new(&f->s, NULL);
    arena_init(&f->a, 4096);
}

static void tsfix_fini(TsFix *f)
{
    json_decoder_free(f->d);
    arena_fini(&f->a);
}

/* Decode {"v":"<ts>"} (escape: the first character as \u00XX); returns
 * the json_decode result, the value in *v. */
static int ts_decode(TsFix *f, const char *ts, bool escape, Value *v)
{
    char line[160];
    size_t n = strlen(ts);
    if (escape && n > 0)
        snprintf(line, sizeof line, "{\"v\":\"\\u%04x%s\"}",
                 (unsigned)(unsigned char)ts[0], ts + 1);
    else
        snprintf(line, sizeof line, "{\"v\":\"%s\"}", ts);
    JsonError err;
    memset(v, 0, sizeof *v);
    arena_reset(&f->a);
    return json_decode(f->d, line, strlen(line), &f->a, v, &err);
}

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

static unsigned n_checked, n_accepted;

/* Compare the routes for one string on decoders fast (shared, with its
 * remembered date) and fresh. */
static void ts_compare(TsFix *shared, ValueKind k, int32_t prec,
                       const char *ts)
{
    /* JSON strings cannot hold raw control characters or quotes as is */
    for (const char *c = ts; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == '"' || *c == '\\' ||
            (unsigned char)*c >= 0x80)
            return;
    Value vf, vg;
    int rf = ts_decode(shared, ts, false, &vf);
    int rg = ts_decode(shared, ts, true, &vg);
    n_checked++;
    if (rf != rg) {
        unit_fail(__FILE__, __LINE__, "\"%s\" (kind %d): fast %d, general %d",
                  ts, (int)k, rf, rg);
        return;
    }
    if (rf != JSON_OK)
        return;
    n_accepted++;
    if (vf.is_null != vg.is_null || vf.kind != vg.kind || vf.u.i != vg.u.i) {
        unit_fail(__FILE__, __LINE__,
                  "\"%s\" (kind %d): fast %lld (null %d), general %lld "
                  "(null %d)",
                  ts, (int)k, (long long)vf.u.i, (int)vf.is_null,
                  (long long)vg.u.i, (int)vg.is_null);
        return;
    }
    /* a fresh decoder (nothing remembered) gives the same */
    TsFix fresh;
    tsfix_init(&fresh, k, prec);
    Value v1;
    int r1 = ts_decode(&fresh, ts, false, &v1);
    if (r1 != rf || v1.u.i != vf.u.i)
        unit_fail(__FILE__, __LINE__, "\"%s\": fresh decoder %d %lld, "
                  "shared %d %lld", ts, r1, (long long)v1.u.i, rf,
                  (long long)vf.u.i);
    tsfix_fini(&fresh);
    if (all_digits(ts))
        return;
    int64_t wall;
    bool has_off;
    int32_t off;
    if (!time_parse_iso(ts, strlen(ts), &wall, &has_off, &off)) {
        unit_fail(__FILE__, __LINE__,
                  "\"%s\": decoded to %lld, time_parse_iso rejects it", ts,
                  (long long)vf.u.i);
        return;
    }
    if (k == VK_TIMESTAMP_LTZ && has_off)
        wall -= (int64_t)off * 1000;
    if (wall != vf.u.i)
        unit_fail(__FILE__, __LINE__,
                  "\"%s\": decoded to %lld, time_parse_iso %lld", ts,
                  (long long)vf.u.i, (long long)wall);
}

static const char *const ts_edge[] = {
    "2024-02-29 23:59:59",     "2024-02-29T23:59:59",
    "2023-02-29 00:00:00",     "2100-02-29 00:00:00",
    "2000-02-29 00:00:00",     "1900-02-29 12:00:00",
    "0000-01-01 00:00:00",     "0001-01-01 00:00:00.000",
    "0999-12-31 23:59:59.999", "0099-06-15 08:30:00",
    "9999-12-31 23:59:59.999", "1970-01-01 00:00:00",
    "1969-12-31 23:59:59.999", "2024-01-01 00:00:00.1",
    "2024-01-01 00:00:00.12",  "2024-01-01 00:00:00.123",
    "2024-01-01 00:00:00.1234", "2024-01-01 00:00:00.12345",
    "2024-01-01 00:00:00.123456", "2024-01-01 00:00:00.1234567",
    "2024-01-01 00:00:00.12345678", "2024-01-01 00:00:00.123456789",
    "2024-01-01 00:00:00.1234567891", "2024-01-01 00:00:00.",
    "2024-01-01 00:00:00Z",    "2024-01-01T00:00:00Z",
    "2024-01-01T00:00:00.123Z", "2024-01-01 00:00:00+01:00",
    "2024-01-01 00:00:00.123+05:30", "2024-01-01T00:00:00-08:00",
    "2024-01-01T00:00:00+0100", "2024-01-01 24:00:00",
    "2024-01-01 23:60:00",     "2024-01-01 23:59:60",
    "2024-13-01 00:00:00",     "2024-00-01 00:00:00",
    "2024-01-00 00:00:00",     "2024-01-32 00:00:00",
    "2024-04-31 00:00:00",     "2024-06-31 00:00:00.000",
    "2024-1-01 00:00:00",      "2024-01-01 0:00:00",
    "2024-01-01t00:00:00",     "2024-01-01_00:00:00",
    "2024-01-01 00:00",        "2024-01-01",
    "2024-01-01 00:00:00.12a", "2024-01-01 00:00:00,123",
    "+2024-01-01 00:00:00",    "-2024-01-01 00:00:00",
    "20240101 000000",         "2024/01/01 00:00:00",
    "1700000000000",           "0",
    "99999999999999999999",    "2024-01-01  00:00:00",
    " 2024-01-01 00:00:00",    "2024-01-01 00:00:00 ",
    "2024-01-01 00:00:00.123 ", "2024-0a-01 00:00:00",
    "2024-01-01 00:00:0:",     "2024-01-01 00:00:00.1:3",
    "2024-01-01 00:0:000",     "2024-01-01 00:00:00/123",
    "",                        "2024-01-01 00:00:00.000000000",
    "2024-12-31T23:59:59.999", "1600-02-29 00:00:00",
};

/* A random timestamp-like string: fields from a little past their range,
 * a random separator, 0-10 fraction digits, sometimes a suffix. */
static void ts_random(char *buf, size_t n, unsigned *seed)
{
    static const char seps[] = {' ', 'T', 't', ' ', 'T', '_'};
    static const char *const sfx[] = {"",       "",      "",     "",
                                      "Z",      "+01:00", "-0530", "+14:00",
                                      "+24:00", " ",     "z",     ".5"};
    int y = rand_r(seed) % 10000;
    int mo = rand_r(seed) % 14;
    int d = rand_r(seed) % 33;
    int h = rand_r(seed) % 26;
    int mi = rand_r(seed) % 62;
    int s = rand_r(seed) % 62;
    if (rand_r(seed) % 4) { /* mostly valid fields */
        mo = 1 + mo % 12;
        d = 1 + d % 28;
        h %= 24;
        mi %= 60;
        s %= 60;
    }
    if (rand_r(seed) % 8 == 0) { /* a leap day */
        mo = 2;
        d = 29;
    }
    int len = snprintf(buf, n, "%04d-%02d-%02d%c%02d:%02d:%02d", y, mo, d,
                       seps[rand_r(seed) % sizeof seps], h, mi, s);
    int frac = rand_r(seed) % 12 - 1; /* -1: none */
    if (frac >= 0) {
        buf[len++] = '.';
        for (int i = 0; i < frac; i++)
            buf[len++] = (char)('0' + rand_r(seed) % 10);
        buf[len] = '\0';
    }
    snprintf(buf + len, n - (size_t)len, "%s",
             sfx[rand_r(seed) % (sizeof sfx / sizeof sfx[0])]);
    if (rand_r(seed) % 5 == 0) { /* a byte mutation */
        size_t l = strlen(buf);
        static const char pool[] = "0123456789 -:.TZ+x";
        buf[(size_t)rand_r(seed) % l] = pool[rand_r(seed) % (sizeof pool - 1)];
    }
}

static void ts_run(ValueKind k, int32_t prec)
{
    TsFix shared;
    tsfix_init(&shared, k, prec);
    for (size_t i = 0; i < sizeof ts_edge / sizeof ts_edge[0]; i++)
        ts_compare(&shared, k, prec, ts_edge[i]);
    unsigned seed = 20261122u + (unsigned)k * 31u + (unsigned)prec;
    char buf[80];
    for (int i = 0; i < 20000; i++) {
        ts_random(buf, sizeof buf, &seed);
        ts_compare(&shared, k, prec, buf);
        /* the same date again with another time (the remembered date) */
        if (rand_r(&seed) % 3 == 0 && strlen(buf) >= 19) {
            buf[12] = (char)('0' + rand_r(&seed) % 3);
            ts_compare(&shared, k, prec, buf);
        }
    }
    tsfix_fini(&shared);
}

static void json_ts_fast_differential(void)
{
    n_checked = n_accepted = 0;
    ts_run(VK_TIMESTAMP, 3);
    ts_run(VK_TIMESTAMP, 0);
    ts_run(VK_TIMESTAMP, 9);
    ts_run(VK_TIMESTAMP_LTZ, 3);
    /* the random strings must exercise both outcomes */
    UNIT_CHECK(n_accepted > n_checked / 4);
    UNIT_CHECK(n_accepted < n_checked);
}

/* Known values: the fast path's arithmetic, not only agreement. */
static void json_ts_fast_values(void)
{
    static const struct {
        const char *ts;
        int64_t ms;
    } cases[] = {
        {"1970-01-01 00:00:00", 0},
        {"1970-01-01T00:00:00.001", 1},
        {"1969-12-31 23:59:59.999", -1},
        {"2024-02-29 12:00:00", 1709208000000LL},
        {"2000-03-01 00:00:00.500", 951868800500LL},
        {"0001-01-01 00:00:00", -62135596800000LL},
        {"9999-12-31 23:59:59.999", 253402300799999LL},
    };
    TsFix f;
    tsfix_init(&f, VK_TIMESTAMP, 3);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        Value v;
        UNIT_EQ_INT(ts_decode(&f, cases[i].ts, false, &v), JSON_OK);
        UNIT_EQ_INT(v.u.i, cases[i].ms);
        UNIT_CHECK(!v.is_null && v.kind == VK_TIMESTAMP);
    }
    tsfix_fini(&f);
}

static const UnitTest json_ts_fast_tests[] = {
    {"json_ts_fast_differential", json_ts_fast_differential},
    {"json_ts_fast_values", json_ts_fast_values},
    {NULL, NULL},
};

UNIT_REGISTER(json_ts_fast_tests)
