/*
 * value.c - text and JSON formatting, comparison, hashing and copying of
 * Values (see value_ops.h; the text forms are tabulated in docs/types.md).
 *
 * Digits are written by hand; the only printf-family call is inside the
 * shortest-double search of decimal_shortest_digits, and integral doubles
 * below 10^15 bypass it.
 */
#include "runtime/fsql.h"
#include "runtime/value_ops.h"
#include "runtime/decimal.h"
#include "runtime/value_map.h"

#include <math.h>
#include <string.h>

/* ---- integers ---------------------------------------------------------- */

size_t value_i64_to_chars(char *buf, int64_t x)
{
    char tmp[24];
    int n = 0;
    uint64_t u = x < 0 ? (uint64_t)0 - (uint64_t)x : (uint64_t)x;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    size_t k = 0;
    if (x < 0)
        buf[k++] = '-';
    while (n)
        buf[k++] = tmp[--n];
    return k;
}

void value_format_i64(StrBuf *out, int64_t x)
{
    char buf[24];
    strbuf_append(out, buf, value_i64_to_chars(buf, x));
}

/* ---- doubles (Java's Double.toString / Float.toString) ----------------- */

static void format_java_fp(StrBuf *out, double d, bool is_float)
{
    if (isnan(d)) {
        strbuf_append(out, "NaN", 3);
        return;
    }
    if (isinf(d)) {
        if (d < 0)
            strbuf_append(out, "-Infinity", 9);
        else
            strbuf_append(out, "Infinity", 8);
        return;
    }
    if (d == 0) {
        if (signbit(d))
            strbuf_append(out, "-0.0", 4);
        else
            strbuf_append(out, "0.0", 3);
        return;
    }
    double ad = fabs(d);
    char buf[48];
    size_t k = 0;
    if (d < 0)
        buf[k++] = '-';
    /* fast path: integral values in the plain range */
    if (ad < 1e7 && ad == floor(ad)) {
        k += value_i64_to_chars(buf + k, (int64_t)ad);
        buf[k++] = '.';
        buf[k++] = '0';
        strbuf_append(out, buf, k);
        return;
    }
    char dig[24];
    int e10;
    int nd = decimal_shortest_digits(d, is_float, dig, &e10);
    /* value = 0.DIG * 10^e10 */
    if (ad >= 1e-3 && ad < 1e7) {
        if (e10 <= 0) {
            buf[k++] = '0';
            buf[k++] = '.';
            for (int i = 0; i < -e10; i++)
                buf[k++] = '0';
            memcpy(buf + k, dig, (size_t)nd);
            k += (size_t)nd;
        } else if (e10 >= nd) {
            memcpy(buf + k, dig, (size_t)nd);
            k += (size_t)nd;
            for (int i = nd; i < e10; i++)
                buf[k++] = '0';
            buf[k++] = '.';
            buf[k++] = '0';
        } else {
            memcpy(buf + k, dig, (size_t)e10);
            k += (size_t)e10;
            buf[k++] = '.';
            memcpy(buf + k, dig + e10, (size_t)(nd - e10));
            k += (size_t)(nd - e10);
        }
    } else {
        buf[k++] = dig[0];
        buf[k++] = '.';
        if (nd == 1) {
            buf[k++] = '0';
        } else {
            memcpy(buf + k, dig + 1, (size_t)(nd - 1));
            k += (size_t)(nd - 1);
        }
        buf[k++] = 'E';
        k += value_i64_to_chars(buf + k, e10 - 1);
    }
    strbuf_append(out, buf, k);
}

void value_format_double(StrBuf *out, double d)
{
    format_java_fp(out, d, false);
}

void value_format_float(StrBuf *out, float f)
{
    format_java_fp(out, (double)f, true);
}

static inline bool is_float_type(const RtType *t)
{
    return t && t->sql_kind == RT_SQL_FLOAT;
}

/* ---- temporal text forms ----------------------------------------------- */

