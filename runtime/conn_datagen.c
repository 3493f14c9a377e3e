/*
 * conn_datagen.c - the `datagen` source: Flink's per-column random and
 * sequence generators, and fsql's repeatable payment-transaction stream
 * (generator = 'transactions') for the risk examples and benchmarks.
 *
 * Pipeline position: a SourceReader (runtime/connector.h); the job's
 * TableSourceScan pushes its batches.  Options are read at open (the
 * compiler validated their syntax; bad values that only the runtime can
 * see are FSQL_E_CONFIG errors before any row).
 *
 * Per column (generator = 'fields', and for columns the transaction
 * generator does not recognise):
 *   fields.<col>.kind     random (default) | sequence
 *   random:   min/max (numbers, and DATE/TIME/TIMESTAMP text), length of
 *             STRING/BYTES (default 100; lowercase hex characters as
 *             Flink's generator), max-past for TIMESTAMP (values lie in
 *             [now - max-past, now]), null-rate
 *   sequence: start..end inclusive (integers; DECIMAL/DOUBLE/STRING
 *             columns get the same numbers); the source ends after the
 *             shortest sequence
 *
 * The transaction generator fills the columns it knows by name:
 * transaction_id (1, 2, ...), user_id (1..generator.users), merchant_id
 * (1..generator.merchants), amount (log-normal around 60.00, larger for
 * fraudsters), transaction_type, transaction_time (or any TIMESTAMP
 * column: generator.start-time + i * time-step + jitter below one step,
 * minus up to generator.out-of-orderness), ip_address, device_id and
 * location (stable per user; fraudsters use many).  A fraction
 * generator.fraud-rate of the users are fraudsters; they appear in bursts
 * of 3 to 10 transactions with large amounts, often at night.
 *
 * Determinism: every random choice comes from one xoshiro256** stream
 * seeded with generator.seed (also for 'fields'), in row order, so the
 * same options give the same rows on every run and machine (except
 * TIMESTAMP columns of 'fields' with max-past, which are relative to the
 * wall clock as in Flink).
 *
 * Rate: rows-per-second when given (a token bucket on the monotonic
 * clock); when not given, as fast as possible.
 *
 * Memory: string values are built in the batch arena; nothing else is
 * allocated per row.
 *
 * Checkpoints (issue 10): the position is the generator state - rows
 * produced, the xoshiro state, the fraud burst in progress and every
 * sequence's next value - so a restored reader produces exactly the rows
 * an uninterrupted one would have produced next.  The rate limit counts
 * afresh from the restore.
 */
#include "runtime/fsql.h"
#include "runtime/checkpoint.h"
#include "runtime/connector.h"
#include "runtime/decimal.h"
#include "runtime/lookup.h"
#include "runtime/textconv.h"
#include "runtime/timeutil.h"
#include "runtime/value_ops.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ---- random numbers ---------------------------------------------------- */

