/*
 * fuzz_textconv.c - libFuzzer target for the text to value conversions
 * (runtime/textconv.c, used by the csv and json formats, CAST from STRING
 * and the lookup sources) and timeutil.c's parsers under them.
 *
 * textconv.c is included rather than linked, so its static fast paths
 * can be compared with the general parsers.  Byte 0 of the input picks a
 * conversion, byte 1 a variant (column precision and scale, time zone,
 * pattern), the rest is the text.  Checks (abort() on failure):
 *   integers  accept/reject, value and reason equal a plain reference
 *             parser (128-bit accumulation, range per integer type)
 *   DOUBLE    syntax equals a reference grammar; values are bit-exact
 *             with strtod_l in the C locale (the fast path must round
 *             correctly)
 *   DECIMAL   equals decimal_parse() (the fast path must agree), fits the
 *             precision, and decimal_append() text parses back to it
 *   BOOLEAN   reference comparison
 *   DATE, TIME, TIMESTAMP(_LTZ)  results in range; the timestamp fast
 *             path agrees with time_parse_iso(); every parsed value
 *             formats to text that parses back to the same value
 *   BYTES     base64 equals a reference decoder, the output bound holds,
 *             and the JSON encoding (base64) decodes back
 *   patterns  time_parse_pattern / time_format_pattern with a pattern
 *             taken from the input: no crash, no read past the end
 *
 *   make fuzz-csv FUZZ_SECONDS=300   (runs fuzz_csv, then this target)
 */
#include "runtime/textconv.c"

#include "runtime/decimal.h"
#include "runtime/str.h"
#include "runtime/timeutil.h"
#include "runtime/value_ops.h"

#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { SK_DECIMAL = 8, SK_TIMESTAMP = 15, SK_TIMESTAMP_LTZ = 16 };

static const TimeZone *zones[3]; /* UTC, +05:30, an IANA zone if present */

static void setup(void)
{
    char err[128];
    zones[0] = tz_utc();
    zones[1] = tz_load("+05:30", err, sizeof err);
    zones[2] = tz_load("America/New_York", err, sizeof err);
    if (!zones[1])
        abort();
    if (!zones[2])
        zones[2] = zones[1];
}

/* ---- references ---------------------------------------------------------- */

static void ref_trim(const char **pp, size_t *pn)
{
    static const char blanks[] = " \t\r\n\f\v";
    const char *p = *pp;
    size_t n = *pn;
    while (n && p[0] && strchr(blanks, p[0]))
        p++, n--;
    while (n && p[n - 1] && strchr(blanks, p[n - 1]))
        n--;
    *pp = p;
    *pn = n;
}

/* 0: ok, 1: syntax, 2: range */
static int ref_int(const char *p, size_t n, int64_t lo, int64_t hi,
                   int64_t *out)
{
    ref_trim(&p, &n);
    size_t i = 0;
    bool neg = false;
    if (i < n && (p[i] == '+' || p[i] == '-'))
        neg = p[i++] == '-';
    if (i == n)
        return 1;
    __int128 v = 0;
    for (; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return 1;
        if (v < ((__int128)1 << 80))
            v = v * 10 + (p[i] - '0');
    }
    if (neg)
        v = -v;
    if (v < lo || v > hi)
        return 2;
    *out = (int64_t)v;
    return 0;
}

/* The DOUBLE grammar textconv.h promises. */
static bool ref_double_syntax(const char *p, size_t n)
{
    ref_trim(&p, &n);
    size_t i = 0;
    if (n == 3 && memcmp(p, "NaN", 3) == 0)
        return true;
    if (i < n && (p[i] == '+' || p[i] == '-'))
        i++;
    if (n - i == 8 && memcmp(p + i, "Infinity", 8) == 0)
        return true;
    size_t digits = 0;
    while (i < n && p[i] >= '0' && p[i] <= '9')
        i++, digits++;
    if (i < n && p[i] == '.') {
        i++;
        while (i < n && p[i] >= '0' && p[i] <= '9')
            i++, digits++;
    }
    if (digits == 0)
        return false;
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
        i++;
        if (i < n && (p[i] == '+' || p[i] == '-'))
            i++;
        size_t ed = 0;
        while (i < n && p[i] >= '0' && p[i] <= '9')
            i++, ed++;
        if (ed == 0)
            return false;
    }
    return i == n;
}

static int b64v(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+' || c == '-')
        return 62;
    if (c == '/' || c == '_')
        return 63;
    return -1;
}

static bool ref_b64(const char *p, size_t n, char *dst, size_t *len)
{
    while (n && p[n - 1] == '=')
        n--;
    if (n % 4 == 1)
        return false;
    size_t o = 0;
    for (size_t i = 0; i < n; i += 4) {
        uint32_t acc = 0;
        size_t k = n - i < 4 ? n - i : 4;
        for (size_t j = 0; j < k; j++) {
            int v = b64v((unsigned char)p[i + j]);
            if (v < 0)
                return false;
            acc |= (uint32_t)v << (18 - 6 * j);
        }
        for (size_t j = 0; j + 1 < k; j++)
            dst[o++] = (char)(acc >> (16 - 8 * j));
    }
    *len = o;
    return true;
}

