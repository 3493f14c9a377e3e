/*
 * textconv.c - text to typed Value conversion for the json and csv formats.
 *
 * See textconv.h for the accepted forms.  Everything here is on the hot
 * path of a file or Kafka source: no allocation (except BYTES into the
 * caller's arena), no snprintf, and doubles go through strtod only when the
 * exact fast path (Clinger's: at most 2^53 as mantissa and a power of ten
 * that is itself exact) does not apply.
 */
#include "runtime/fsql.h"
#include "runtime/textconv.h"
#include "runtime/decimal.h"
#include "runtime/value_ops.h"

#include <locale.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static inline bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
           c == '\v';
}

/* Trim ASCII blanks on both ends, as Java's String.trim() does for the
 * characters that matter here. */
static void trim(const char **pp, size_t *pn)
{
    const char *p = *pp;
    size_t n = *pn;
    while (n && is_blank(p[0])) {
        p++;
        n--;
    }
    while (n && is_blank(p[n - 1]))
        n--;
    *pp = p;
    *pn = n;
}

static inline bool is_digit(char c)
{
    return (unsigned char)(c - '0') < 10;
}

void textconv_int_range(const RtType *t, int64_t *min, int64_t *max)
{
    switch (t->sql_kind) {
    case RT_SQL_TINYINT:
        *min = INT8_MIN;
        *max = INT8_MAX;
        break;
    case RT_SQL_SMALLINT:
        *min = INT16_MIN;
        *max = INT16_MAX;
        break;
    case RT_SQL_INT:
        *min = INT32_MIN;
        *max = INT32_MAX;
        break;
    default:
        *min = INT64_MIN;
        *max = INT64_MAX;
        break;
    }
}

static const char *range_msg(const RtType *t)
{
    switch (t->sql_kind) {
    case RT_SQL_TINYINT:
        return "out of range for TINYINT";
    case RT_SQL_SMALLINT:
        return "out of range for SMALLINT";
    case RT_SQL_INT:
        return "out of range for INT";
    default:
        return "out of range for BIGINT";
    }
}