typedef struct Rng {
    uint64_t s[4];
} Rng;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static void rng_seed(Rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static inline uint64_t rng_next(Rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Uniform in [0, n) (n > 0), Lemire's multiply-shift (tiny bias is fine
 * for test data). */
static inline uint64_t rng_below(Rng *r, uint64_t n)
{
    return (uint64_t)(((u128)rng_next(r) * n) >> 64);
}

/* Uniform double in [0, 1). */
static inline double rng_unit(Rng *r)
{
    return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* Approximately standard normal (Irwin-Hall of 4 uniforms). */
static double rng_normal(Rng *r)
{
    double s = 0;
    for (int i = 0; i < 4; i++)
        s += rng_unit(r);
    return (s - 2.0) * 1.7320508075688772; /* sqrt(12 / 4) */
}

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xFF51AFD7ED558CCDULL;
    x ^= x >> 33;
    x *= 0xC4CEB9FE1A85EC53ULL;
    x ^= x >> 33;
    return x;
}

/* ---- per-column generators ------------------------------------------- */

typedef enum GenKind {
    G_RANDOM,
    G_SEQUENCE,
    G_TX_ID,
    G_TX_USER,
    G_TX_MERCHANT,
    G_TX_AMOUNT,
    G_TX_TYPE,
    G_TX_TIME,
    G_TX_IP,
    G_TX_DEVICE,
    G_TX_LOCATION
} GenKind;

typedef struct ColGen {
    GenKind kind;
    RtType type;
    double null_rate;
    bool has_min, has_max;
    Value min, max;      /* random bounds in the column type */
    double dmin, dmax;   /* DOUBLE bounds */
    int64_t length;      /* STRING / BYTES length */
    int64_t max_past_ms; /* TIMESTAMP random: how far back */
    int64_t seq_next;    /* sequence: next value */
    int64_t seq_end;     /* sequence: last value */
} ColGen;

/* One generated transaction (the named concepts). */
typedef struct TxRow {
    int64_t id;
    int64_t user;
    int64_t merchant;
    int64_t cents;
    const char *type;
    int64_t time_ms;
    uint32_t ip; /* a.b.c.d packed */
    uint64_t device;
    const char *location;
} TxRow;

typedef struct Datagen {
    SourceReader base;
    uint32_t n_cols;
    ColGen *cols; /* xmalloc, n_cols */
    Rng rng;
    bool is_tx;         /* generator = 'transactions' */
    int64_t rows_total; /* number-of-rows, -1 unbounded */
    int64_t produced;
    int64_t rate;       /* rows per second, 0 as fast as possible */
    int64_t start_mono; /* first poll, for the rate */
    int64_t rate_base;  /* produced at start_mono (a restore resumes) */
    const TimeZone *tz;
    /* transactions */
    int64_t users, merchants;
    int64_t start_ms, step_ms, ooo_ms;
    double fraud_rate;
    int64_t burst_user; /* fraudster in a burst, 0 none */
    int64_t burst_left;
} Datagen;

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *const tx_types[] = {"PURCHASE", "PAYMENT", "TRANSFER",
                                       "WITHDRAWAL", "REFUND"};
/* Cumulative percent: 70 / 10 / 10 / 8 / 2. */
static const int tx_type_cum[] = {70, 80, 90, 98, 100};

static const char *const cities[] = {
    "Beijing",   "Shanghai",  "Shenzhen", "Guangzhou", "Hangzhou", "Chengdu",
    "Wuhan",     "Nanjing",   "Xi'an",    "Chongqing", "Tianjin",  "Suzhou",
    "Hong Kong", "Singapore", "London",   "New York",
};

static bool user_is_fraud(const Datagen *g, int64_t u)
{
    if (g->fraud_rate <= 0)
        return false;
    uint64_t h = mix((uint64_t)u * 0x9E3779B97F4A7C15ULL ^ 0x5DEECE66DULL);
    return (double)(h >> 11) * (1.0 / 9007199254740992.0) < g->fraud_rate;
}

static void tx_generate(Datagen *g, TxRow *t)
{
    Rng *r = &g->rng;
    int64_t i = g->produced;
    t->id = i + 1;
    bool is_fraud = false;
    if (g->burst_left > 0) {
        t->user = g->burst_user;
        g->burst_left--;
        is_fraud = true;
    } else if (g->fraud_rate > 0 && rng_unit(r) < g->fraud_rate * 0.5) {
        /* Start a burst by a fraudster (bounded search; fall back to a
         * normal row when the rate is too small to find one quickly). */
        int64_t u = 0;
        for (int tries = 0; tries < 256; tries++) {
            int64_t c = 1 + (int64_t)rng_below(r, (uint64_t)g->users);
            if (user_is_fraud(g, c)) {
                u = c;
                break;
            }
        }
        if (u) {
            t->user = g->burst_user = u;
            g->burst_left = 2 + (int64_t)rng_below(r, 8);
            is_fraud = true;
        } else {
            t->user = 1 + (int64_t)rng_below(r, (uint64_t)g->users);
        }
    } else {
        t->user = 1 + (int64_t)rng_below(r, (uint64_t)g->users);
        is_fraud = user_is_fraud(g, t->user);
    }
    uint64_t uh = mix((uint64_t)t->user ^ 0xA5A5A5A5DEADBEEFULL);
    /* Merchants: people shop mostly at the lower-numbered (big) ones. */
    uint64_t m = rng_below(r, (uint64_t)g->merchants);
    if (rng_unit(r) < 0.5)
        m = m / 8;
    t->merchant = 1 + (int64_t)m;
    /* Amount: log-normal around e^4.1 = 60; fraud bursts go large. */
    double mu = 4.1, sigma = 0.9;
    if (is_fraud && rng_unit(r) < 0.6) {
        mu = 7.6;
        sigma = 0.7;
    }
    double amt = exp(mu + sigma * rng_normal(r));
    if (amt > 1e9)
        amt = 1e9;
    t->cents = (int64_t)(amt * 100.0 + 0.5);
    if (t->cents < 1)
        t->cents = 1;
    int p = (int)rng_below(r, 100);
    int k = 0;
    while (p >= tx_type_cum[k])
        k++;
    t->type = is_fraud && rng_unit(r) < 0.5 ? "TRANSFER" : tx_types[k];
    /* Time: steady clock plus jitter below one step, minus disorder. */
    int64_t ts = (int64_t)((uint64_t)g->start_ms +
                           (uint64_t)i * (uint64_t)g->step_ms); /* no UB */
    if (g->step_ms > 1)
        ts += (int64_t)rng_below(r, (uint64_t)g->step_ms);
    if (g->ooo_ms > 0)
        ts -= (int64_t)rng_below(r, (uint64_t)g->ooo_ms + 1);
    t->time_ms = ts;
    /* Devices, IPs and locations: stable per user; fraudsters rotate. */
    if (is_fraud) {
        uint64_t x = rng_next(r);
        t->ip = (uint32_t)x;
        t->device = mix(x);
        t->location = cities[rng_below(r, FSQL_ARRAY_LEN(cities))];
    } else {
        uint32_t alt = rng_below(r, 20) == 0 ? 1u : 0u; /* 5%: 2nd phone */
        t->ip = (10u << 24) | (uint32_t)((uh >> 8) & 0xFFFFu) << 8 |
                (uint32_t)(1 + ((uh >> 24) + alt) % 254);
        t->device = uh + alt;
        t->location = rng_below(r, 20) == 0
                          ? cities[rng_below(r, FSQL_ARRAY_LEN(cities))]
                          : cities[uh % FSQL_ARRAY_LEN(cities)];
    }
}

/* ---- value construction -------------------------------------------------- */

static void set_str(Value *v, Arena *a, const char *p, size_t n)
{
    char *d = n ? arena_alloc(a, n) : NULL;
    if (n)
        memcpy(d, p, n);
    v->kind = VK_STRING;
    v->is_null = false;
    v->u.s.ptr = d ? d : "";
    v->u.s.len = (uint32_t)n;
}

/* An integer concept in a column of any numeric or string type. */
static void set_int_as(Value *v, const RtType *t, int64_t x, Arena *a)
{
    v->is_null = false;
    v->kind = (uint8_t)t->kind;
    switch (t->kind) {
    case VK_DECIMAL:
        value_set_dec(v, (i128)x * decimal_pow10(t->scale));
        return;
    case VK_DOUBLE:
        v->u.f = (double)x;
        return;
    case VK_STRING: {
        char b[24];
        size_t n = value_i64_to_chars(b, x);
        set_str(v, a, b, n);
        return;
    }
    case VK_BOOL:
        v->u.i = x & 1;
        return;
    default: {
        int64_t lo, hi;
        if (t->kind == VK_INT) {
            textconv_int_range(t, &lo, &hi);
            if (x < lo || x > hi)
                x = lo +
                    (int64_t)((uint64_t)(x - lo) % ((uint64_t)(hi - lo) + 1));
        }
        v->u.i = x;
        return;
    }
    }
}

static size_t fmt_ip(char *b, uint32_t ip)
{
    size_t n = 0;
    for (int k = 3; k >= 0; k--) {
        n += value_i64_to_chars(b + n, (ip >> (8 * k)) & 255);
        if (k)
            b[n++] = '.';
    }
    return n;
}

static void random_hex(Rng *r, char *d, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if ((i & 15) == 0)
            x = rng_next(r);
        d[i] = hex[x & 15];
        x >>= 4;
    }
}

