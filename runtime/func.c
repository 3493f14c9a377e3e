/*
 * func.c - binding of built-in scalar functions to implementations, and
 * the numeric, temporal and miscellaneous implementations (string
 * functions are in func_str.c).
 *
 * func_bind() looks the name up in a table of (name, parameter kinds,
 * implementation) rows.  A row matches when every argument already has
 * the parameter's kind; failing that, the first row whose parameters the
 * arguments can be converted to (an integer to DOUBLE, a DATE to
 * TIMESTAMP, anything to STRING for CONCAT) is taken and the caller
 * inserts the conversions.  Implementations are therefore specialised:
 * ABS of a BIGINT, of a DOUBLE and of a DECIMAL are three functions.
 *
 * Parameter letters: S string, X string or bytes, I integer (BIGINT), F
 * DOUBLE, D DECIMAL (an integer is converted to DECIMAL(19, 0)), T
 * TIMESTAMP (DATE and TIMESTAMP_LTZ are converted), L TIMESTAMP_LTZ, A
 * DATE, M TIME, * anything; a trailing '+' repeats the last letter.
 *
 * Run-time behaviour (NULLs, errors, Flink's edge cases) is documented in
 * docs/functions.md, section "Run-time behaviour".
 */
#include "runtime/fsql.h"
#include "runtime/func.h"
#include "runtime/decimal.h"
#include "runtime/func_int.h"
#include "runtime/timeutil.h"
#include "runtime/value_ops.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* TypeKind values of compiler/types.h that func.c needs besides those in
 * value_ops.h (compiler/codegen_expr.c asserts they agree). */
#define SQLK_BOOLEAN 1
#define SQLK_DECIMAL 8
#define SQLK_VARCHAR 10
#define SQLK_DATE 13
#define SQLK_TIME 14
#define SQLK_TIMESTAMP 15
#define SQLK_TIMESTAMP_LTZ 16

/* ---- shared helpers ------------------------------------------------------- */

char *func_str_alloc(Value *dst, VmCtx *x, size_t n)
{
    char *p = n ? arena_alloc(x->a, n) : (char *)"";
    dst->kind = VK_STRING;
    dst->is_null = false;
    dst->u.s.ptr = p;
    dst->u.s.len = (uint32_t)n;
    return p;
}

/* A scratch buffer per thread for formatters that append to a StrBuf;
 * its bytes are copied into the batch arena, so nothing is allocated per
 * row once it has grown. */
static _Thread_local StrBuf scratch;

static StrBuf *scratch_get(void)
{
    strbuf_clear(&scratch);
    return &scratch;
}

static void scratch_to(Value *d, VmCtx *x)
{
    char *p = func_str_alloc(d, x, scratch.len);
    if (scratch.len)
        memcpy(p, scratch.ptr, scratch.len);
}

void func_to_string(Value *dst, const Value *v, const RtType *t, VmCtx *x)
{
    char buf[DEC_FORMAT_MAX];
    size_t n;
    switch (t->kind) {
    case VK_STRING:
    case VK_BYTES:
        *dst = *v;
        dst->kind = VK_STRING;
        return;
    case VK_INT:
        n = value_i64_to_chars(buf, v->u.i);
        break;
    case VK_DECIMAL:
        n = decimal_format(buf, value_get_dec(v), t->scale);
        break;
    case VK_DATE:
        n = time_format_date(buf, (int32_t)v->u.i);
        break;
    default: {
        ValueFmt f = {.tz = x->tz, .style = VALUE_STYLE_SQL, .null_text = NULL};
        value_format(scratch_get(), v, t, &f);
        scratch_to(dst, x);
        return;
    }
    }
    memcpy(func_str_alloc(dst, x, n), buf, n);
}

static const TimeZone *zone(const VmCtx *x)
{
    return x->tz ? x->tz : tz_utc();
}

static int ret_bits(const FuncSite *fs)
{
    switch (fs->ret.sql_kind) {
    case RT_SQL_TINYINT:
        return 8;
    case RT_SQL_SMALLINT:
        return 16;
    case RT_SQL_INT:
        return 32;
    default:
        return 64;
    }
}

static int64_t wrap(int64_t v, int bits)
{
    switch (bits) {
    case 8:
        return (int8_t)(uint8_t)v;
    case 16:
        return (int16_t)(uint16_t)v;
    case 32:
        return (int32_t)(uint32_t)v;
    default:
        return v;
    }
}

#define UNUSED3                                                                \
    (void)fs;                                                                  \
    (void)x;                                                                   \
    (void)regs

/* ---- math ------------------------------------------------------------------ */

static FUNC_DECL(fn_abs_i)
{
    UNUSED3;
    int64_t v = a[0].u.i;
    d->u.i = wrap(v < 0 ? (int64_t)(0 - (uint64_t)v) : v, ret_bits(fs));
}
static FUNC_DECL(fn_abs_f)
{
    UNUSED3;
    d->u.f = fabs(a[0].u.f);
}
static FUNC_DECL(fn_abs_d)
{
    UNUSED3;
    value_set_dec(d, decimal_abs(value_get_dec(&a[0])));
}
static FUNC_DECL(fn_sign_i)
{
    UNUSED3;
    d->u.i = (a[0].u.i > 0) - (a[0].u.i < 0);
}
static FUNC_DECL(fn_sign_f)
{
    UNUSED3;
    double v = a[0].u.f;
    d->u.f = (v != v || v == 0) ? v : (v > 0 ? 1.0 : -1.0);
}
static FUNC_DECL(fn_sign_d)
{
    UNUSED3;
    value_set_dec(d, decimal_sign(value_get_dec(&a[0])) *
                         decimal_pow10(fs->ret.scale));
}

