/*
 * decimal.c - exact DECIMAL(p, s) arithmetic (see decimal.h).
 *
 * Values are unscaled i128 integers.  Operations work on magnitudes and a
 * sign; where an intermediate can exceed 128 bits (products, aligned
 * operands, scaled dividends) they use the small unsigned 256-bit type
 * U256 below.  Rounding is HALF_UP on magnitudes, which is Java's
 * RoundingMode.HALF_UP (ties away from zero).  The results follow Flink's
 * DecimalDataUtils: the exact result is rounded to the target scale and
 * must then have at most p digits, otherwise the operation overflows.
 */
#include "runtime/fsql.h"
#include "runtime/decimal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- 10^n -------------------------------------------------------------- */

static u128 pow10_tab[39];
static bool pow10_ready;

static void pow10_init(void)
{
    u128 x = 1;
    for (int i = 0; i <= 38; i++) {
        pow10_tab[i] = x;
        x *= 10;
    }
    pow10_ready = true;
}

static inline u128 p10(int n)
{
    if (unlikely(!pow10_ready))
        pow10_init();
    return pow10_tab[n];
}

i128 decimal_pow10(int n)
{
    FSQL_ASSERT(n >= 0 && n <= 38);
    return (i128)p10(n);
}

static inline u128 mag(i128 v)
{
    return v < 0 ? (u128)0 - (u128)v : (u128)v;
}

static inline int clamp_p(int p)
{
    return p < 1 ? 1 : (p > DEC_MAX_PRECISION ? DEC_MAX_PRECISION : p);
}

bool decimal_fits(i128 v, int precision)
{
    return mag(v) < p10(clamp_p(precision));
}

static int u128_digits(u128 m)
{
    int d = 1;
    while (d < 39 && m >= p10(d))
        d++;
    return d;
}

int decimal_digits(i128 v)
{
    return u128_digits(mag(v));
}

/* ---- 256-bit unsigned helpers ------------------------------------------ */

typedef struct U256 {
    u128 hi;
    u128 lo;
} U256;

static inline U256 u256(u128 lo)
{
    U256 r = {0, lo};
    return r;
}

static inline bool u256_is_zero(U256 x)
{
    return x.hi == 0 && x.lo == 0;
}

static inline int u256_cmp(U256 a, U256 b)
{
    if (a.hi != b.hi)
        return a.hi < b.hi ? -1 : 1;
    if (a.lo != b.lo)
        return a.lo < b.lo ? -1 : 1;
    return 0;
}

static inline U256 u256_add(U256 a, U256 b, bool *ovf)
{
    U256 r;
    r.lo = a.lo + b.lo;
    u128 c = r.lo < a.lo;
    r.hi = a.hi + b.hi + c;
    if (r.hi < a.hi || (r.hi == a.hi && c))
        *ovf = true;
    return r;
}

static inline U256 u256_sub(U256 a, U256 b) /* a >= b, or wraps */
{
    U256 r;
    r.lo = a.lo - b.lo;
    r.hi = a.hi - b.hi - (a.lo < b.lo);
    return r;
}

static U256 u256_mul128(u128 a, u128 b)
{
    const u128 m64 = ((u128)1 << 64) - 1;
    uint64_t a0 = (uint64_t)a, a1 = (uint64_t)(a >> 64);
    uint64_t b0 = (uint64_t)b, b1 = (uint64_t)(b >> 64);
    u128 p00 = (u128)a0 * b0;
    u128 p01 = (u128)a0 * b1;
    u128 p10v = (u128)a1 * b0;
    u128 p11 = (u128)a1 * b1;
    u128 mid = (p00 >> 64) + (p01 & m64) + (p10v & m64);
    U256 r;
    r.lo = (p00 & m64) | (mid << 64);
    r.hi = p11 + (p01 >> 64) + (p10v >> 64) + (mid >> 64);
    return r;
}