static int ts_precision(const RtType *t)
{
    int p = t ? t->precision : 3;
    if (p < 0)
        p = 3;
    return p > 9 ? 9 : p;
}

/* java.time LocalTime/LocalDateTime toString of the time part:
 * HH:mm, then :ss when seconds or fraction, fraction in 3 digits */
static void put_java_time(StrBuf *out, int64_t msod)
{
    char buf[TIME_FMT_TIME_MAX];
    size_t n = time_format_time(buf, (int32_t)msod, 3);
    /* buf = "hh:mm:ss.mmm" */
    if (msod % 60000 == 0)
        n = 5;
    else if (msod % 1000 == 0)
        n = 8;
    strbuf_append(out, buf, n);
}

static void put_java_datetime(StrBuf *out, int64_t ms)
{
    int64_t days = time_floor_div(ms, MS_PER_DAY);
    char buf[TIME_FMT_DATE_MAX];
    strbuf_append(out, buf, time_format_date(buf, (int32_t)days));
    strbuf_putc(out, 'T');
    put_java_time(out, ms - days * MS_PER_DAY);
}

/* Instant.toString: always seconds, fraction in groups of three, Z */
static void put_java_instant(StrBuf *out, int64_t ms)
{
    char buf[TIME_FMT_TIMESTAMP_MAX];
    size_t n = time_format_timestamp_p(buf, ms, ms % 1000 ? 3 : 0);
    buf[10] = 'T';
    strbuf_append(out, buf, n);
    strbuf_putc(out, 'Z');
}

/* Flink's formatIntervalDayTime: +d hh:mm:ss.fff */
static void put_interval_dt(StrBuf *out, int64_t v)
{
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    char buf[48];
    size_t k = 0;
    buf[k++] = v < 0 ? '-' : '+';
    uint64_t ms = a % 1000, s = a / 1000 % 60, m = a / 60000 % 60;
    uint64_t h = a / 3600000 % 24, d = a / 86400000;
    k += value_i64_to_chars(buf + k, (int64_t)d);
    buf[k++] = ' ';
    buf[k++] = (char)('0' + h / 10);
    buf[k++] = (char)('0' + h % 10);
    buf[k++] = ':';
    buf[k++] = (char)('0' + m / 10);
    buf[k++] = (char)('0' + m % 10);
    buf[k++] = ':';
    buf[k++] = (char)('0' + s / 10);
    buf[k++] = (char)('0' + s % 10);
    buf[k++] = '.';
    buf[k++] = (char)('0' + ms / 100);
    buf[k++] = (char)('0' + ms / 10 % 10);
    buf[k++] = (char)('0' + ms % 10);
    strbuf_append(out, buf, k);
}

/* Flink's formatIntervalYearMonth: +y-mm */
static void put_interval_ym(StrBuf *out, int64_t v)
{
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    strbuf_putc(out, v < 0 ? '-' : '+');
    value_format_i64(out, (int64_t)(a / 12));
    strbuf_putc(out, '-');
    strbuf_putc(out, (char)('0' + a % 12 / 10));
    strbuf_putc(out, (char)('0' + a % 12 % 10));
}

/* java.time.Duration.toString of v milliseconds */
static void put_java_duration(StrBuf *out, int64_t v)
{
    int64_t secs = time_floor_div(v, 1000);
    int64_t nanos = time_floor_mod(v, 1000) * 1000000;
    if (v == 0) {
        strbuf_append(out, "PT0S", 4);
        return;
    }
    int64_t eff = secs;
    if (secs < 0 && nanos > 0)
        eff++;
    int64_t hours = eff / 3600, minutes = eff % 3600 / 60, s = eff % 60;
    strbuf_append(out, "PT", 2);
    if (hours) {
        value_format_i64(out, hours);
        strbuf_putc(out, 'H');
    }
    if (minutes) {
        value_format_i64(out, minutes);
        strbuf_putc(out, 'M');
    }
    if (s == 0 && nanos == 0)
        return;
    if (secs < 0 && nanos > 0) {
        if (s == 0)
            strbuf_append(out, "-0", 2);
        else
            value_format_i64(out, s);
    } else {
        value_format_i64(out, s);
    }
    if (nanos > 0) {
        int64_t f = secs < 0 ? 2 * 1000000000LL - nanos : nanos + 1000000000LL;
        char buf[24];
        size_t n = value_i64_to_chars(buf, f);
        while (n > 1 && buf[n - 1] == '0')
            n--;
        buf[0] = '.';
        strbuf_append(out, buf, n);
    }
    strbuf_putc(out, 'S');
}