/* Round an integer to 10^-n (n < 0), HALF_UP. */
static int64_t int_round(int64_t v, int64_t n, bool truncate)
{
    if (n >= 0)
        return v;
    if (n < -18)
        return 0;
    int64_t p = 1;
    for (int64_t i = 0; i < -n; i++)
        p *= 10;
    int64_t q = v / p, r = v % p;
    if (!truncate && (r < 0 ? -r : r) * 2 >= p)
        q += v < 0 ? -1 : 1;
    return (int64_t)((uint64_t)q * (uint64_t)p);
}

static FUNC_DECL(fn_round_i)
{
    UNUSED3;
    int64_t n = fs->n_args > 1 ? a[1].u.i : 0;
    d->u.i = wrap(int_round(a[0].u.i, n, fs->iarg), ret_bits(fs));
}

/* ROUND/TRUNCATE of a DOUBLE as Flink: through BigDecimal.valueOf (the
 * shortest decimal text of the double), HALF_UP, back to double. */
static FUNC_DECL(fn_round_f)
{
    UNUSED3;
    double v = a[0].u.f;
    int64_t n = fs->n_args > 1 ? a[1].u.i : 0;
    d->u.f = v;
    if (!isfinite(v) || n > 30)
        return;
    i128 q;
    int s = n < 0 ? 0 : (int)n;
    if (decimal_from_double(v, 38, s, &q) != DEC_OK) {
        if (decimal_from_double(v, 38, 0, &q) != DEC_OK)
            return; /* too large to have a fraction */
        s = 0;
    }
    if (fs->iarg) { /* TRUNCATE: cut toward zero instead */
        i128 t;
        if (decimal_from_double(v, 38, 17, &t) == DEC_OK &&
            decimal_truncate(t, 17, (int)n, 38, s, &q) != DEC_OK)
            return;
    }
    if (n < 0) {
        i128 r;
        if ((fs->iarg ? decimal_truncate(q, 0, (int)n, 38, 0, &r)
                      : decimal_round(q, 0, (int)n, 38, 0, &r)) != DEC_OK)
            return;
        q = r;
    }
    d->u.f = decimal_to_double(q, s);
}

static FUNC_DECL(fn_round_d)
{
    (void)x;
    (void)regs;
    int64_t n = fs->n_args > 1 ? a[1].u.i : 0;
    if (n > 38)
        n = 38;
    if (n < -38)
        n = -38;
    i128 q;
    DecStatus st =
        fs->iarg
            ? decimal_truncate(value_get_dec(&a[0]), fs->arg_types[0].scale,
                               (int)n, fs->ret.precision, fs->ret.scale, &q)
            : decimal_round(value_get_dec(&a[0]), fs->arg_types[0].scale,
                            (int)n, fs->ret.precision, fs->ret.scale, &q);
    if (st != DEC_OK)
        d->is_null = true;
    else
        value_set_dec(d, q);
}

static FUNC_DECL(fn_floor_i)
{
    UNUSED3;
    d->u.i = a[0].u.i;
}
static FUNC_DECL(fn_floor_f)
{
    UNUSED3;
    d->u.f = fs->iarg ? ceil(a[0].u.f) : floor(a[0].u.f);
}
static FUNC_DECL(fn_floor_d)
{
    (void)x;
    (void)regs;
    i128 q;
    DecStatus st =
        fs->iarg ? decimal_ceil(value_get_dec(&a[0]), fs->arg_types[0].scale,
                                fs->ret.precision, fs->ret.scale, &q)
                 : decimal_floor(value_get_dec(&a[0]), fs->arg_types[0].scale,
                                 fs->ret.precision, fs->ret.scale, &q);
    if (st != DEC_OK)
        d->is_null = true;
    else
        value_set_dec(d, q);
}

static FUNC_DECL(fn_mod_i)
{
    (void)regs;
    int64_t l = a[0].u.i, r = a[1].u.i;
    if (r == 0) {
        vm_error(x, fs->at, "division by zero");
        return;
    }
    d->u.i = wrap(r == -1 ? 0 : l % r, ret_bits(fs));
}
static FUNC_DECL(fn_mod_d)
{
    (void)regs;
    i128 q;
    DecStatus st = decimal_mod(value_get_dec(&a[0]), fs->arg_types[0].scale,
                               value_get_dec(&a[1]), fs->arg_types[1].scale,
                               fs->ret.precision, fs->ret.scale, &q);
    if (st == DEC_DIVZERO)
        vm_error(x, fs->at, "division by zero");
    else if (st != DEC_OK)
        d->is_null = true;
    else
        value_set_dec(d, q);
}

enum {
    M_SQRT,
    M_LN,
    M_LOG10,
    M_LOG2,
    M_EXP,
    M_SIN,
    M_COS,
    M_TAN,
    M_COT,
    M_ASIN,
    M_ACOS,
    M_ATAN,
    M_DEGREES,
    M_RADIANS
};