/* x * m, setting *ovf when the product needs more than 256 bits. */
static U256 u256_mul(U256 x, u128 m, bool *ovf)
{
    U256 lo = u256_mul128(x.lo, m);
    if (x.hi == 0)
        return lo;
    U256 hi = u256_mul128(x.hi, m);
    if (hi.hi != 0)
        *ovf = true;
    U256 r;
    r.lo = lo.lo;
    r.hi = lo.hi + hi.lo;
    if (r.hi < lo.hi)
        *ovf = true;
    return r;
}

static U256 u256_mul_pow10(U256 x, int k, bool *ovf)
{
    while (k > 0 && !*ovf) {
        int step = k > 38 ? 38 : k;
        x = u256_mul(x, p10(step), ovf);
        k -= step;
    }
    return x;
}

static inline U256 u256_shl1(U256 x)
{
    U256 r;
    r.hi = (x.hi << 1) | (x.lo >> 127);
    r.lo = x.lo << 1;
    return r;
}

static int u256_bitlen(U256 x)
{
    if (x.hi) {
        uint64_t h = (uint64_t)(x.hi >> 64);
        if (h)
            return 192 + 64 - __builtin_clzll(h);
        return 128 + 64 - __builtin_clzll((uint64_t)x.hi);
    }
    uint64_t h = (uint64_t)(x.lo >> 64);
    if (h)
        return 64 + 64 - __builtin_clzll(h);
    uint64_t l = (uint64_t)x.lo;
    return l ? 64 - __builtin_clzll(l) : 0;
}

static inline bool u256_bit(U256 x, int i)
{
    return i >= 128 ? (bool)((x.hi >> (i - 128)) & 1) : (bool)((x.lo >> i) & 1);
}

/* q = n / d, r = n % d; d != 0. */
static void u256_divmod(U256 n, U256 d, U256 *q, U256 *r)
{
    if (d.hi == 0 && (d.lo >> 64) == 0) {
        /* one-limb divisor: schoolbook over four 64-bit limbs */
        uint64_t dv = (uint64_t)d.lo;
        uint64_t limb[4] = {(uint64_t)n.lo, (uint64_t)(n.lo >> 64),
                            (uint64_t)n.hi, (uint64_t)(n.hi >> 64)};
        uint64_t ql[4];
        u128 rem = 0;
        for (int i = 3; i >= 0; i--) {
            u128 cur = (rem << 64) | limb[i];
            ql[i] = (uint64_t)(cur / dv);
            rem = cur % dv;
        }
        q->lo = ((u128)ql[1] << 64) | ql[0];
        q->hi = ((u128)ql[3] << 64) | ql[2];
        *r = u256(rem);
        return;
    }
    if (n.hi == 0) {
        if (d.hi != 0) {
            *q = u256(0);
            *r = n;
        } else {
            *q = u256(n.lo / d.lo);
            *r = u256(n.lo % d.lo);
        }
        return;
    }
    /* rare: binary long division */
    U256 qq = u256(0), rr = u256(0);
    for (int i = u256_bitlen(n) - 1; i >= 0; i--) {
        bool top = (rr.hi >> 127) != 0;
        rr = u256_shl1(rr);
        if (u256_bit(n, i))
            rr.lo |= 1;
        if (top || u256_cmp(rr, d) >= 0) {
            rr = u256_sub(rr, d);
            if (i >= 128)
                qq.hi |= (u128)1 << (i - 128);
            else
                qq.lo |= (u128)1 << i;
        }
    }
    *q = qq;
    *r = rr;
}

/* round_half_up(n / d) */
static U256 u256_div_round(U256 n, U256 d)
{
    U256 q, r;
    u256_divmod(n, d, &q, &r);
    /* 2r >= d  <=>  r >= d - r */
    if (!u256_is_zero(r) && u256_cmp(r, u256_sub(d, r)) >= 0) {
        bool ovf = false;
        q = u256_add(q, u256(1), &ovf);
    }
    return q;
}

/* A magnitude m at scale `from` (may be negative) becomes DECIMAL(p, s),
 * HALF_UP. */