/* Random i128 in [lo, hi]. */
static i128 rng_range128(Rng *r, i128 lo, i128 hi)
{
    u128 span = (u128)(hi - lo) + 1;
    if (span == 0)
        return lo + (i128)(((u128)rng_next(r) << 64) | rng_next(r));
    if (span <= UINT64_MAX)
        return lo + (i128)rng_below(r, (uint64_t)span);
    u128 x = ((u128)rng_next(r) << 64) | rng_next(r);
    return lo + (i128)(x % span);
}

static void gen_random(Datagen *g, ColGen *c, Value *v, Arena *a)
{
    Rng *r = &g->rng;
    const RtType *t = &c->type;
    v->is_null = false;
    v->kind = (uint8_t)t->kind;
    v->u.d.lo = 0;
    v->u.d.hi = 0;
    switch (t->kind) {
    case VK_BOOL:
        v->u.i = (int64_t)(rng_next(r) >> 63);
        return;
    case VK_INT: {
        int64_t lo, hi;
        textconv_int_range(t, &lo, &hi);
        if (c->has_min)
            lo = c->min.u.i;
        if (c->has_max)
            hi = c->max.u.i;
        if (hi < lo)
            hi = lo;
        v->u.i = (int64_t)rng_range128(r, lo, hi);
        return;
    }
    case VK_DOUBLE:
        v->u.f = c->dmin + (c->dmax - c->dmin) * rng_unit(r);
        if (t->sql_kind == RT_SQL_FLOAT)
            v->u.f = (float)v->u.f;
        return;
    case VK_DECIMAL: {
        i128 lim = decimal_pow10(t->precision > 0 ? t->precision : 10) - 1;
        i128 lo = c->has_min ? value_get_dec(&c->min) : -lim;
        i128 hi = c->has_max ? value_get_dec(&c->max) : lim;
        if (hi < lo)
            hi = lo;
        value_set_dec(v, rng_range128(r, lo, hi));
        return;
    }
    case VK_STRING:
    case VK_BYTES: {
        size_t n = (size_t)(c->length > 0 ? c->length : 0);
        if (t->precision > 0 && (int64_t)n > t->precision)
            n = (size_t)t->precision; /* VARCHAR(n) */
        char *d = n ? arena_alloc(a, n) : NULL;
        if (t->kind == VK_STRING) {
            random_hex(r, d, n);
        } else {
            for (size_t i = 0; i < n; i++)
                d[i] = (char)(rng_next(r) & 0xFF);
        }
        v->u.s.ptr = d ? d : "";
        v->u.s.len = (uint32_t)n;
        return;
    }
    case VK_DATE:
    case VK_TIME:
    case VK_TIMESTAMP:
    case VK_TIMESTAMP_LTZ: {
        int64_t lo, hi;
        if (c->has_min || c->has_max) {
            lo = c->has_min ? c->min.u.i : 0;
            hi = c->has_max ? c->max.u.i
                            : (t->kind == VK_TIME ? MS_PER_DAY - 1 : lo);
        } else if (t->kind == VK_TIME) {
            lo = 0;
            hi = MS_PER_DAY - 1;
        } else {
            int64_t now = wall_ms();
            if (t->kind == VK_TIMESTAMP && g->tz)
                now = tz_utc_to_local(g->tz, now);
            if (t->kind == VK_DATE)
                now = time_floor_div(now, MS_PER_DAY);
            hi = now;
            lo = now - (t->kind == VK_DATE ? c->max_past_ms / MS_PER_DAY
                                           : c->max_past_ms);
        }
        if (hi < lo)
            hi = lo;
        int64_t x = lo + (int64_t)rng_below(r, (uint64_t)(hi - lo) + 1);
        if (t->kind == VK_TIME && t->precision <= 0)
            x -= x % 1000; /* TIME(0) */
        v->u.i = x;
        return;
    }
    default:
        v->u.i = (int64_t)rng_below(r, 1000);
        return;
    }
}