/* ---- checks -------------------------------------------------------------- */

static const uint8_t int_kinds[4] = {RT_SQL_TINYINT, RT_SQL_SMALLINT,
                                     RT_SQL_INT, RT_SQL_BIGINT};

static void check_int(uint8_t var, const char *p, size_t n)
{
    RtType t = {VK_INT, int_kinds[var & 3], -1, 0, true};
    int64_t lo, hi, got = 0, want = 0;
    textconv_int_range(&t, &lo, &hi);
    const char *why = textconv_int(&t, p, n, &got);
    int r = ref_int(p, n, lo, hi, &want);
    if ((why == NULL) != (r == 0))
        abort();
    if (r == 0 && got != want)
        abort();
    if (r == 1 && strcmp(why, "not an integer") != 0)
        abort();
    if (r == 2 && strncmp(why, "out of range", 12) != 0)
        abort();
}

static void check_double(uint8_t var, const char *p, size_t n)
{
    double got = 0;
    const char *why = textconv_double(p, n, &got);
    if ((why == NULL) != ref_double_syntax(p, n))
        abort();
    if (why)
        return;
    const char *q = p;
    size_t m = n;
    ref_trim(&q, &m);
    double want = slow_strtod(q, m);
    if (isnan(want) || isnan(got)) {
        if (!(isnan(want) && isnan(got)))
            abort();
    } else if (memcmp(&got, &want, sizeof got) != 0) {
        abort();
    }
    /* the shortest text Java prints reads back to the same double */
    StrBuf sb;
    strbuf_init(&sb);
    double back = 0;
    if (var & 1) {
        float f = (float)got;
        value_format_float(&sb, f);
        if (textconv_double(sb.ptr, sb.len, &back) != NULL)
            abort();
        if (!isnan(f) && (float)back != f)
            abort();
    } else {
        value_format_double(&sb, got);
        if (textconv_double(sb.ptr, sb.len, &back) != NULL)
            abort();
        if (!isnan(got) && memcmp(&back, &got, sizeof got) != 0)
            abort();
    }
    strbuf_fini(&sb);
}

static const int8_t dec_ps[8][2] = {{10, 2}, {5, 0},  {38, 18}, {18, 18},
                                    {38, 0}, {19, 4}, {1, 1},   {18, 2}};

static void check_decimal(uint8_t var, const char *p, size_t n)
{
    int prec = dec_ps[var & 7][0], scale = dec_ps[var & 7][1];
    RtType t = {VK_DECIMAL, SK_DECIMAL, prec, scale, true};
    i128 got = 0, want = 0;
    const char *why = textconv_decimal(&t, p, n, &got);
    DecStatus st = decimal_parse(p, n, prec, scale, &want);
    if ((why == NULL) != (st == DEC_OK))
        abort();
    if (why) {
        if ((st == DEC_OVERFLOW) != (strstr(why, "out of range") != NULL))
            abort();
        return;
    }
    if (got != want || !decimal_fits(got, prec))
        abort();
    StrBuf sb;
    strbuf_init(&sb);
    decimal_append(&sb, got, scale);
    i128 back = 0;
    if (textconv_decimal(&t, sb.ptr, sb.len, &back) != NULL || back != got)
        abort();
    strbuf_fini(&sb);
}

static void check_bool(const char *p, size_t n)
{
    bool got = false;
    const char *why = textconv_bool(p, n, &got);
    const char *q = p;
    size_t m = n;
    ref_trim(&q, &m);
    bool t = m == 4 && strncasecmp(q, "true", 4) == 0;
    bool f = m == 5 && strncasecmp(q, "false", 5) == 0;
    if ((why == NULL) != (t || f) || (why == NULL && got != t))
        abort();
}

static void check_date(const char *p, size_t n, Arena *a)
{
    RtType t = {VK_DATE, 13, -1, 0, true};
    Value v;
    if (textconv_value(&t, p, n, a, NULL, &v) != NULL)
        return;
    char buf[TIME_FMT_DATE_MAX];
    size_t k = time_format_date(buf, (int32_t)v.u.i);
    if (k >= sizeof buf)
        abort();
    int32_t back = 0;
    if (!time_parse_date(buf, k, &back) || back != v.u.i)
        abort();
}

static void check_time(const char *p, size_t n, Arena *a)
{
    RtType t = {VK_TIME, 14, 3, 0, true};
    Value v;
    if (textconv_value(&t, p, n, a, NULL, &v) != NULL)
        return;
    if (v.u.i < 0 || v.u.i >= MS_PER_DAY)
        abort();
    char buf[TIME_FMT_TIME_MAX];
    size_t k = time_format_time(buf, (int32_t)v.u.i, 3);
    int32_t back = -1;
    if (k >= sizeof buf || !time_parse_time(buf, k, &back) || back != v.u.i)
        abort();
}