static FUNC_DECL(fn_math1)
{
    UNUSED3;
    double v = a[0].u.f, r;
    switch (fs->iarg) {
    case M_SQRT:
        r = sqrt(v);
        break;
    case M_LN:
        r = log(v);
        break;
    case M_LOG10:
        r = log10(v);
        break;
    case M_LOG2:
        r = log2(v);
        break;
    case M_EXP:
        r = exp(v);
        break;
    case M_SIN:
        r = sin(v);
        break;
    case M_COS:
        r = cos(v);
        break;
    case M_TAN:
        r = tan(v);
        break;
    case M_COT:
        r = 1.0 / tan(v);
        break;
    case M_ASIN:
        r = asin(v);
        break;
    case M_ACOS:
        r = acos(v);
        break;
    case M_ATAN:
        r = atan(v);
        break;
    case M_DEGREES:
        r = v * (180.0 / M_PI);
        break;
    default:
        r = v * (M_PI / 180.0);
        break;
    }
    d->u.f = r;
}

static FUNC_DECL(fn_power)
{
    UNUSED3;
    d->u.f = pow(a[0].u.f, a[1].u.f);
}
static FUNC_DECL(fn_log_base)
{
    UNUSED3;
    d->u.f = log(a[1].u.f) / log(a[0].u.f);
}
static FUNC_DECL(fn_atan2)
{
    UNUSED3;
    d->u.f = atan2(a[0].u.f, a[1].u.f);
}
static FUNC_DECL(fn_const_f)
{
    UNUSED3;
    (void)a;
    d->u.f = fs->iarg ? M_E : M_PI;
}

/* splitmix64 state for RAND/RAND_INTEGER/UUID. */
static uint64_t mix_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static _Thread_local uint64_t rand_state;

static uint64_t rand_u64(const FuncSite *fs, const Value *a, bool seeded,
                         Value *regs)
{
    if (seeded && fs->cache_reg != VM_NO_REG) {
        /* a per-site sequence from the seed */
        Value *cr = &regs[fs->cache_reg];
        uint64_t *st = func_cache_get(cr);
        if (!st) {
            st = xmalloc(sizeof(*st));
            *st = (uint64_t)a[0].u.i;
            func_cache_set(cr, st);
        }
        return mix_next(st);
    }
    if (!rand_state)
        rand_state = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)&rand_state;
    return mix_next(&rand_state);
}

static FUNC_DECL(fn_rand)
{
    (void)x;
    bool seeded = fs->n_args > 0 && !a[0].is_null;
    d->kind = VK_DOUBLE;
    d->is_null = false;
    d->u.f = (double)(rand_u64(fs, a, seeded, regs) >> 11) * 0x1.0p-53;
}

static FUNC_DECL(fn_rand_integer)
{
    (void)x;
    bool seeded = fs->n_args > 1 && !a[0].is_null;
    const Value *bound = &a[fs->n_args - 1];
    d->kind = VK_INT;
    if (bound->is_null || bound->u.i <= 0) {
        d->is_null = true;
        return;
    }
    d->is_null = false;
    d->u.i = (int64_t)(rand_u64(fs, a, seeded, regs) % (uint64_t)bound->u.i);
}

static void xfree_cache(void *p)
{
    xfree(p);
}

static FUNC_DECL(fn_uuid)
{
    (void)regs;
    (void)a;
    (void)fs;
    uint64_t h = rand_u64(fs, a, false, NULL), l = rand_u64(fs, a, false, NULL);
    h = (h & ~0xF000ull) | 0x4000ull;
    l = (l & ~(3ull << 62)) | (2ull << 62);
    static const char hx[] = "0123456789abcdef";
    char *o = func_str_alloc(d, x, 36);
    int k = 0;
    for (int i = 0; i < 32; i++) {
        if (i == 8 || i == 12 || i == 16 || i == 20)
            o[k++] = '-';
        uint64_t w = i < 16 ? h : l;
        int sh = (15 - (i & 15)) * 4;
        o[k++] = hx[(w >> sh) & 15];
    }
}

/* ---- temporal --------------------------------------------------------------- */

static FUNC_DECL(fn_date_format)
{
    (void)regs;
    StrBuf *sb = scratch_get();
    time_format_pattern(sb, a[0].u.i, a[1].u.s.ptr, a[1].u.s.len, x->tz);
    scratch_to(d, x);
    (void)fs;
}

static FUNC_DECL(fn_date_format_str)
{
    int64_t ms;
    if (!time_to_timestamp(a[0].u.s.ptr, a[0].u.s.len, &ms)) {
        d->is_null = true;
        return;
    }
    Value t = a[0];
    t.u.i = ms;
    Value args[2] = {t, a[1]};
    fn_date_format(fs, d, args, x, regs);
}

static FUNC_DECL(fn_to_timestamp)
{
    UNUSED3;
    int64_t ms;
    bool ok = fs->n_args > 1
                  ? time_parse_pattern(a[0].u.s.ptr, a[0].u.s.len, a[1].u.s.ptr,
                                       a[1].u.s.len, &ms)
                  : time_to_timestamp(a[0].u.s.ptr, a[0].u.s.len, &ms);
    if (!ok)
        d->is_null = true;
    else
        d->u.i = ms;
}

static FUNC_DECL(fn_to_timestamp_ltz_str)
{
    (void)regs;
    fn_to_timestamp(fs, d, a, x, regs);
    if (!d->is_null)
        d->u.i = tz_local_to_utc(zone(x), d->u.i);
}

static FUNC_DECL(fn_to_timestamp_ltz_i)
{
    UNUSED3;
    int64_t p = fs->n_args > 1 ? a[1].u.i : 3;
    if (p == 0)
        d->u.i = (int64_t)((uint64_t)a[0].u.i * 1000u);
    else if (p == 3)
        d->u.i = a[0].u.i;
    else
        d->is_null = true;
}