static void gen_column(Datagen *g, ColGen *c, const TxRow *tx, Value *v,
                       Arena *a)
{
    if (c->null_rate > 0 && rng_unit(&g->rng) < c->null_rate) {
        *v = value_null(c->type.kind);
        return;
    }
    char b[64];
    size_t n;
    switch (c->kind) {
    case G_RANDOM:
        gen_random(g, c, v, a);
        return;
    case G_SEQUENCE:
        set_int_as(v, &c->type, c->seq_next++, a);
        return;
    case G_TX_ID:
        set_int_as(v, &c->type, tx->id, a);
        return;
    case G_TX_USER:
        set_int_as(v, &c->type, tx->user, a);
        return;
    case G_TX_MERCHANT:
        set_int_as(v, &c->type, tx->merchant, a);
        return;
    case G_TX_AMOUNT:
        v->is_null = false;
        v->kind = (uint8_t)c->type.kind;
        if (c->type.kind == VK_DECIMAL) {
            i128 d;
            if (decimal_rescale((i128)tx->cents, 2,
                                c->type.precision > 0 ? c->type.precision : 38,
                                c->type.scale, &d) != DEC_OK)
                *v = value_null(VK_DECIMAL);
            else
                value_set_dec(v, d);
        } else if (c->type.kind == VK_DOUBLE) {
            v->u.f = (double)tx->cents / 100.0;
        } else if (c->type.kind == VK_STRING) {
            n = decimal_format(b, (i128)tx->cents, 2);
            set_str(v, a, b, n);
        } else {
            set_int_as(v, &c->type, tx->cents / 100, a);
        }
        return;
    case G_TX_TYPE:
        set_str(v, a, tx->type, strlen(tx->type));
        return;
    case G_TX_TIME:
        v->is_null = false;
        v->kind = (uint8_t)c->type.kind;
        v->u.i = tx->time_ms;
        return;
    case G_TX_IP:
        n = fmt_ip(b, tx->ip);
        set_str(v, a, b, n);
        return;
    case G_TX_DEVICE: {
        static const char hex[] = "0123456789abcdef";
        memcpy(b, "dev-", 4);
        for (int i = 0; i < 12; i++)
            b[4 + i] = hex[(tx->device >> (4 * (11 - i))) & 15];
        set_str(v, a, b, 16);
        return;
    }
    case G_TX_LOCATION:
        set_str(v, a, tx->location, strlen(tx->location));
        return;
    }
}