/* Exact integer parse over the whole int64 range. */
static const char *parse_i64(const char *p, size_t n, int64_t *out,
                             bool *overflow)
{
    *overflow = false;
    size_t i = 0;
    bool neg = false;
    if (i < n && (p[i] == '-' || p[i] == '+')) {
        neg = p[i] == '-';
        i++;
    }
    if (i >= n)
        return "not an integer";
    uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    uint64_t v = 0;
    for (; i < n; i++) {
        unsigned d = (unsigned char)(p[i] - '0');
        if (d > 9)
            return "not an integer";
        if (v > (limit - d) / 10) {
            /* keep checking the syntax so "99999999999999999999x" is
             * reported as what it is */
            for (i++; i < n; i++)
                if (!is_digit(p[i]))
                    return "not an integer";
            *overflow = true;
            return "out of range for BIGINT";
        }
        v = v * 10 + d;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return NULL;
}

const char *textconv_int(const RtType *t, const char *p, size_t n, int64_t *out)
{
    trim(&p, &n);
    int64_t v, min, max;
    bool overflow;
    const char *why = parse_i64(p, n, &v, &overflow);
    if (why)
        return overflow ? range_msg(t) : why;
    textconv_int_range(t, &min, &max);
    if (v < min || v > max)
        return range_msg(t);
    *out = v;
    return NULL;
}

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void c_locale_init(void)
{
    c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

static const double exact_pow10[23] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Slow path: strtod_l on a NUL-terminated copy, in the C locale. */
static double slow_strtod(const char *p, size_t n)
{
    char small[128];
    char *buf = small;
    if (n >= sizeof small)
        buf = xmalloc(n + 1); /* only for absurdly long numbers */
    memcpy(buf, p, n);
    buf[n] = '\0';
    pthread_once(&c_locale_once, c_locale_init);
    double d = c_locale ? strtod_l(buf, NULL, c_locale) : strtod(buf, NULL);
    if (buf != small)
        xfree(buf);
    return d;
}

const char *textconv_double(const char *p, size_t n, double *out)
{
    trim(&p, &n);
    if (n == 0)
        return "not a number";
    size_t i = 0;
    bool neg = false;
    if (p[0] == '-' || p[0] == '+') {
        neg = p[0] == '-';
        i++;
    }
    if (n - i == 8 && memcmp(p + i, "Infinity", 8) == 0) {
        *out = neg ? -__builtin_inf() : __builtin_inf();
        return NULL;
    }
    if (n == 3 && memcmp(p, "NaN", 3) == 0) {
        *out = __builtin_nan("");
        return NULL;
    }
    uint64_t mant = 0;
    int sig = 0;            /* significant digits taken into mant */
    int dropped = 0;        /* integer digits beyond 19, not in mant */
    bool truncated = false; /* fraction digits beyond 19 were dropped */
    int frac = 0;           /* fraction digits taken into mant */
    int n_digits = 0;
    for (; i < n && is_digit(p[i]); i++, n_digits++) {
        if (sig < 19) {
            if (mant || p[i] != '0') {
                mant = mant * 10 + (uint64_t)(p[i] - '0');
                sig += mant != 0;
            }
        } else {
            dropped++;
        }
    }
    if (i < n && p[i] == '.') {
        i++;
        for (; i < n && is_digit(p[i]); i++, n_digits++) {
            if (sig < 19) {
                mant = mant * 10 + (uint64_t)(p[i] - '0');
                sig += mant != 0;
                frac++;
            } else {
                truncated = true;
            }
        }
    }
    if (n_digits == 0)
        return "not a number";
    long exp = 0;
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
        i++;
        bool eneg = false;
        if (i < n && (p[i] == '-' || p[i] == '+')) {
            eneg = p[i] == '-';
            i++;
        }
        if (i >= n || !is_digit(p[i]))
            return "not a number";
        for (; i < n && is_digit(p[i]); i++)
            if (exp < 100000)
                exp = exp * 10 + (p[i] - '0');
        if (eneg)
            exp = -exp;
    }
    if (i != n)
        return "not a number";
    long e10 = exp - frac;
    if (dropped == 0 && !truncated && mant <= (1ULL << 53) && e10 >= -22 &&
        e10 <= 22) {
        double d = (double)mant;
        d = e10 < 0 ? d / exact_pow10[-e10] : d * exact_pow10[e10];
        *out = neg ? -d : d;
        return NULL;
    }
    if (mant == 0 && dropped == 0 && !truncated) {
        *out = neg ? -0.0 : 0.0;
        return NULL;
    }
    *out = slow_strtod(p, n);
    return NULL;
}

const char *textconv_bool(const char *p, size_t n, bool *out)
{
    trim(&p, &n);
    if (n == 4 && (p[0] | 32) == 't' && (p[1] | 32) == 'r' &&
        (p[2] | 32) == 'u' && (p[3] | 32) == 'e') {
        *out = true;
        return NULL;
    }
    if (n == 5 && (p[0] | 32) == 'f' && (p[1] | 32) == 'a' &&
        (p[2] | 32) == 'l' && (p[3] | 32) == 's' && (p[4] | 32) == 'e') {
        *out = false;
        return NULL;
    }
    return "not a boolean (true or false)";
}

static const int64_t pow10_i64[19] = {1LL,
                                      10LL,
                                      100LL,
                                      1000LL,
                                      10000LL,
                                      100000LL,
                                      1000000LL,
                                      10000000LL,
                                      100000000LL,
                                      1000000000LL,
                                      10000000000LL,
                                      100000000000LL,
                                      1000000000000LL,
                                      10000000000000LL,
                                      100000000000000LL,
                                      1000000000000000LL,
                                      10000000000000000LL,
                                      100000000000000000LL,
                                      1000000000000000000LL};

/* Fast path for the common plain form [-]ddd[.dd] with no more fraction
 * digits than the scale and at most 18 digits in all: the unscaled value
 * is exact integer arithmetic, nothing to round.  Returns false to let
 * decimal_parse() handle everything else (the measured cost of the general
 * parser was most of a 9-column row's budget). */
static bool decimal_fast(const char *p, size_t n, int prec, int scale,
                         i128 *out)
{
    size_t i = 0;
    bool neg = false;
    if (n && p[0] == '-') {
        neg = true;
        i = 1;
    }
    int64_t v = 0;
    int ni = 0, nf = 0;
    while (i < n && is_digit(p[i]) && ni < 18) {
        v = v * 10 + (p[i++] - '0');
        ni++;
    }
    if (ni == 0)
        return false;
    if (i < n && p[i] == '.') {
        i++;
        while (i < n && is_digit(p[i]) && ni + nf < 18) {
            v = v * 10 + (p[i++] - '0');
            nf++;
        }
        if (nf == 0)
            return false;
    }
    if (i != n || nf > scale || ni + scale > 18)
        return false;
    v *= pow10_i64[scale - nf];
    if (v >= pow10_i64[prec < 18 ? prec : 18] && prec < 18)
        return false; /* let the general parser report the overflow */
    *out = neg ? -(i128)v : (i128)v;
    return true;
}

const char *textconv_decimal(const RtType *t, const char *p, size_t n,
                             i128 *out)
{
    int prec = t->precision > 0 && t->precision <= DEC_MAX_PRECISION
                   ? t->precision
                   : DEC_MAX_PRECISION;
    int scale = t->scale >= 0 && t->scale <= prec ? t->scale : 0;
    if (decimal_fast(p, n, prec, scale, out))
        return NULL;
    switch (decimal_parse(p, n, prec, scale, out)) {
    case DEC_OK:
        return NULL;
    case DEC_OVERFLOW:
        return "out of range for the DECIMAL precision";
    default:
        return "not a decimal number";
    }
}

static bool all_digits(const char *p, size_t n)
{
    size_t i = (n && (p[0] == '-' || p[0] == '+')) ? 1 : 0;
    if (i >= n)
        return false;
    for (; i < n; i++)
        if (!is_digit(p[i]))
            return false;
    return true;
}

static inline int dig2(const char *p)
{
    return (p[0] - '0') * 10 + (p[1] - '0');
}

static inline uint64_t load8(const char *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

/* Eight bytes at once (little-endian words): are the bytes where dmask is
 * 0xFF ASCII digits and every other byte equal to the one in sep?  The
 * separator test comes first, so the addition below cannot carry from a
 * byte into the next (digits and separators are all below 0xFA). */
static inline bool word_shape(uint64_t w, uint64_t dmask, uint64_t sep)
{
    const uint64_t hi4 = 0xF0F0F0F0F0F0F0F0ULL;
    uint64_t t = 0x3030303030303030ULL & dmask;
    return (w & ~dmask) == sep && (w & dmask & hi4) == t &&
           ((w + 0x0606060606060606ULL) & dmask & hi4) == t;
}

#define SEP(c, i) ((uint64_t)(unsigned char)(c) << (8 * (i)))

/* Fast path for exactly 'yyyy-mm-dd hh:mm:ss.fff' and 'yyyy-mm-dd
 * hh:mm:ss' (or with 'T'), the forms fsql and Flink write; everything else
 * goes to time_parse_iso().  The shape is checked a word at a time. */
static bool timestamp_fast(const char *p, size_t n, int64_t *out)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (n != 23 && n != 19)
        return false;
    uint64_t w1 = load8(p + 8);
    if (((w1 >> 16) & 0xFF) == 'T')
        w1 ^= SEP('T' ^ ' ', 2);
    if (!word_shape(load8(p), 0x00FFFF00FFFFFFFFULL,
                    SEP('-', 4) | SEP('-', 7)) ||
        !word_shape(w1, 0xFFFF00FFFF00FFFFULL, SEP(' ', 2) | SEP(':', 5)))
        return false;
    int ms = 0;
    if (n == 23) {
        if (!word_shape(load8(p + 15), 0xFFFFFF00FFFF00FFULL,
                        SEP(':', 1) | SEP('.', 4)))
            return false;
        ms = dig2(p + 20) * 10 + (p[22] - '0');
    } else if (!word_shape(load8(p + 11), 0xFFFF00FFFF00FFFFULL,
                           SEP(':', 2) | SEP(':', 5))) {
        return false;
    }
#else
    static const char shape[] = "dddd-dd-dd?dd:dd:dd.ddd";
    if (n != 23)
        return false;
    for (size_t i = 0; i < 23; i++) {
        if (shape[i] == 'd') {
            if (!is_digit(p[i]))
                return false;
        } else if (shape[i] == '?') {
            if (p[i] != ' ' && p[i] != 'T')
                return false;
        } else if (p[i] != shape[i]) {
            return false;
        }
    }
    int ms = dig2(p + 20) * 10 + (p[22] - '0');
#endif
    int y = dig2(p) * 100 + dig2(p + 2), mo = dig2(p + 5), d = dig2(p + 8);
    int h = dig2(p + 11), mi = dig2(p + 14), s = dig2(p + 17);
    if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59 ||
        (d > 28 && d > time_days_in_month(y, mo)))
        return false;
    *out = time_days_from_civil(y, mo, d) * MS_PER_DAY + h * MS_PER_HOUR +
           mi * MS_PER_MINUTE + s * MS_PER_SECOND + ms;
    return true;
}