static DecStatus mag_finish(bool neg, U256 m, int from, int p, int s, i128 *out)
{
    p = clamp_p(p);
    if (s >= from) {
        int k = s - from;
        if (!u256_is_zero(m) && k > 0) {
            if (k > 77)
                return DEC_OVERFLOW;
            if (m.hi == 0 && k <= 38) {
                u128 prod;
                if (__builtin_mul_overflow(m.lo, p10(k), &prod))
                    return DEC_OVERFLOW;
                m.lo = prod;
            } else {
                bool ovf = false;
                m = u256_mul_pow10(m, k, &ovf);
                if (ovf)
                    return DEC_OVERFLOW;
            }
        }
    } else {
        int k = from - s;
        if (k > 77) {
            m = u256(0);
        } else if (m.hi == 0 && k <= 38) {
            u128 d = p10(k);
            u128 q = m.lo / d, r = m.lo % d;
            if (r >= d - r)
                q++;
            m.lo = q;
        } else {
            bool ovf = false;
            m = u256_div_round(m, u256_mul_pow10(u256(1), k, &ovf));
        }
    }
    if (m.hi != 0 || m.lo >= p10(p))
        return DEC_OVERFLOW;
    *out = neg ? -(i128)m.lo : (i128)m.lo;
    return DEC_OK;
}

/* ---- parse / format ---------------------------------------------------- */

static inline bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

DecStatus decimal_parse(const char *s, size_t n, int p, int scale, i128 *out)
{
    const char *e = s + n;
    while (s < e && is_blank(*s))
        s++;
    while (e > s && is_blank(e[-1]))
        e--;
    bool neg = false;
    if (s < e && (*s == '+' || *s == '-')) {
        neg = *s == '-';
        s++;
    }
    const char *ib = s;
    while (s < e && *s >= '0' && *s <= '9')
        s++;
    const char *ie = s;
    const char *fb = s, *fe = s;
    if (s < e && *s == '.') {
        s++;
        fb = s;
        while (s < e && *s >= '0' && *s <= '9')
            s++;
        fe = s;
    }
    int64_t ni = ie - ib, nf = fe - fb;
    if (ni + nf == 0)
        return DEC_SYNTAX;
    int64_t exp = 0;
    if (s < e && (*s == 'e' || *s == 'E')) {
        s++;
        bool eneg = false;
        if (s < e && (*s == '+' || *s == '-')) {
            eneg = *s == '-';
            s++;
        }
        if (s >= e || *s < '0' || *s > '9')
            return DEC_SYNTAX;
        while (s < e && *s >= '0' && *s <= '9') {
            if (exp < 100000000)
                exp = exp * 10 + (*s - '0');
            s++;
        }
        if (eneg)
            exp = -exp;
    }
    if (s != e)
        return DEC_SYNTAX;

        /* digit i of the concatenated integer and fraction digits */
#define DIGIT_AT(i) ((i) < ni ? ib[(i)] - '0' : fb[(i)-ni] - '0')
    int64_t nd = ni + nf, f = 0;
    while (f < nd && DIGIT_AT(f) == 0)
        f++;
    if (f == nd) {
        *out = 0;
        return DEC_OK;
    }
    int64_t sig = nd - f;
    int64_t k = exp - nf + scale; /* value * 10^scale = DIGITS * 10^k */
    p = clamp_p(p);
    u128 m = 0;
    if (k >= 0) {
        if (sig + k > p)
            return DEC_OVERFLOW;
        for (int64_t i = f; i < nd; i++)
            m = m * 10 + (u128)DIGIT_AT(i);
        m *= p10((int)k);
    } else {
        int64_t keep = sig + k; /* digits left of the rounding point */
        if (keep > p)
            return DEC_OVERFLOW;
        if (keep >= 0) {
            for (int64_t i = 0; i < keep; i++)
                m = m * 10 + (u128)DIGIT_AT(f + i);
            if (DIGIT_AT(f + keep) >= 5)
                m++;
        }
        if (m >= p10(p))
            return DEC_OVERFLOW;
    }
#undef DIGIT_AT
    *out = neg ? -(i128)m : (i128)m;
    return DEC_OK;
}