/* java.time.Period.toString of v months (normalised to years) */
static void put_java_period(StrBuf *out, int64_t v)
{
    if (v == 0) {
        strbuf_append(out, "P0D", 3);
        return;
    }
    int64_t y = v / 12, m = v % 12;
    strbuf_putc(out, 'P');
    if (y) {
        value_format_i64(out, y);
        strbuf_putc(out, 'Y');
    }
    if (m) {
        value_format_i64(out, m);
        strbuf_putc(out, 'M');
    }
}

/* BigDecimal.toString: scientific when the adjusted exponent < -6 */
static void put_java_bigdecimal(StrBuf *out, i128 v, int scale)
{
    int nd = decimal_digits(v);
    int adjusted = nd - 1 - scale;
    if (scale <= 0 || adjusted >= -6) {
        decimal_append(out, v, scale);
        return;
    }
    char buf[DEC_FORMAT_MAX];
    size_t n = decimal_format(buf, v, 0); /* the unscaled digits */
    size_t k = 0;
    char o[DEC_FORMAT_MAX + 16];
    size_t j = 0;
    if (buf[0] == '-')
        o[j++] = buf[k++];
    o[j++] = buf[k++];
    if (k < n) {
        o[j++] = '.';
        while (k < n)
            o[j++] = buf[k++];
    }
    o[j++] = 'E';
    j += value_i64_to_chars(o + j, adjusted);
    strbuf_append(out, o, j);
}

static const char hexd[] = "0123456789abcdef";

static void put_bytes_sql(StrBuf *out, const char *p, uint32_t n)
{
    strbuf_append(out, "x'", 2);
    strbuf_reserve(out, (size_t)n * 2);
    for (uint32_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        char two[2] = {hexd[c >> 4], hexd[c & 15]};
        strbuf_append(out, two, 2);
    }
    strbuf_putc(out, '\'');
}

static void put_bytes_java(StrBuf *out, const char *p, uint32_t n)
{
    strbuf_putc(out, '[');
    for (uint32_t i = 0; i < n; i++) {
        if (i)
            strbuf_append(out, ", ", 2);
        value_format_i64(out, (int8_t)p[i]);
    }
    strbuf_putc(out, ']');
}

/* ---- value_format ------------------------------------------------------ */