static FUNC_DECL(fn_to_timestamp_ltz_f)
{
    UNUSED3;
    int64_t p = fs->n_args > 1 ? a[1].u.i : 3;
    double v = a[0].u.f * (p == 0 ? 1000.0 : 1.0);
    if ((p != 0 && p != 3) || !isfinite(v) || fabs(v) > 9.2e18)
        d->is_null = true;
    else
        d->u.i = (int64_t)v;
}

static FUNC_DECL(fn_to_date)
{
    UNUSED3;
    if (fs->n_args > 1) {
        int64_t ms;
        if (!time_parse_pattern(a[0].u.s.ptr, a[0].u.s.len, a[1].u.s.ptr,
                                a[1].u.s.len, &ms)) {
            d->is_null = true;
            return;
        }
        d->u.i = time_floor_div(ms, MS_PER_DAY);
        return;
    }
    int32_t days;
    if (!time_parse_date(a[0].u.s.ptr, a[0].u.s.len, &days))
        d->is_null = true;
    else
        d->u.i = days;
}

static FUNC_DECL(fn_date_str)
{
    UNUSED3;
    int32_t days;
    int64_t ms;
    if (time_parse_date(a[0].u.s.ptr, a[0].u.s.len, &days))
        d->u.i = days;
    else if (time_parse_timestamp(a[0].u.s.ptr, a[0].u.s.len, &ms))
        d->u.i = time_floor_div(ms, MS_PER_DAY);
    else
        d->is_null = true;
}

static FUNC_DECL(fn_date_ts)
{
    UNUSED3;
    d->u.i = time_floor_div(a[0].u.i, MS_PER_DAY);
}

static FUNC_DECL(fn_identity)
{
    UNUSED3;
    d->u.i = a[0].u.i;
}

static FUNC_DECL(fn_unix_now)
{
    (void)fs;
    (void)a;
    (void)regs;
    d->is_null = false;
    d->u.i = time_floor_div(x->now_ms, 1000);
}

static FUNC_DECL(fn_unix_str)
{
    (void)regs;
    int64_t s;
    const char *f = fs->n_args > 1 ? a[1].u.s.ptr : NULL;
    size_t fl = fs->n_args > 1 ? a[1].u.s.len : 0;
    if (!time_unix_timestamp(a[0].u.s.ptr, a[0].u.s.len, f, fl, zone(x), &s))
        d->is_null = true;
    else
        d->u.i = s;
}

static FUNC_DECL(fn_unix_ts)
{
    (void)fs;
    (void)regs;
    d->u.i = time_floor_div(tz_local_to_utc(zone(x), a[0].u.i), 1000);
}

static FUNC_DECL(fn_unix_ltz)
{
    UNUSED3;
    d->u.i = time_floor_div(a[0].u.i, 1000);
}

static FUNC_DECL(fn_from_unixtime)
{
    (void)regs;
    StrBuf *sb = scratch_get();
    if (fs->n_args > 1)
        time_from_unixtime(sb, a[0].u.i, a[1].u.s.ptr, a[1].u.s.len, x->tz);
    else
        time_from_unixtime(sb, a[0].u.i, NULL, 0, x->tz);
    scratch_to(d, x);
}

static FUNC_DECL(fn_timestampdiff)
{
    UNUSED3;
    d->u.i = wrap(time_diff((RtTimeUnit)fs->iarg, a[0].u.i, a[1].u.i), 32);
}

/* TIMESTAMPADD(unit, n, t) for TIMESTAMP, DATE, TIME and TIMESTAMP_LTZ
 * (by the type of t). */
static FUNC_DECL(fn_timestampadd)
{
    (void)regs;
    RtTimeUnit u = (RtTimeUnit)fs->iarg;
    int64_t n = a[0].u.i, v = a[1].u.i, out;
    ValueKind k = fs->arg_types[1].kind;
    bool coarse = u >= RTU_DAY;
    if (k == VK_DATE)
        v *= MS_PER_DAY;
    else if (k == VK_TIMESTAMP_LTZ && coarse)
        v = tz_utc_to_local(zone(x), v);
    if (!time_add(u, n, v, &out)) {
        d->is_null = true;
        return;
    }
    if (k == VK_DATE)
        out = time_floor_div(out, MS_PER_DAY);
    else if (k == VK_TIME)
        out = time_floor_mod(out, MS_PER_DAY);
    else if (k == VK_TIMESTAMP_LTZ && coarse)
        out = tz_local_to_utc(zone(x), out);
    d->u.i = out;
}

static FUNC_DECL(fn_now)
{
    (void)a;
    (void)regs;
    d->is_null = false;
    switch (fs->iarg) {
    case 0: /* CURRENT_TIMESTAMP, NOW, PROCTIME: an instant */
        d->u.i = x->now_ms;
        break;
    case 1: /* LOCALTIMESTAMP */
        d->u.i = tz_utc_to_local(zone(x), x->now_ms);
        break;
    case 2: /* CURRENT_DATE */
        d->u.i =
            time_floor_div(tz_utc_to_local(zone(x), x->now_ms), MS_PER_DAY);
        break;
    default: { /* CURRENT_TIME, LOCALTIME: TIME(0) */
        int64_t t =
            time_floor_mod(tz_utc_to_local(zone(x), x->now_ms), MS_PER_DAY);
        d->u.i = t - t % 1000;
        break;
    }
    }
}