#undef SEP

static const char *parse_timestamp(const RtType *t, const char *p, size_t n,
                                   const TimeZone *tz, int64_t *out)
{
    if (timestamp_fast(p, n, out)) {
        if (t->kind == VK_TIMESTAMP_LTZ && tz)
            *out = tz_local_to_utc(tz, *out);
        return NULL;
    }
    trim(&p, &n);
    if (all_digits(p, n)) {
        /* years 0000 to 9999 (Flink's TIMESTAMP range): beyond them the
         * zone arithmetic would overflow and the text would not read
         * back (found by tests/fuzz/fuzz_textconv.c) */
        bool overflow;
        if (parse_i64(p, n, out, &overflow) || *out < -62167219200000LL ||
            *out > 253402300799999LL)
            return "epoch milliseconds out of range";
        return NULL;
    }
    int64_t wall;
    bool has_off;
    int32_t off;
    if (!time_parse_iso(p, n, &wall, &has_off, &off))
        return "not a timestamp ('yyyy-mm-dd hh:mm:ss[.fff]', ISO-8601 or "
               "epoch milliseconds)";
    if (t->kind == VK_TIMESTAMP_LTZ) {
        if (has_off)
            wall -= (int64_t)off * 1000;
        else if (tz)
            wall = tz_local_to_utc(tz, wall);
    }
    *out = wall;
    return NULL;
}