/* Wall-clock millis whose text form has a four-digit year. */
static bool four_digit_year(int64_t ms)
{
    return ms >= -62167219200000LL && ms < 253402300800000LL;
}

static void check_timestamp(uint8_t var, const char *p, size_t n, Arena *a)
{
    bool ltz = var & 1;
    const TimeZone *tz = zones[(var >> 1) % 3];
    RtType t = {ltz ? VK_TIMESTAMP_LTZ : VK_TIMESTAMP,
                ltz ? SK_TIMESTAMP_LTZ : SK_TIMESTAMP, 3, 0, true};
    int64_t fast = 0;
    if (timestamp_fast(p, n, &fast)) {
        int64_t wall = 0;
        bool has_off = true;
        int32_t off = 0;
        if (!time_parse_iso(p, n, &wall, &has_off, &off) || has_off ||
            wall != fast)
            abort();
    }
    Value v;
    if (textconv_value(&t, p, n, a, tz, &v) != NULL)
        return;
    /* any instant formats within the buffer */
    char buf[TIME_FMT_TIMESTAMP_MAX];
    int64_t wall = ltz ? tz_utc_to_local(tz, v.u.i) : v.u.i;
    for (int prec = 0; prec <= 9; prec++)
        if (time_format_timestamp_p(buf, wall, prec) >= sizeof buf)
            abort();
    StrBuf sb;
    strbuf_init(&sb);
    ValueFmt vf = {.tz = tz, .style = VALUE_STYLE_SQL, .null_text = NULL};
    value_format(&sb, &v, &t, &vf);
    /* the text of a four-digit year reads back (a gap in the zone's wall
     * clock cannot be written, so LTZ only for fixed zones) */
    if (four_digit_year(wall) && (!ltz || tz_is_fixed(tz))) {
        Value back;
        if (textconv_value(&t, sb.ptr, sb.len, a, tz, &back) != NULL ||
            back.u.i != v.u.i)
            abort();
    }
    strbuf_fini(&sb);
}

static void check_bytes(const char *p, size_t n, Arena *a)
{
    RtType t = {VK_BYTES, 12, 2147483647, 0, true};
    Value v;
    const char *why = textconv_value(&t, p, n, a, NULL, &v);
    char *ref = xmalloc(n + 4);
    size_t rl = 0;
    bool ok = ref_b64(p, n, ref, &rl);
    if ((why == NULL) != ok)
        abort();
    if (ok) {
        if (v.u.s.len != rl || v.u.s.len > n / 4 * 3 + 2 ||
            (rl && memcmp(v.u.s.ptr, ref, rl) != 0))
            abort();
        StrBuf sb;
        strbuf_init(&sb);
        value_format_json(&sb, &v, &t, NULL);
        Value back;
        if (sb.len < 2 ||
            textconv_value(&t, sb.ptr + 1, sb.len - 2, a, NULL, &back) !=
                NULL ||
            back.u.s.len != v.u.s.len ||
            (rl && memcmp(back.u.s.ptr, v.u.s.ptr, rl) != 0))
            abort();
        strbuf_fini(&sb);
    }
    xfree(ref);
}

/* The text splits at the first 0x01 byte into value and pattern. */
static void check_pattern(const char *p, size_t n)
{
    const char *sep = memchr(p, 1, n);
    static const char *const fixed = "yyyy-MM-dd HH:mm:ss.SSS";
    const char *s = p, *f = fixed;
    size_t sn = n, fn = strlen(fixed);
    if (sep) {
        sn = (size_t)(sep - p);
        f = sep + 1;
        fn = n - sn - 1;
    }
    int64_t ms = 0;
    if (time_parse_pattern(s, sn, f, fn, &ms)) {
        StrBuf sb;
        strbuf_init(&sb);
        time_format_pattern(&sb, ms, f, fn, zones[1]);
        strbuf_fini(&sb);
    }
    StrBuf sb;
    strbuf_init(&sb);
    time_format_pattern(&sb, 1700000000123LL, f, fn, zones[2]);
    time_format_pattern(&sb, -62167219200000LL - 1, f, fn, NULL);
    strbuf_fini(&sb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    if (!ready) {
        setup();
        ready = true;
    }
    if (size < 2)
        return 0;
    uint8_t mode = data[0], var = data[1];
    size_t n = size - 2;
    /* an exact-size heap copy so ASan sees reads past the end */
    char *p = xmalloc(n ? n : 1);
    memcpy(p, data + 2, n);
    Arena a;
    arena_init(&a, 1024);
    switch (mode % 9) {
    case 0:
        check_int(var, p, n);
        break;
    case 1:
        check_double(var, p, n);
        break;
    case 2:
        check_decimal(var, p, n);
        break;
    case 3:
        check_bool(p, n);
        break;
    case 4:
        check_date(p, n, &a);
        break;
    case 5:
        check_time(p, n, &a);
        break;
    case 6:
        check_timestamp(var, p, n, &a);
        break;
    case 7:
        check_bytes(p, n, &a);
        break;
    default:
        check_pattern(p, n);
        break;
    }
    arena_fini(&a);
    xfree(p);
    return 0;
}