void value_format(StrBuf *out, const Value *v, const RtType *t,
                  const ValueFmt *f)
{
    ValueStyle style = f ? f->style : VALUE_STYLE_SQL;
    const TimeZone *tz = f ? f->tz : NULL;
    bool java = style == VALUE_STYLE_PRINT;
    if (v->is_null) {
        const char *nt =
            f && f->null_text ? f->null_text : (java ? "null" : "<NULL>");
        strbuf_puts(out, nt);
        return;
    }
    ValueKind k = t ? t->kind : (ValueKind)v->kind;
    char buf[TIME_FMT_TIMESTAMP_MAX];
    switch (k) {
    case VK_NULLTYPE:
        strbuf_puts(out, java ? "null" : "<NULL>");
        break;
    case VK_BOOL:
        if (java)
            strbuf_puts(out, v->u.i ? "true" : "false");
        else
            strbuf_puts(out, v->u.i ? "TRUE" : "FALSE");
        break;
    case VK_INT:
        value_format_i64(out, v->u.i);
        break;
    case VK_DOUBLE:
        format_java_fp(out, v->u.f, is_float_type(t));
        break;
    case VK_DECIMAL:
        if (java)
            put_java_bigdecimal(out, value_get_dec(v), t ? t->scale : 0);
        else
            decimal_append(out, value_get_dec(v), t ? t->scale : 0);
        break;
    case VK_STRING:
        strbuf_append(out, v->u.s.ptr, v->u.s.len);
        break;
    case VK_BYTES:
        if (rt_is_map(t))
            map_format(out, v, f);
        else if (java)
            put_bytes_java(out, v->u.s.ptr, v->u.s.len);
        else
            put_bytes_sql(out, v->u.s.ptr, v->u.s.len);
        break;
    case VK_DATE:
        strbuf_append(out, buf, time_format_date(buf, (int32_t)v->u.i));
        break;
    case VK_TIME:
        if (java) {
            put_java_time(out, time_floor_mod(v->u.i, MS_PER_DAY));
        } else {
            int p = t && t->precision >= 0 ? t->precision : 0;
            strbuf_append(out, buf, time_format_time(buf, (int32_t)v->u.i, p));
        }
        break;
    case VK_TIMESTAMP:
        if (java)
            put_java_datetime(out, v->u.i);
        else
            strbuf_append(
                out, buf,
                time_format_timestamp_p(buf, v->u.i, ts_precision(t)));
        break;
    case VK_TIMESTAMP_LTZ:
        if (java)
            put_java_instant(out, v->u.i);
        else
            strbuf_append(out, buf,
                          time_format_timestamp_p(buf,
                                                  tz_utc_to_local(tz, v->u.i),
                                                  ts_precision(t)));
        break;
    case VK_INTERVAL_MS:
        if (java)
            put_java_duration(out, v->u.i);
        else
            put_interval_dt(out, v->u.i);
        break;
    case VK_INTERVAL_MONTHS:
        if (java)
            put_java_period(out, v->u.i);
        else
            put_interval_ym(out, v->u.i);
        break;
    }
}

/* ---- JSON -------------------------------------------------------------- */

void value_json_escape(StrBuf *out, const char *p, size_t n)
{
    strbuf_reserve(out, n + 2);
    strbuf_putc(out, '"');
    size_t run = 0; /* start of the pending unescaped run */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        strbuf_append(out, p + run, i - run);
        run = i + 1;
        switch (c) {
        case '"':
            strbuf_append(out, "\\\"", 2);
            break;
        case '\\':
            strbuf_append(out, "\\\\", 2);
            break;
        case '\n':
            strbuf_append(out, "\\n", 2);
            break;
        case '\r':
            strbuf_append(out, "\\r", 2);
            break;
        case '\t':
            strbuf_append(out, "\\t", 2);
            break;
        case '\b':
            strbuf_append(out, "\\b", 2);
            break;
        case '\f':
            strbuf_append(out, "\\f", 2);
            break;
        default: {
            char u[6] = {'\\', 'u', '0', '0', hexd[c >> 4], hexd[c & 15]};
            strbuf_append(out, u, 6);
            break;
        }
        }
    }
    strbuf_append(out, p + run, n - run);
    strbuf_putc(out, '"');
}

static void put_base64(StrBuf *out, const char *p, uint32_t n)
{
    static const char tab[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *s = (const unsigned char *)p;
    strbuf_putc(out, '"');
    uint32_t i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t x =
            ((uint32_t)s[i] << 16) | ((uint32_t)s[i + 1] << 8) | s[i + 2];
        char q[4] = {tab[x >> 18], tab[(x >> 12) & 63], tab[(x >> 6) & 63],
                     tab[x & 63]};
        strbuf_append(out, q, 4);
    }
    if (n - i == 1) {
        uint32_t x = (uint32_t)s[i] << 16;
        char q[4] = {tab[x >> 18], tab[(x >> 12) & 63], '=', '='};
        strbuf_append(out, q, 4);
    } else if (n - i == 2) {
        uint32_t x = ((uint32_t)s[i] << 16) | ((uint32_t)s[i + 1] << 8);
        char q[4] = {tab[x >> 18], tab[(x >> 12) & 63], tab[(x >> 6) & 63],
                     '='};
        strbuf_append(out, q, 4);
    }
    strbuf_putc(out, '"');
}