/* ---- the reader ---------------------------------------------------------- */

static int datagen_poll(SourceReader *r, Batch *b, int64_t *wait_ms,
                        FsqlErr *err)
{
    Datagen *g = (Datagen *)r;
    (void)err;
    *wait_ms = 0;
    uint32_t want = b->cap - b->n_rows;
    if (g->rows_total >= 0 && g->produced + want > g->rows_total)
        want = g->produced < g->rows_total
                   ? (uint32_t)(g->rows_total - g->produced)
                   : 0;
    if (g->rate > 0) {
        int64_t now = mono_ms();
        if (g->start_mono == 0) {
            g->start_mono = now;
            g->rate_base = g->produced;
        }
        int64_t done = g->produced - g->rate_base;
        int64_t due = (now - g->start_mono) * g->rate / 1000 + 1;
        int64_t can = due - done;
        if (can <= 0) {
            /* Time until the next row is due. */
            int64_t next =
                g->start_mono + (done * 1000 + g->rate - 1) / g->rate;
            *wait_ms = next > now ? next - now : 1;
            return SRC_OK;
        }
        if (can < (int64_t)want)
            want = (uint32_t)can;
    }
    bool ended = false;
    for (uint32_t i = 0; i < want; i++) {
        for (uint32_t c = 0; c < g->n_cols; c++)
            if (g->cols[c].kind == G_SEQUENCE &&
                g->cols[c].seq_next > g->cols[c].seq_end)
                ended = true;
        if (ended)
            break;
        TxRow tx = {0};
        if (g->is_tx)
            tx_generate(g, &tx);
        Value *row = batch_add(b, ROW_INSERT, WM_NONE);
        for (uint32_t c = 0; c < g->n_cols; c++)
            gen_column(g, &g->cols[c], &tx, &row[c], b->a);
        g->produced++;
        r->rows_read++;
    }
    if (ended || (g->rows_total >= 0 && g->produced >= g->rows_total)) {
        b->flags |= BATCH_F_SPLIT_END;
        return SRC_END;
    }
    return SRC_OK;
}