/* FLOOR/CEIL(t TO unit); iarg = unit | (ceil ? 0x100 : 0). */
static FUNC_DECL(fn_floor_time)
{
    (void)regs;
    RtTimeUnit u = (RtTimeUnit)(fs->iarg & 0xFF);
    bool is_ceil = (fs->iarg & 0x100) != 0;
    int64_t v = a[0].u.i;
    switch (fs->arg_types[0].kind) {
    case VK_DATE:
        v = is_ceil ? time_ceil(u, v * MS_PER_DAY)
                    : time_floor(u, v * MS_PER_DAY);
        d->u.i = time_floor_div(v, MS_PER_DAY);
        break;
    case VK_TIMESTAMP_LTZ:
        v = tz_utc_to_local(zone(x), v);
        v = is_ceil ? time_ceil(u, v) : time_floor(u, v);
        d->u.i = tz_local_to_utc(zone(x), v);
        break;
    default:
        d->u.i = is_ceil ? time_ceil(u, v) : time_floor(u, v);
        break;
    }
}

typedef struct TzPair {
    char from[64], to[64];
    TimeZone *zf, *zt;
} TzPair;

static void tzpair_free(void *p)
{
    TzPair *t = p;
    if (t->zf)
        tz_free(t->zf);
    if (t->zt)
        tz_free(t->zt);
    xfree(t);
}

static TimeZone *load_zone(char *name, size_t cap, const Value *v)
{
    size_t n = v->u.s.len < cap - 1 ? v->u.s.len : cap - 1;
    memcpy(name, v->u.s.ptr, n);
    name[n] = 0;
    char err[128];
    return tz_load(name, err, sizeof(err));
}

/* CONVERT_TZ(s, from, to): 'yyyy-MM-dd HH:mm:ss' text between zones; NULL
 * for unknown zones or unreadable text. */
static FUNC_DECL(fn_convert_tz)
{
    Value *cr = &regs[fs->cache_reg];
    TzPair *t = func_cache_get(cr);
    if (!t || strlen(t->from) != a[1].u.s.len ||
        memcmp(t->from, a[1].u.s.ptr, a[1].u.s.len) != 0 ||
        strlen(t->to) != a[2].u.s.len ||
        memcmp(t->to, a[2].u.s.ptr, a[2].u.s.len) != 0) {
        if (t)
            tzpair_free(t);
        t = xcalloc(1, sizeof(*t));
        t->zf = load_zone(t->from, sizeof(t->from), &a[1]);
        t->zt = load_zone(t->to, sizeof(t->to), &a[2]);
        func_cache_set(cr, t);
    }
    int64_t ms;
    if (!t->zf || !t->zt ||
        !time_parse_timestamp(a[0].u.s.ptr, a[0].u.s.len, &ms)) {
        d->is_null = true;
        return;
    }
    ms = tz_utc_to_local(t->zt, tz_local_to_utc(t->zf, ms));
    char buf[TIME_FMT_TIMESTAMP_MAX];
    size_t n = time_format_timestamp_p(buf, ms, 0);
    memcpy(func_str_alloc(d, x, n), buf, n);
}

/* ---- the binding table -------------------------------------------------- */

#define FI_STRICT 0x01u
#define FI_CACHE 0x02u
#define FI_ANYSTR 0x04u /* any argument may be converted to STRING */
#define FI_UNIT 0x08u   /* iarg comes from the caller (a time unit) */

typedef struct FuncImpl {
    const char *name;
    const char *sig;
    FuncFn fn;
    unsigned flags;
    int64_t iarg;
    void (*fini)(void *);
} FuncImpl;

#define S_ FI_STRICT
#define RX (FI_STRICT | FI_CACHE)