void value_format_json(StrBuf *out, const Value *v, const RtType *t,
                       const ValueFmt *f)
{
    (void)f;
    if (v->is_null) {
        strbuf_append(out, "null", 4);
        return;
    }
    ValueKind k = t ? t->kind : (ValueKind)v->kind;
    char buf[TIME_FMT_TIMESTAMP_MAX + 2];
    size_t n;
    switch (k) {
    case VK_NULLTYPE:
        strbuf_append(out, "null", 4);
        break;
    case VK_BOOL:
        if (v->u.i)
            strbuf_append(out, "true", 4);
        else
            strbuf_append(out, "false", 5);
        break;
    case VK_INT:
    case VK_INTERVAL_MS:
    case VK_INTERVAL_MONTHS:
        value_format_i64(out, v->u.i);
        break;
    case VK_DOUBLE:
        if (isnan(v->u.f) || isinf(v->u.f)) {
            strbuf_putc(out, '"');
            format_java_fp(out, v->u.f, false);
            strbuf_putc(out, '"');
        } else {
            format_java_fp(out, v->u.f, is_float_type(t));
        }
        break;
    case VK_DECIMAL:
        decimal_append(out, value_get_dec(v), t ? t->scale : 0);
        break;
    case VK_STRING:
        value_json_escape(out, v->u.s.ptr, v->u.s.len);
        break;
    case VK_BYTES:
        if (rt_is_map(t))
            map_format_json(out, v, f);
        else
            put_base64(out, v->u.s.ptr, v->u.s.len);
        break;
    case VK_DATE:
        buf[0] = '"';
        n = 1 + time_format_date(buf + 1, (int32_t)v->u.i);
        buf[n++] = '"';
        strbuf_append(out, buf, n);
        break;
    case VK_TIME: {
        int p = t && t->precision >= 0 ? t->precision : 0;
        buf[0] = '"';
        n = 1 + time_format_time(buf + 1, (int32_t)v->u.i, p);
        buf[n++] = '"';
        strbuf_append(out, buf, n);
        break;
    }
    case VK_TIMESTAMP:
        buf[0] = '"';
        n = 1 + time_format_timestamp_p(buf + 1, v->u.i, ts_precision(t));
        buf[n++] = '"';
        strbuf_append(out, buf, n);
        break;
    case VK_TIMESTAMP_LTZ:
        buf[0] = '"';
        n = 1 + time_format_timestamp_p(buf + 1, v->u.i, ts_precision(t));
        buf[n++] = 'Z';
        buf[n++] = '"';
        strbuf_append(out, buf, n);
        break;
    }
}

/* ---- compare / equal / hash -------------------------------------------- */

static inline int cmp_i64(int64_t a, int64_t b)
{
    return (a > b) - (a < b);
}

static int cmp_double(double a, double b)
{
    bool an = isnan(a), bn = isnan(b);
    if (an || bn)
        return an && bn ? 0 : (an ? 1 : -1);
    return (a > b) - (a < b); /* -0.0 == 0.0 */
}

static int cmp_bytes(const Value *a, const Value *b)
{
    uint32_t n = a->u.s.len < b->u.s.len ? a->u.s.len : b->u.s.len;
    int c = n ? memcmp(a->u.s.ptr, b->u.s.ptr, n) : 0;
    if (c)
        return c < 0 ? -1 : 1;
    return (a->u.s.len > b->u.s.len) - (a->u.s.len < b->u.s.len);
}