static void datagen_batch_done(SourceReader *r)
{
    (void)r;
}

static void datagen_describe(SourceReader *r, uint32_t row, char *buf, size_t n)
{
    Datagen *g = (Datagen *)r;
    snprintf(buf, n, "datagen table \"%s\"", g->base.table->name);
    (void)row;
}

static void datagen_close(SourceReader *r)
{
    Datagen *g = (Datagen *)r;
    xfree(g->cols);
    xfree(g);
}

#define DATAGEN_SNAP_LAYOUT 1u

static int datagen_snapshot(SourceReader *r, SnapWriter *w)
{
    Datagen *g = (Datagen *)r;
    snap_put_u32(w, DATAGEN_SNAP_LAYOUT);
    snap_put_i64(w, g->produced);
    for (int i = 0; i < 4; i++)
        snap_put_u64(w, g->rng.s[i]);
    snap_put_i64(w, g->burst_user);
    snap_put_i64(w, g->burst_left);
    snap_put_u32(w, g->n_cols);
    for (uint32_t c = 0; c < g->n_cols; c++)
        snap_put_i64(w, g->cols[c].seq_next);
    return FSQL_OK;
}

static int datagen_restore(SourceReader *r, SnapReader *rd, FsqlErr *err)
{
    Datagen *g = (Datagen *)r;
    if (snap_get_u32(rd) != DATAGEN_SNAP_LAYOUT)
        return fsql_err_set(err, FSQL_E_STATE,
                            "datagen position: unknown layout");
    int64_t produced = snap_get_i64(rd);
    Rng rng;
    for (int i = 0; i < 4; i++)
        rng.s[i] = snap_get_u64(rd);
    int64_t burst_user = snap_get_i64(rd);
    int64_t burst_left = snap_get_i64(rd);
    uint32_t n = snap_get_u32(rd);
    if (rd->bad || n != g->n_cols)
        return fsql_err_set(err, FSQL_E_STATE,
                            "datagen position: malformed or for other "
                            "columns");
    int64_t *seq = xmalloc(sizeof(int64_t) * ((size_t)n + 1));
    bool seq_ok = true;
    for (uint32_t c = 0; c < n; c++) {
        seq[c] = snap_get_i64(rd);
        /* a sequence column is at most one past its end */
        if (g->cols[c].kind == G_SEQUENCE &&
            g->cols[c].seq_end < INT64_MAX && seq[c] > g->cols[c].seq_end + 1)
            seq_ok = false;
    }
    /* Positions no run of this table reaches: a damaged blob, refused
     * before the generator computes with them (rows past
     * 'number-of-rows', the event time of row 2^62, a burst longer than
     * a burst or by a user the table does not have). */
    if (!snap_reader_done(rd) || !seq_ok || produced < 0 ||
        (g->rows_total >= 0 && produced > g->rows_total) ||
        produced > (INT64_C(1) << 48) || burst_left < 0 || burst_left > 16 ||
        burst_user < 0 || burst_user > g->users ||
        (burst_left > 0 && burst_user == 0)) {
        xfree(seq);
        return fsql_err_set(err, FSQL_E_STATE, "datagen position: malformed");
    }
    for (uint32_t c = 0; c < n; c++)
        g->cols[c].seq_next = seq[c];
    xfree(seq);
    g->produced = produced;
    g->rng = rng;
    g->burst_user = burst_user;
    g->burst_left = burst_left;
    g->start_mono = 0;
    return FSQL_OK;
}

static const SourceVtbl datagen_vtbl = {
    .poll = datagen_poll,
    .batch_done = datagen_batch_done,
    .describe = datagen_describe,
    .close = datagen_close,
    .snapshot = datagen_snapshot,
    .restore = datagen_restore,
};

/* ---- open -------------------------------------------------------------- */

static const char *field_opt(const TableDef *t, const char *col,
                             const char *attr, char *key, size_t keylen)
{
    snprintf(key, keylen, "fields.%s.%s", col, attr);
    const char *v = table_def_option(t, key);
    if (v)
        return v;
    /* Column names are case-insensitive in fsql. */
    for (uint32_t i = 0; i < t->n_opts; i++)
        if (strcasecmp(t->keys[i], key) == 0)
            return t->values[i];
    return NULL;
}