static const FuncImpl impls[] = {
    /* strings */
    {"CONCAT", "S+", fn_concat, S_ | FI_ANYSTR, 0, NULL},
    {"CONCAT_WS", "S+", fn_concat_ws, FI_ANYSTR, 0, NULL},
    {"SUBSTRING", "SI", fn_substring, S_, 0, NULL},
    {"SUBSTRING", "SII", fn_substring, S_, 0, NULL},
    {"SUBSTR", "SI", fn_substring, S_, 0, NULL},
    {"SUBSTR", "SII", fn_substring, S_, 0, NULL},
    {"LEFT", "SI", fn_left, S_, 0, NULL},
    {"RIGHT", "SI", fn_right, S_, 0, NULL},
    {"UPPER", "S", fn_upper, S_, 0, NULL},
    {"LOWER", "S", fn_lower, S_, 0, NULL},
    {"INITCAP", "S", fn_initcap, S_, 0, NULL},
    {"TRIM", "S", fn_trim, S_, 0, NULL},
    {"TRIM", "SS", fn_trim, S_, 0, NULL},
    {"$TRIM_LEADING", "S", fn_trim, S_, 1, NULL},
    {"$TRIM_LEADING", "SS", fn_trim, S_, 1, NULL},
    {"$TRIM_TRAILING", "S", fn_trim, S_, 2, NULL},
    {"$TRIM_TRAILING", "SS", fn_trim, S_, 2, NULL},
    {"LTRIM", "S", fn_ltrim_rtrim, S_, 1, NULL},
    {"LTRIM", "SS", fn_ltrim_rtrim, S_, 1, NULL},
    {"RTRIM", "S", fn_ltrim_rtrim, S_, 2, NULL},
    {"RTRIM", "SS", fn_ltrim_rtrim, S_, 2, NULL},
    {"REPLACE", "SSS", fn_replace, S_, 0, NULL},
    {"REGEXP_REPLACE", "SSS", fn_regexp_replace, RX, 0, func_regex_free},
    {"REGEXP_EXTRACT", "SS", fn_regexp_extract, RX, 0, func_regex_free},
    {"REGEXP_EXTRACT", "SSI", fn_regexp_extract, RX, 0, func_regex_free},
    {"REGEXP", "SS", fn_regexp, RX, 0, func_regex_free},
    {"$SIMILAR", "SS", fn_similar, RX, 0, func_regex_free},
    {"$SIMILAR", "SSS", fn_similar, RX, 0, func_regex_free},
    {"SPLIT_INDEX", "SSI", fn_split_index, S_, 0, NULL},
    {"CHAR_LENGTH", "S", fn_char_length, S_, 0, NULL},
    {"CHARACTER_LENGTH", "S", fn_char_length, S_, 0, NULL},
    {"LENGTH", "S", fn_char_length, S_, 0, NULL},
    {"POSITION", "SS", fn_position, S_, 0, NULL},
    {"LOCATE", "SS", fn_position, S_, 0, NULL},
    {"LOCATE", "SSI", fn_position, S_, 0, NULL},
    {"INSTR", "SS", fn_position, S_, 1, NULL},
    {"LPAD", "SIS", fn_pad, S_, 0, NULL},
    {"RPAD", "SIS", fn_pad, S_, 1, NULL},
    {"REPEAT", "SI", fn_repeat, S_, 0, NULL},
    {"REVERSE", "S", fn_reverse, S_, 0, NULL},
    {"ASCII", "S", fn_ascii, S_, 0, NULL},
    {"CHR", "I", fn_chr, S_, 0, NULL},
    {"MD5", "X", fn_hash, S_, 128, NULL},
    {"SHA1", "X", fn_hash, S_, 160, NULL},
    {"SHA224", "X", fn_hash, S_, 224, NULL},
    {"SHA256", "X", fn_hash, S_, 256, NULL},
    {"SHA384", "X", fn_hash, S_, 384, NULL},
    {"SHA512", "X", fn_hash, S_, 512, NULL},
    {"SHA2", "XI", fn_hash, S_, 0, NULL},
    {"TO_BASE64", "X", fn_to_base64, S_, 0, NULL},
    {"FROM_BASE64", "S", fn_from_base64, S_, 0, NULL},
    {"HEX", "I", fn_hex, S_, 0, NULL},
    {"HEX", "X", fn_hex, S_, 0, NULL},
    {"BIN", "I", fn_bin, S_, 0, NULL},
    {"UUID", "", fn_uuid, 0, 0, NULL},

    /* temporal */
    {"DATE_FORMAT", "TS", fn_date_format, S_, 0, NULL},
    {"DATE_FORMAT", "SS", fn_date_format_str, S_, 0, NULL},
    {"TO_TIMESTAMP", "S", fn_to_timestamp, S_, 0, NULL},
    {"TO_TIMESTAMP", "SS", fn_to_timestamp, S_, 0, NULL},
    {"TO_TIMESTAMP_LTZ", "I", fn_to_timestamp_ltz_i, S_, 0, NULL},
    {"TO_TIMESTAMP_LTZ", "II", fn_to_timestamp_ltz_i, S_, 0, NULL},
    {"TO_TIMESTAMP_LTZ", "S", fn_to_timestamp_ltz_str, S_, 0, NULL},
    {"TO_TIMESTAMP_LTZ", "SS", fn_to_timestamp_ltz_str, S_, 0, NULL},
    {"TO_TIMESTAMP_LTZ", "F", fn_to_timestamp_ltz_f, S_, 0, NULL},
    {"TO_TIMESTAMP_LTZ", "FI", fn_to_timestamp_ltz_f, S_, 0, NULL},
    {"TO_DATE", "S", fn_to_date, S_, 0, NULL},
    {"TO_DATE", "SS", fn_to_date, S_, 0, NULL},
    {"DATE", "A", fn_identity, S_, 0, NULL},
    {"DATE", "T", fn_date_ts, S_, 0, NULL},
    {"DATE", "S", fn_date_str, S_, 0, NULL},
    {"UNIX_TIMESTAMP", "", fn_unix_now, 0, 0, NULL},
    {"UNIX_TIMESTAMP", "S", fn_unix_str, S_, 0, NULL},
    {"UNIX_TIMESTAMP", "SS", fn_unix_str, S_, 0, NULL},
    {"UNIX_TIMESTAMP", "L", fn_unix_ltz, S_, 0, NULL},
    {"UNIX_TIMESTAMP", "T", fn_unix_ts, S_, 0, NULL},
    {"FROM_UNIXTIME", "I", fn_from_unixtime, S_, 0, NULL},
    {"FROM_UNIXTIME", "IS", fn_from_unixtime, S_, 0, NULL},
    {"TIMESTAMPDIFF", "TT", fn_timestampdiff, S_ | FI_UNIT, 0, NULL},
    {"TIMESTAMPADD", "IT", fn_timestampadd, S_ | FI_UNIT, 0, NULL},
    {"TIMESTAMPADD", "IL", fn_timestampadd, S_ | FI_UNIT, 0, NULL},
    {"TIMESTAMPADD", "IA", fn_timestampadd, S_ | FI_UNIT, 0, NULL},
    {"TIMESTAMPADD", "IM", fn_timestampadd, S_ | FI_UNIT, 0, NULL},
    {"CONVERT_TZ", "SSS", fn_convert_tz, RX, 0, tzpair_free},
    {"CURRENT_TIMESTAMP", "", fn_now, 0, 0, NULL},
    {"NOW", "", fn_now, 0, 0, NULL},
    {"CURRENT_ROW_TIMESTAMP", "", fn_now, 0, 0, NULL},
    {"PROCTIME", "", fn_now, 0, 0, NULL},
    {"LOCALTIMESTAMP", "", fn_now, 0, 1, NULL},
    {"CURRENT_DATE", "", fn_now, 0, 2, NULL},
    {"CURRENT_TIME", "", fn_now, 0, 3, NULL},
    {"LOCALTIME", "", fn_now, 0, 3, NULL},
    {"$FLOOR_TIME", "T", fn_floor_time, S_ | FI_UNIT, 0, NULL},
    {"$FLOOR_TIME", "L", fn_floor_time, S_ | FI_UNIT, 0, NULL},
    {"$FLOOR_TIME", "A", fn_floor_time, S_ | FI_UNIT, 0, NULL},
    {"$FLOOR_TIME", "M", fn_floor_time, S_ | FI_UNIT, 0, NULL},

    /* math */
    {"ABS", "I", fn_abs_i, S_, 0, NULL},
    {"ABS", "F", fn_abs_f, S_, 0, NULL},
    {"ABS", "D", fn_abs_d, S_, 0, NULL},
    {"SIGN", "I", fn_sign_i, S_, 0, NULL},
    {"SIGN", "F", fn_sign_f, S_, 0, NULL},
    {"SIGN", "D", fn_sign_d, S_, 0, NULL},
    {"ROUND", "I", fn_round_i, S_, 0, NULL},
    {"ROUND", "II", fn_round_i, S_, 0, NULL},
    {"ROUND", "F", fn_round_f, S_, 0, NULL},
    {"ROUND", "FI", fn_round_f, S_, 0, NULL},
    {"ROUND", "D", fn_round_d, S_, 0, NULL},
    {"ROUND", "DI", fn_round_d, S_, 0, NULL},
    {"TRUNCATE", "I", fn_round_i, S_, 1, NULL},
    {"TRUNCATE", "II", fn_round_i, S_, 1, NULL},
    {"TRUNCATE", "F", fn_round_f, S_, 1, NULL},
    {"TRUNCATE", "FI", fn_round_f, S_, 1, NULL},
    {"TRUNCATE", "D", fn_round_d, S_, 1, NULL},
    {"TRUNCATE", "DI", fn_round_d, S_, 1, NULL},
    {"FLOOR", "I", fn_floor_i, S_, 0, NULL},
    {"FLOOR", "F", fn_floor_f, S_, 0, NULL},
    {"FLOOR", "D", fn_floor_d, S_, 0, NULL},
    {"CEIL", "I", fn_floor_i, S_, 1, NULL},
    {"CEIL", "F", fn_floor_f, S_, 1, NULL},
    {"CEIL", "D", fn_floor_d, S_, 1, NULL},
    {"CEILING", "I", fn_floor_i, S_, 1, NULL},
    {"CEILING", "F", fn_floor_f, S_, 1, NULL},
    {"CEILING", "D", fn_floor_d, S_, 1, NULL},
    {"MOD", "II", fn_mod_i, S_, 0, NULL},
    {"MOD", "DD", fn_mod_d, S_, 0, NULL},
    {"POWER", "FF", fn_power, S_, 0, NULL},
    {"POW", "FF", fn_power, S_, 0, NULL},
    {"SQRT", "F", fn_math1, S_, M_SQRT, NULL},
    {"LN", "F", fn_math1, S_, M_LN, NULL},
    {"LOG", "F", fn_math1, S_, M_LN, NULL},
    {"LOG", "FF", fn_log_base, S_, 0, NULL},
    {"LOG10", "F", fn_math1, S_, M_LOG10, NULL},
    {"LOG2", "F", fn_math1, S_, M_LOG2, NULL},
    {"EXP", "F", fn_math1, S_, M_EXP, NULL},
    {"SIN", "F", fn_math1, S_, M_SIN, NULL},
    {"COS", "F", fn_math1, S_, M_COS, NULL},
    {"TAN", "F", fn_math1, S_, M_TAN, NULL},
    {"COT", "F", fn_math1, S_, M_COT, NULL},
    {"ASIN", "F", fn_math1, S_, M_ASIN, NULL},
    {"ACOS", "F", fn_math1, S_, M_ACOS, NULL},
    {"ATAN", "F", fn_math1, S_, M_ATAN, NULL},
    {"DEGREES", "F", fn_math1, S_, M_DEGREES, NULL},
    {"RADIANS", "F", fn_math1, S_, M_RADIANS, NULL},
    {"ATAN2", "FF", fn_atan2, S_, 0, NULL},
    {"PI", "", fn_const_f, 0, 0, NULL},
    {"E", "", fn_const_f, 0, 1, NULL},
    {"RAND", "", fn_rand, 0, 0, NULL},
    {"RAND", "I", fn_rand, FI_CACHE, 0, xfree_cache},
    {"RAND_INTEGER", "I", fn_rand_integer, 0, 0, NULL},
    {"RAND_INTEGER", "II", fn_rand_integer, FI_CACHE, 0, xfree_cache},
};