int value_compare(const Value *a, const Value *b, const RtType *t)
{
    if (a->is_null || b->is_null)
        return a->is_null == b->is_null ? 0 : (a->is_null ? -1 : 1);
    ValueKind k = t ? t->kind : (ValueKind)a->kind;
    switch (k) {
    case VK_DOUBLE:
        return cmp_double(a->u.f, b->u.f);
    case VK_DECIMAL: {
        i128 x = value_get_dec(a), y = value_get_dec(b);
        return (x > y) - (x < y);
    }
    case VK_STRING:
    case VK_BYTES:
        return cmp_bytes(a, b);
    case VK_NULLTYPE:
        return 0;
    default:
        return cmp_i64(a->u.i, b->u.i);
    }
}

int value_compare_dec(const Value *a, int as, const Value *b, int bs)
{
    if (a->is_null || b->is_null)
        return a->is_null == b->is_null ? 0 : (a->is_null ? -1 : 1);
    return decimal_cmp(value_get_dec(a), as, value_get_dec(b), bs);
}

bool value_equal(const Value *a, const Value *b, const RtType *t)
{
    if (a->is_null || b->is_null)
        return a->is_null == b->is_null;
    ValueKind k = t ? t->kind : (ValueKind)a->kind;
    switch (k) {
    case VK_DOUBLE:
        return cmp_double(a->u.f, b->u.f) == 0;
    case VK_DECIMAL:
        return a->u.d.lo == b->u.d.lo && a->u.d.hi == b->u.d.hi;
    case VK_STRING:
    case VK_BYTES:
        return a->u.s.len == b->u.s.len &&
               (a->u.s.len == 0 ||
                memcmp(a->u.s.ptr, b->u.s.ptr, a->u.s.len) == 0);
    case VK_NULLTYPE:
        return true;
    default:
        return a->u.i == b->u.i;
    }
}

static inline uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xBF58476D1CE4E5B9ULL;
    x ^= x >> 27;
    x *= 0x94D049BB133111EBULL;
    x ^= x >> 31;
    return x;
}

uint64_t value_hash(const Value *v, const RtType *t)
{
    if (v->is_null)
        return 0x6A09E667F3BCC909ULL;
    ValueKind k = t ? t->kind : (ValueKind)v->kind;
    switch (k) {
    case VK_DOUBLE: {
        double d = v->u.f;
        uint64_t bits;
        if (isnan(d))
            bits = 0x7FF8000000000000ULL;
        else {
            if (d == 0)
                d = 0.0; /* -0.0 hashes as 0.0 */
            memcpy(&bits, &d, sizeof bits);
        }
        return mix64(bits);
    }
    case VK_DECIMAL:
        return decimal_hash(value_get_dec(v), t ? t->scale : 0);
    case VK_STRING:
    case VK_BYTES: {
        Str s = {v->u.s.ptr, v->u.s.len};
        return str_hash(s);
    }
    case VK_NULLTYPE:
        return 0x6A09E667F3BCC909ULL;
    default:
        return mix64((uint64_t)v->u.i);
    }
}

/* ---- lenient UTF-8 ------------------------------------------------------- */

bool value_append_utf8_lenient(StrBuf *out, const char *p, size_t n)
{
    const unsigned char *s = (const unsigned char *)p;
    bool valid = true;
    size_t run = 0; /* start of the pending valid run */
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        size_t ul = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2
                    : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
        bool ok = ul > 0 && i + ul <= n && utf8_valid(p + i, ul);
        if (ok) {
            i += ul;
            continue;
        }
        valid = false;
        strbuf_append(out, p + run, i - run);
        strbuf_append(out, "\xef\xbf\xbd", 3);
        run = ++i;
    }
    strbuf_append(out, p + run, n - run);
    return valid;
}

/* ---- copy ---------------------------------------------------------------- */

void value_copy_to(Arena *a, Value *dst, const Value *src)
{
    *dst = *src;
    if (src->is_null)
        return;
    if ((src->kind == VK_STRING || src->kind == VK_BYTES) && src->u.s.len) {
        char *p = arena_alloc(a, src->u.s.len);
        memcpy(p, src->u.s.ptr, src->u.s.len);
        dst->u.s.ptr = p;
    }
}