static int bad_opt(const TableDef *t, const char *key, const char *val,
                   const char *why, FsqlErr *err)
{
    return fsql_err_set(err, FSQL_E_CONFIG,
                        "table \"%s\": option '%s' = '%s' %s", t->name, key,
                        val, why);
}

static int setup_column(Datagen *g, const TableDef *t, uint32_t i, FsqlErr *err)
{
    ColGen *c = &g->cols[i];
    const RtColumn *col = &t->schema.cols[i];
    char key[512];
    const char *v;
    c->type = col->type;
    c->kind = G_RANDOM;
    c->length = 100;
    c->dmin = 0;
    c->dmax = 1;
    if ((v = field_opt(t, col->name, "null-rate", key, sizeof key))) {
        c->null_rate = strtod(v, NULL);
        if (!(c->null_rate >= 0 && c->null_rate <= 1))
            return bad_opt(t, key, v, "must be between 0 and 1", err);
    }
    if ((v = field_opt(t, col->name, "length", key, sizeof key)))
        c->length = strtoll(v, NULL, 10);
    if ((v = field_opt(t, col->name, "max-past", key, sizeof key)) &&
        conn_parse_duration_ms(v, &c->max_past_ms) < 0)
        return bad_opt(t, key, v, "is not a duration", err);

    if (g->is_tx) {
        static const struct {
            const char *name;
            GenKind kind;
        } named[] = {
            {"transaction_id", G_TX_ID},     {"user_id", G_TX_USER},
            {"merchant_id", G_TX_MERCHANT},  {"amount", G_TX_AMOUNT},
            {"transaction_type", G_TX_TYPE}, {"transaction_time", G_TX_TIME},
            {"ip_address", G_TX_IP},         {"device_id", G_TX_DEVICE},
            {"location", G_TX_LOCATION},
        };
        for (size_t k = 0; k < FSQL_ARRAY_LEN(named); k++)
            if (strcasecmp(col->name, named[k].name) == 0)
                c->kind = named[k].kind;
        if (c->kind == G_RANDOM &&
            (c->type.kind == VK_TIMESTAMP || c->type.kind == VK_TIMESTAMP_LTZ))
            c->kind = G_TX_TIME;
        /* Text concepts need a text column, times a time column. */
        bool is_text = c->kind == G_TX_TYPE || c->kind == G_TX_IP ||
                       c->kind == G_TX_DEVICE || c->kind == G_TX_LOCATION;
        if (is_text && c->type.kind != VK_STRING)
            c->kind = G_RANDOM;
        if (c->kind == G_TX_TIME && c->type.kind != VK_TIMESTAMP &&
            c->type.kind != VK_TIMESTAMP_LTZ)
            c->kind = G_RANDOM;
        if (c->kind != G_RANDOM &&
            !field_opt(t, col->name, "kind", key, sizeof key))
            return FSQL_OK;
    }

    const char *kind = field_opt(t, col->name, "kind", key, sizeof key);
    if (kind && strcasecmp(kind, "sequence") == 0) {
        const char *s = field_opt(t, col->name, "start", key, sizeof key);
        char key2[512];
        const char *e = field_opt(t, col->name, "end", key2, sizeof key2);
        if (!s || !e)
            return fsql_err_set(err, FSQL_E_CONFIG,
                                "table \"%s\": a sequence for column '%s' "
                                "needs 'fields.%s.start' and 'fields.%s.end'",
                                t->name, col->name, col->name, col->name);
        char *end;
        c->seq_next = strtoll(s, &end, 10);
        if (*end)
            return bad_opt(t, key, s, "is not an integer", err);
        c->seq_end = strtoll(e, &end, 10);
        if (*end)
            return bad_opt(t, key2, e, "is not an integer", err);
        c->kind = G_SEQUENCE;
        return FSQL_OK;
    }
    c->kind = G_RANDOM;
    static const char *const attrs[2] = {"min", "max"};
    for (int k = 0; k < 2; k++) {
        v = field_opt(t, col->name, attrs[k], key, sizeof key);
        if (!v)
            continue;
        Value *dst = k ? &c->max : &c->min;
        if (c->type.kind == VK_DOUBLE) {
            char *end;
            double d = strtod(v, &end);
            if (*end || end == v)
                return bad_opt(t, key, v, "is not a number", err);
            if (k)
                c->dmax = d;
            else
                c->dmin = d;
        } else {
            const char *why =
                textconv_value(&c->type, v, strlen(v), NULL, g->tz, dst);
            if (why)
                return bad_opt(t, key, v, why, err);
        }
        if (k)
            c->has_max = true;
        else
            c->has_min = true;
    }
    return FSQL_OK;
}