static RtType canon(char letter, const RtType *arg)
{
    RtType t = {VK_NULLTYPE, 0, -1, 0, true};
    switch (letter) {
    case 'S':
    case 'X':
        if (arg && (arg->kind == VK_STRING || arg->kind == VK_BYTES))
            return *arg;
        t.kind = VK_STRING;
        t.sql_kind = SQLK_VARCHAR;
        t.precision = 2147483647;
        break;
    case 'I':
        if (arg && arg->kind == VK_INT)
            return *arg;
        t.kind = VK_INT;
        t.sql_kind = RT_SQL_BIGINT;
        break;
    case 'F':
        t.kind = VK_DOUBLE;
        t.sql_kind = RT_SQL_DOUBLE;
        break;
    case 'D':
        if (arg && arg->kind == VK_DECIMAL)
            return *arg;
        t.kind = VK_DECIMAL;
        t.sql_kind = SQLK_DECIMAL;
        t.precision = 19;
        t.scale = 0;
        break;
    case 'T':
        t.kind = VK_TIMESTAMP;
        t.sql_kind = SQLK_TIMESTAMP;
        t.precision = 3;
        break;
    case 'L':
        t.kind = VK_TIMESTAMP_LTZ;
        t.sql_kind = SQLK_TIMESTAMP_LTZ;
        t.precision = 3;
        break;
    case 'A':
        t.kind = VK_DATE;
        t.sql_kind = SQLK_DATE;
        break;
    case 'M':
        t.kind = VK_TIME;
        t.sql_kind = SQLK_TIME;
        t.precision = 0;
        break;
    default:
        if (arg)
            return *arg;
        break;
    }
    return t;
}