/* Digits of m, most significant first, into buf; returns the count. */
static int u128_to_digits(char *buf, u128 m)
{
    char tmp[48];
    int n = 0;
    const uint64_t e19 = 10000000000000000000ULL;
    while (m >= e19) {
        uint64_t chunk = (uint64_t)(m % e19);
        m /= e19;
        for (int i = 0; i < 19; i++) {
            tmp[n++] = (char)('0' + chunk % 10);
            chunk /= 10;
        }
    }
    uint64_t x = (uint64_t)m;
    do {
        tmp[n++] = (char)('0' + x % 10);
        x /= 10;
    } while (x);
    for (int i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    return n;
}

size_t decimal_format(char *buf, i128 v, int scale)
{
    char dig[48];
    int nd = u128_to_digits(dig, mag(v));
    if (scale < 0)
        scale = 0;
    char *o = buf;
    if (v < 0)
        *o++ = '-';
    if (nd <= scale) {
        *o++ = '0';
        if (scale > 0) {
            *o++ = '.';
            for (int i = 0; i < scale - nd; i++)
                *o++ = '0';
            memcpy(o, dig, (size_t)nd);
            o += nd;
        }
    } else {
        int ip = nd - scale;
        memcpy(o, dig, (size_t)ip);
        o += ip;
        if (scale > 0) {
            *o++ = '.';
            memcpy(o, dig + ip, (size_t)scale);
            o += scale;
        }
    }
    *o = '\0';
    return (size_t)(o - buf);
}

void decimal_append(StrBuf *sb, i128 v, int scale)
{
    char buf[DEC_FORMAT_MAX];
    size_t n = decimal_format(buf, v, scale);
    strbuf_append(sb, buf, n);
}

/* ---- arithmetic -------------------------------------------------------- */

DecStatus decimal_rescale(i128 v, int from_scale, int p, int scale, i128 *out)
{
    return mag_finish(v < 0, u256(mag(v)), from_scale, p, scale, out);
}

/* sum of signed a (scale as) and b (scale bs) */
static DecStatus add_signed(i128 a, int as, i128 b, int bs, int p, int s,
                            i128 *out)
{
    if (as == bs) {
        i128 r;
        if (!__builtin_add_overflow(a, b, &r))
            return mag_finish(r < 0, u256(mag(r)), as, p, s, out);
    }
    int m = as > bs ? as : bs;
    bool ovf = false;
    U256 x = u256_mul_pow10(u256(mag(a)), m - as, &ovf);
    U256 y = u256_mul_pow10(u256(mag(b)), m - bs, &ovf);
    if (ovf)
        return DEC_OVERFLOW;
    bool xn = a < 0, yn = b < 0;
    U256 r;
    bool rn;
    if (xn == yn) {
        r = u256_add(x, y, &ovf);
        if (ovf)
            return DEC_OVERFLOW;
        rn = xn;
    } else if (u256_cmp(x, y) >= 0) {
        r = u256_sub(x, y);
        rn = xn;
    } else {
        r = u256_sub(y, x);
        rn = yn;
    }
    return mag_finish(rn, r, m, p, s, out);
}

DecStatus decimal_add(i128 a, int as, i128 b, int bs, int p, int s, i128 *out)
{
    return add_signed(a, as, b, bs, p, s, out);
}

DecStatus decimal_sub(i128 a, int as, i128 b, int bs, int p, int s, i128 *out)
{
    return add_signed(a, as, -b, bs, p, s, out);
}

DecStatus decimal_mul(i128 a, int as, i128 b, int bs, int p, int s, i128 *out)
{
    bool neg = (a < 0) != (b < 0);
    u128 ma = mag(a), mb = mag(b), prod;
    if (!__builtin_mul_overflow(ma, mb, &prod))
        return mag_finish(neg, u256(prod), as + bs, p, s, out);
    return mag_finish(neg, u256_mul128(ma, mb), as + bs, p, s, out);
}

DecStatus decimal_div(i128 a, int as, i128 b, int bs, int p, int s, i128 *out)
{
    if (b == 0)
        return DEC_DIVZERO;
    if (a == 0)
        return mag_finish(false, u256(0), 0, p, s, out);
    bool neg = (a < 0) != (b < 0);
    u128 ma = mag(a), mb = mag(b);
    int da = u128_digits(ma), db = u128_digits(mb);
    /* eab: number of integer digits of ma/mb (may be <= 0) */
    int e0 = da - db;
    bool ovf = false;
    int c;
    if (e0 >= 0)
        c = u256_cmp(u256(ma), u256_mul_pow10(u256(mb), e0, &ovf));
    else
        c = u256_cmp(u256_mul_pow10(u256(ma), -e0, &ovf), u256(mb));
    int eab = c >= 0 ? e0 + 1 : e0;
    /* quotient rounded to 38 significant digits (Flink's MathContext(38,
     * HALF_UP)); it is r1 at scale w */
    int shift = 38 - eab; /* 0 <= shift <= 75 */
    U256 num = u256_mul_pow10(u256(ma), shift, &ovf);
    FSQL_ASSERT(!ovf);
    U256 r1 = u256_div_round(num, u256(mb));
    int w = shift + as - bs; /* scale of r1 */
    /* then HALF_UP to s digits; when w < s the 38 digits are all
     * integral and padding them to scale s overflows in mag_finish */
    return mag_finish(neg, r1, w, p, s, out);
}

DecStatus decimal_mod(i128 a, int as, i128 b, int bs, int p, int s, i128 *out)
{
    if (b == 0)
        return DEC_DIVZERO;
    int m = as > bs ? as : bs;
    bool ovf = false;
    U256 x = u256_mul_pow10(u256(mag(a)), m - as, &ovf);
    U256 y = u256_mul_pow10(u256(mag(b)), m - bs, &ovf);
    FSQL_ASSERT(!ovf);
    U256 q, r;
    u256_divmod(x, y, &q, &r);
    return mag_finish(a < 0, r, m, p, s, out);
}

DecStatus decimal_from_i64(int64_t x, int p, int s, i128 *out)
{
    return mag_finish(x < 0, u256(mag((i128)x)), 0, p, s, out);
}

DecStatus decimal_to_i64(i128 v, int scale, int64_t *out)
{
    i128 q = v;
    if (scale > 0)
        q = scale > 38 ? 0 : v / (i128)p10(scale);
    else if (scale < 0) {
        if (v != 0 && -scale > 38)
            return DEC_OVERFLOW;
        if (v != 0 && __builtin_mul_overflow(v, (i128)p10(-scale), &q))
            return DEC_OVERFLOW;
    }
    if (q > INT64_MAX || q < INT64_MIN)
        return DEC_OVERFLOW;
    *out = (int64_t)q;
    return DEC_OK;
}

double decimal_to_double(i128 v, int scale)
{
    static const double p10d[] = {
        1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    u128 m = mag(v);
    if (m < ((u128)1 << 53) && scale >= 0 && scale <= 22)
        return (double)v / p10d[scale]; /* both exact: correctly rounded */
    char buf[DEC_FORMAT_MAX + 8];
    size_t n = decimal_format(buf, v, scale < 0 ? 0 : scale);
    if (scale < 0) {
        buf[n++] = 'e';
        buf[n++] = '0' + (char)((-scale) / 10);
        buf[n++] = '0' + (char)((-scale) % 10);
        buf[n] = '\0';
    }
    return strtod(buf, NULL);
}

int decimal_shortest_digits(double d, bool is_float, char *digits, int *exp10)
{
    char buf[48];
    double ad = fabs(d);
    float af = (float)ad;
    if (is_float)
        ad = (double)af;
    /* Fast path for everyday values: find the fewest fraction digits k
     * such that r = round(|d| * 10^k) reads back, checked exactly:
     * r < 10^15 and 10^k are exact doubles, so r / 10^k is the double
     * nearest r * 10^-k, i.e. what reading the digits would give.  With
     * at most 15 digits the candidate round() picks is the only one that
     * can read back, so the first k that works gives the shortest. */
    if (!is_float && ad >= 1e-3 && ad < 1e15) {
        static const double p10d[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,
                                      1e7,  1e8,  1e9,  1e10, 1e11, 1e12, 1e13,
                                      1e14, 1e15, 1e16, 1e17, 1e18};
        for (int k = 0; k <= 18; k++) {
            double x = ad * p10d[k];
            if (x >= 1e15)
                break;
            double r = floor(x + 0.5);
            if (r / p10d[k] == ad) {
                char tmp[24];
                int n = 0;
                uint64_t m = (uint64_t)r;
                while (m) {
                    tmp[n++] = (char)('0' + m % 10);
                    m /= 10;
                }
                int e = n - k;
                int z = 0;
                while (z < n - 1 && tmp[z] == '0')
                    z++;
                int nd = 0;
                for (int i = n - 1; i >= z; i--)
                    digits[nd++] = tmp[i];
                *exp10 = e;
                return nd;
            }
        }
    }
    int lo, hi;
    /* In the normal range the correctly rounded 15 (6) digits read back
     * whenever any shorter string does, so the search can start there;
     * subnormals need the full search. */
    if (is_float) {
        lo = af < 1.17549435e-38f ? 1 : 6;
        hi = 9;
    } else {
        lo = ad < 2.2250738585072014e-308 ? 1 : 15;
        hi = 17;
    }
    int prec = hi;
    for (int k = lo; k <= hi; k++) {
        snprintf(buf, sizeof buf, "%.*e", k - 1, ad);
        bool ok = is_float ? strtof(buf, NULL) == af : strtod(buf, NULL) == ad;
        if (ok) {
            prec = k;
            break;
        }
    }
    if (prec == hi)
        snprintf(buf, sizeof buf, "%.*e", hi - 1, ad);
    /* buf is "D.DDDDe[+-]XX" */
    int nd = 0;
    const char *q = buf;
    for (; *q && *q != 'e'; q++)
        if (*q >= '0' && *q <= '9')
            digits[nd++] = *q;
    int x = atoi(q + 1);
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    if (nd == 1) {
        /* Java also weighs two-digit candidates when one digit suffices
         * and takes the closest (4.9E-324 rather than 5.0E-324). */
        snprintf(buf, sizeof buf, "%.1e", ad);
        bool ok = is_float ? strtof(buf, NULL) == af : strtod(buf, NULL) == ad;
        if (ok && buf[2] != '0') {
            digits[0] = buf[0];
            digits[1] = buf[2];
            nd = 2;
            x = atoi(buf + 4);
        }
    }
    *exp10 = x + 1;
    return nd;
}

DecStatus decimal_from_double(double d, int p, int s, i128 *out)
{
    if (isnan(d) || isinf(d))
        return DEC_SYNTAX;
    if (d == 0)
        return mag_finish(false, u256(0), 0, p, s, out);
    char buf[64];
    char dig[24];
    int e10;
    int nd = decimal_shortest_digits(d, false, dig, &e10);
    size_t n = 0;
    if (d < 0)
        buf[n++] = '-';
    buf[n++] = '0';
    buf[n++] = '.';
    memcpy(buf + n, dig, (size_t)nd);
    n += (size_t)nd;
    buf[n++] = 'e';
    int ae = e10 < 0 ? -e10 : e10;
    if (e10 < 0)
        buf[n++] = '-';
    char eb[8];
    int ne = 0;
    do {
        eb[ne++] = (char)('0' + ae % 10);
        ae /= 10;
    } while (ae);
    while (ne)
        buf[n++] = eb[--ne];
    return decimal_parse(buf, n, p, s, out);
}

/* ---- compare / hash ---------------------------------------------------- */

int decimal_cmp(i128 a, int as, i128 b, int bs)
{
    if (as == bs)
        return (a > b) - (a < b);
    int sa = (a > 0) - (a < 0), sb = (b > 0) - (b < 0);
    if (sa != sb)
        return sa < sb ? -1 : 1;
    if (sa == 0)
        return 0;
    int m = as > bs ? as : bs;
    bool ovf = false;
    U256 x = u256_mul_pow10(u256(mag(a)), m - as, &ovf);
    U256 y = u256_mul_pow10(u256(mag(b)), m - bs, &ovf);
    int c = u256_cmp(x, y);
    return sa > 0 ? c : -c;
}

uint64_t decimal_hash(i128 v, int scale)
{
    /* normalise: strip trailing zeros down to scale 0 */
    if (v != 0) {
        if (v >= INT64_MIN && v <= INT64_MAX) {
            int64_t x = (int64_t)v;
            while (scale > 0 && x % 10 == 0) {
                x /= 10;
                scale--;
            }
            v = x;
        } else {
            while (scale > 0 && v % 10 == 0) {
                v /= 10;
                scale--;
            }
        }
    } else {
        scale = 0;
    }
    if (scale < 0) {
        /* negative scales come only from ROUND(x, -n) internals */
        scale = 0;
    }
    u128 u = (u128)v;
    uint64_t h = (uint64_t)u * 0x9E3779B97F4A7C15ULL;
    h ^= (uint64_t)(u >> 64) + 0x632BE59BD9B4E019ULL + (h << 6) + (h >> 2);
    h ^= (uint64_t)scale * 0xC2B2AE3D27D4EB4FULL;
    h ^= h >> 31;
    h *= 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 29;
    return h;
}

/* ---- rounding functions ------------------------------------------------ */

/* |v| at scale `scale` cut to n fraction digits: HALF_UP (round) or
 * toward zero; the result is a magnitude at scale n. */
static u128 cut_digits(u128 m, int scale, int n, bool round)
{
    int k = scale - n; /* > 0 */
    if (k > 38)
        return 0;
    u128 d = p10(k);
    u128 q = m / d, r = m % d;
    if (round && r >= d - r)
        q++;
    return q;
}

DecStatus decimal_round(i128 v, int scale, int n, int p, int s, i128 *out)
{
    if (n >= scale)
        return decimal_rescale(v, scale, p, s, out);
    u128 q = cut_digits(mag(v), scale, n, true);
    return mag_finish(v < 0, u256(q), n, p, s, out);
}

DecStatus decimal_truncate(i128 v, int scale, int n, int p, int s, i128 *out)
{
    if (n >= scale)
        return decimal_rescale(v, scale, p, s, out);
    u128 q = cut_digits(mag(v), scale, n, false);
    return mag_finish(v < 0, u256(q), n, p, s, out);
}

static DecStatus floor_ceil(i128 v, int scale, int p, int s, bool ceil,
                            i128 *out)
{
    if (scale <= 0)
        return decimal_rescale(v, scale, p, s, out);
    u128 m = mag(v);
    u128 d = scale > 38 ? 0 : p10(scale);
    u128 q = d ? m / d : 0;
    bool exact = d ? m % d == 0 : m == 0;
    /* toward -inf for floor, +inf for ceil: away from zero when the sign
     * points that way */
    if (!exact && ((v < 0) != ceil))
        q++;
    return mag_finish(v < 0, u256(q), 0, p, s, out);
}

DecStatus decimal_floor(i128 v, int scale, int p, int s, i128 *out)
{
    return floor_ceil(v, scale, p, s, false, out);
}

DecStatus decimal_ceil(i128 v, int scale, int p, int s, i128 *out)
{
    return floor_ceil(v, scale, p, s, true, out);
}