static int opt_dur(const TableDef *t, const char *key, const char *def,
                   int64_t *out, FsqlErr *err)
{
    const char *v = table_def_option_or(t, key, def);
    if (conn_parse_duration_ms(v, out) < 0)
        return bad_opt(t, key, v, "is not a duration", err);
    return FSQL_OK;
}

static int datagen_open_source(const TableDef *t, const RunCtx *ctx,
                               SourceReader **out, FsqlErr *err)
{
    *out = NULL;
    Datagen *g = xcalloc(1, sizeof *g);
    g->base.v = &datagen_vtbl;
    g->base.table = t;
    g->base.n_splits = 1;
    g->n_cols = t->schema.n_cols;
    g->cols = xcalloc(g->n_cols ? g->n_cols : 1, sizeof(ColGen));
    g->tz = ctx ? ctx->tz : NULL;
    const char *gen = table_def_option_or(t, "generator", "fields");
    g->is_tx = strcasecmp(gen, "transactions") == 0;
    int64_t seed = 42;
    int rc = table_opt_int(t, "number-of-rows", -1, &g->rows_total, err);
    if (rc == FSQL_OK)
        rc = table_opt_int(t, "rows-per-second", 0, &g->rate, err);
    if (rc == FSQL_OK)
        rc = table_opt_int(t, "generator.seed", 42, &seed, err);
    if (rc == FSQL_OK)
        rc = table_opt_int(t, "generator.users", 10000, &g->users, err);
    if (rc == FSQL_OK)
        rc = table_opt_int(t, "generator.merchants", 1000, &g->merchants, err);
    if (rc == FSQL_OK)
        rc = opt_dur(t, "generator.time-step", "10 ms", &g->step_ms, err);
    if (rc == FSQL_OK)
        rc = opt_dur(t, "generator.out-of-orderness", "0 s", &g->ooo_ms, err);
    if (rc == FSQL_OK) {
        const char *st = table_def_option_or(t, "generator.start-time",
                                             "2024-01-01 00:00:00");
        if (!time_parse_timestamp(st, strlen(st), &g->start_ms))
            rc = bad_opt(t, "generator.start-time", st,
                         "is not a timestamp ('yyyy-mm-dd hh:mm:ss')", err);
    }
    if (rc == FSQL_OK) {
        const char *fr = table_def_option_or(t, "generator.fraud-rate", "0.01");
        g->fraud_rate = strtod(fr, NULL);
        if (!(g->fraud_rate >= 0 && g->fraud_rate <= 1))
            rc = bad_opt(t, "generator.fraud-rate", fr,
                         "must be between 0 and 1", err);
    }
    if (rc == FSQL_OK && (g->users < 1 || g->merchants < 1))
        rc = fsql_err_set(err, FSQL_E_CONFIG,
                          "table \"%s\": generator.users and "
                          "generator.merchants must be at least 1",
                          t->name);
    if (g->rate < 0)
        g->rate = 0;
    rng_seed(&g->rng, (uint64_t)seed);
    for (uint32_t i = 0; i < g->n_cols && rc == FSQL_OK; i++)
        rc = setup_column(g, t, i, err);
    if (rc < 0) {
        datagen_close(&g->base);
        return rc;
    }
    *out = &g->base;
    return FSQL_OK;
}

const ConnectorImpl conn_datagen_impl = {
    "datagen",
    datagen_open_source,
    NULL,
    NULL,
};