static bool exact_kind(char letter, ValueKind k)
{
    switch (letter) {
    case 'S':
        return k == VK_STRING;
    case 'X':
        return k == VK_STRING || k == VK_BYTES;
    case 'I':
        return k == VK_INT;
    case 'F':
        return k == VK_DOUBLE;
    case 'D':
        return k == VK_DECIMAL;
    case 'T':
        return k == VK_TIMESTAMP;
    case 'L':
        return k == VK_TIMESTAMP_LTZ;
    case 'A':
        return k == VK_DATE;
    case 'M':
        return k == VK_TIME;
    default:
        return true;
    }
}

static bool convertible(char letter, ValueKind k, unsigned flags)
{
    if (k == VK_NULLTYPE || exact_kind(letter, k))
        return true;
    if ((flags & FI_ANYSTR) && (letter == 'S' || letter == 'X'))
        return k != VK_BYTES || letter == 'X';
    switch (letter) {
    case 'F':
        return k == VK_INT || k == VK_DECIMAL;
    case 'D':
        return k == VK_INT;
    case 'T':
        return k == VK_DATE || k == VK_TIMESTAMP_LTZ;
    default:
        return false;
    }
}

static char sig_letter(const char *sig, uint32_t i, bool *ok)
{
    size_t n = strlen(sig);
    bool var = n && sig[n - 1] == '+';
    size_t fixed = var ? n - 1 : n;
    *ok = true;
    if (i < fixed)
        return sig[i];
    if (var && fixed)
        return sig[fixed - 1];
    *ok = false;
    return 0;
}

static bool arity_ok(const char *sig, uint32_t n)
{
    size_t l = strlen(sig);
    if (l && sig[l - 1] == '+')
        return n >= l - 1;
    return n == l;
}

bool func_is_supported(const char *name)
{
    for (size_t i = 0; i < FSQL_ARRAY_LEN(impls); i++)
        if (strcmp(impls[i].name, name) == 0)
            return true;
    return false;
}

const char *func_bind(const char *name, uint32_t n, const RtType *args,
                      const RtType *ret, int64_t iarg, FuncSite *fs,
                      RtType *want)
{
    const FuncImpl *hit = NULL;
    bool named = false;
    for (int pass = 0; pass < 2 && !hit; pass++) {
        for (size_t i = 0; i < FSQL_ARRAY_LEN(impls) && !hit; i++) {
            const FuncImpl *f = &impls[i];
            if (strcmp(f->name, name) != 0)
                continue;
            named = true;
            if (!arity_ok(f->sig, n))
                continue;
            bool ok = true;
            for (uint32_t k = 0; k < n && ok; k++) {
                bool has;
                char l = sig_letter(f->sig, k, &has);
                ok =
                    has && (pass == 0 ? exact_kind(l, args[k].kind)
                                      : convertible(l, args[k].kind, f->flags));
            }
            if (ok)
                hit = f;
        }
    }
    if (!hit)
        return named ? "not supported at run time for these argument types"
                     : "not supported at run time";
    memset(fs, 0, sizeof(*fs));
    fs->fn = hit->fn;
    fs->fini = hit->fini;
    fs->name = hit->name;
    fs->n_args = (uint16_t)n;
    fs->is_strict = (hit->flags & FI_STRICT) != 0;
    fs->has_cache = (hit->flags & FI_CACHE) != 0;
    fs->iarg = (hit->flags & FI_UNIT) ? iarg : hit->iarg;
    fs->ret = *ret;
    for (uint32_t k = 0; k < n; k++) {
        bool has;
        char l = sig_letter(hit->sig, k, &has);
        want[k] = exact_kind(l, args[k].kind) && args[k].kind != VK_NULLTYPE
                      ? args[k]
                      : canon(l, &args[k]);
        if (l == 'D' && args[k].kind == VK_INT)
            want[k] = canon('D', NULL);
        if (k < FSQL_ARRAY_LEN(fs->arg_types))
            fs->arg_types[k] = want[k];
    }
    return NULL;
}