static const signed char b64_val[256] = {
#define N -1
    N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,
    N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,
    N,  N,  N,  N,  N,  62, N,  62, N,  63, 52, 53, 54, 55, 56, 57, 58, 59, 60,
    61, N,  N,  N,  N,  N,  N,  N,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10,
    11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, N,  N,  N,  N,
    63, N,  26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42,
    43, 44, 45, 46, 47, 48, 49, 50, 51, N,  N,  N,  N,  N,  N,  N,  N,  N,  N,
    N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,
    N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,
    N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,
    N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,
    N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,
    N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,  N,
    N,  N,  N,  N,  N,  N,  N,  N,  N,
#undef N
};

bool textconv_base64_decode(const char *p, size_t n, char *dst, size_t *dst_len)
{
    /* '-' and '_' (URL-safe alphabet) are accepted as well. */
    while (n && p[n - 1] == '=')
        n--;
    if (n % 4 == 1)
        return false;
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int v = b64_val[(unsigned char)p[i]];
        if (v < 0)
            return false;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            dst[o++] = (char)((acc >> bits) & 0xFF);
        }
    }
    *dst_len = o;
    return true;
}

const char *textconv_value(const RtType *t, const char *p, size_t n, Arena *a,
                           const TimeZone *tz, Value *v)
{
    const char *why = NULL;
    v->kind = (uint8_t)t->kind;
    v->is_null = false;
    v->u.d.hi = 0;
    v->u.d.lo = 0;
    switch (t->kind) {
    case VK_BOOL: {
        bool b = false;
        why = textconv_bool(p, n, &b);
        v->u.i = b;
        break;
    }
    case VK_INT:
    case VK_INTERVAL_MS:
    case VK_INTERVAL_MONTHS:
        why = textconv_int(t, p, n, &v->u.i);
        break;
    case VK_DOUBLE:
        why = textconv_double(p, n, &v->u.f);
        if (!why && t->sql_kind == RT_SQL_FLOAT)
            v->u.f = (double)(float)v->u.f;
        break;
    case VK_DECIMAL: {
        i128 x = 0;
        why = textconv_decimal(t, p, n, &x);
        if (!why)
            value_set_dec(v, x);
        break;
    }
    case VK_STRING:
        if (n > UINT32_MAX)
            return "string too long";
        v->u.s.ptr = p;
        v->u.s.len = (uint32_t)n;
        break;
    case VK_BYTES: {
        if (t->sql_kind == RT_SQL_MAP)
            return "not a JSON object"; /* json.c reads objects */
        char *dst = arena_alloc(a, n / 4 * 3 + 3);
        size_t len = 0;
        if (!textconv_base64_decode(p, n, dst, &len))
            return "not base64";
        v->u.s.ptr = dst;
        v->u.s.len = (uint32_t)len;
        break;
    }
    case VK_DATE: {
        int32_t days = 0;
        trim(&p, &n);
        if (!time_parse_date(p, n, &days))
            return "not a date ('yyyy-mm-dd')";
        v->u.i = days;
        break;
    }
    case VK_TIME: {
        int32_t ms = 0;
        trim(&p, &n);
        if (!time_parse_time(p, n, &ms))
            return "not a time ('hh:mm:ss[.fff]')";
        v->u.i = ms;
        break;
    }
    case VK_TIMESTAMP:
    case VK_TIMESTAMP_LTZ:
        why = parse_timestamp(t, p, n, tz, &v->u.i);
        break;
    default:
        return "type not supported by this format";
    }
    return why;
}
