/*
 * bench_json.c - benchmark of the schema-driven JSON decoder beside yajl
 * (a benchmark, not a test: it prints figures and always exits 0).
 *
 * Generates N seed-002 transaction events (about 220 bytes each, one JSON
 * object per line) into memory, then times, on one core:
 *   (a) a plain loop that only finds the line ends (the baseline),
 *   (b) yajl_tree_parse() on each line (builds a tree, then frees it),
 *   (c) yajl's callback parser over the same lines (no tree),
 *   (d) json_decode() with the full 9-column seed schema,
 *   (e) json_decode() with a 3-column projection,
 *   (f) json_encoder_row() of the rows decoded by (d) (the sink side).
 * Each figure is the best of three runs.  (b) and (c) need libyajl-dev
 * (HAVE_YAJL, set by the Makefile when its headers are installed).
 *
 *   build/bin/bench_json [N]
 */
#include "runtime/fsql.h"
#include "runtime/json.h"
#include "runtime/mem.h"
#include "runtime/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef HAVE_YAJL
#include <yajl/yajl_parse.h>
#include <yajl/yajl_tree.h>
#endif

#define REPEAT 3

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint64_t rng(void)
{
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 2685821657736338717ULL;
}

/* Append n events to sb, one per line. */
static void generate(StrBuf *sb, long n)
{
    static const char *types[] = {"PAYMENT", "TRANSFER", "WITHDRAWAL",
                                  "DEPOSIT", "REFUND"};
    static const char *cities[] = {"Shanghai",  "Beijing",  "Shenzhen",
                                   "Guangzhou", "Hangzhou", "Chengdu"};
    long long t0 = 1704103200000LL; /* 2024-01-01 10:00:00 */
    for (long i = 0; i < n; i++) {
        long long ms = t0 + i * 7 + (long long)(rng() % 5000);
        long long s = ms / 1000;
        int sec = (int)(s % 60), min = (int)(s / 60 % 60),
            hour = (int)(s / 3600 % 24);
        int day = 1 + (int)((s - 1704067200LL) / 86400);
        char line[512];
        int k = snprintf(
            line, sizeof line,
            "{\"transaction_id\":%lld,\"user_id\":%llu,\"amount\":%llu.%02llu,"
            "\"merchant_id\":%llu,\"transaction_type\":\"%s\","
            "\"transaction_time\":\"2024-01-%02d %02d:%02d:%02d.%03lld\","
            "\"ip_address\":\"10.%llu.%llu.%llu\",\"device_id\":\"dev-%llu\","
            "\"location\":\"%s\"}\n",
            1000000000000LL + i, (unsigned long long)(rng() % 1000000),
            (unsigned long long)(rng() % 50000),
            (unsigned long long)(rng() % 100),
            (unsigned long long)(rng() % 10000), types[rng() % 5], day, hour,
            min, sec, ms % 1000, (unsigned long long)(rng() % 256),
            (unsigned long long)(rng() % 256),
            (unsigned long long)(rng() % 256),
            (unsigned long long)(rng() % 100000), cities[rng() % 6]);
        strbuf_append(sb, line, (size_t)k);
    }
}

typedef struct Result {
    const char *name;
    double secs; /* best of REPEAT */
    long ok;     /* rows accepted, as a sanity check */
} Result;

static volatile size_t sink; /* defeats dead-code elimination */

static long run_lines(const char *buf, size_t len)
{
    const char *p = buf, *end = buf + len;
    long n = 0;
    size_t total = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t l = (size_t)((nl ? nl : end) - p);
        total += l;
        n++;
        p += l + 1;
    }
    sink = total;
    return n;
}

static long run_ours(const char *buf, size_t len, JsonDecoder *d,
                     uint32_t n_cols)
{
    const char *p = buf, *end = buf + len;
    Arena a;
    arena_init(&a, 64 * 1024);
    Value row[16];
    long ok = 0, in_batch = 0;
    JsonError err;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t l = (size_t)((nl ? nl : end) - p);
        if (json_decode(d, p, l, &a, row, &err) == JSON_OK)
            ok++;
        if (++in_batch == 1024) { /* batch end */
            arena_reset(&a);
            in_batch = 0;
        }
        p += l + 1;
    }
    sink = (size_t)row[n_cols - 1].u.i;
    arena_fini(&a);
    return ok;
}

#ifdef HAVE_YAJL
static long run_yajl_tree(char *buf, size_t len)
{
    char *p = buf, *end = buf + len;
    long ok = 0;
    char errbuf[128];
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t l = (size_t)((nl ? nl : end) - p);
        char saved = p[l];
        p[l] = '\0'; /* yajl_tree_parse wants a C string */
        yajl_val v = yajl_tree_parse(p, errbuf, sizeof errbuf);
        p[l] = saved;
        if (v && YAJL_IS_OBJECT(v))
            ok++;
        yajl_tree_free(v);
        p += l + 1;
    }
    return ok;
}

static long cb_count;
static int cb_null(void *ctx)
{
    (void)ctx;
    cb_count++;
    return 1;
}
static int cb_bool(void *ctx, int b)
{
    (void)ctx;
    cb_count += b;
    return 1;
}
static int cb_int(void *ctx, long long x)
{
    (void)ctx;
    cb_count += (long)(x & 1);
    return 1;
}
static int cb_double(void *ctx, double x)
{
    (void)ctx;
    cb_count += x > 0;
    return 1;
}
static int cb_str(void *ctx, const unsigned char *s, size_t n)
{
    (void)ctx;
    (void)s;
    cb_count += (long)n;
    return 1;
}
static int cb_start_map(void *ctx)
{
    (void)ctx;
    return 1;
}
static int cb_end_map(void *ctx)
{
    (void)ctx;
    cb_count++;
    return 1;
}

static long run_yajl_cb(const char *buf, size_t len)
{
    static const yajl_callbacks cbs = {
        cb_null,      cb_bool, cb_int,     cb_double,    NULL,      cb_str,
        cb_start_map, cb_str,  cb_end_map, cb_start_map, cb_end_map};
    yajl_handle h = yajl_alloc(&cbs, NULL, NULL);
    yajl_config(h, yajl_allow_multiple_values, 1);
    const char *p = buf, *end = buf + len;
    long ok = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t l = (size_t)((nl ? nl : end) - p);
        if (yajl_parse(h, (const unsigned char *)p, l) == yajl_status_ok)
            ok++;
        p += l + 1;
    }
    yajl_complete_parse(h);
    yajl_free(h);
    sink = (size_t)cb_count;
    return ok;
}
#endif

static RtType bty(ValueKind k, uint8_t sql_kind, int32_t p, int32_t s)
{
    RtType t = {k, sql_kind, p, s, true};
    return t;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    if (n <= 0)
        n = 1000000;
    StrBuf sb;
    strbuf_init(&sb);
    generate(&sb, n);
    printf("bench_json: %ld events, %.1f bytes/event, best of %d runs, "
           "one core\n",
           n, (double)sb.len / (double)n, REPEAT);

    RtColumn full[9] = {
        {"transaction_id", bty(VK_INT, RT_SQL_BIGINT, -1, 0)},
        {"user_id", bty(VK_INT, RT_SQL_BIGINT, -1, 0)},
        {"amount", bty(VK_DECIMAL, 8, 15, 2)},
        {"merchant_id", bty(VK_INT, RT_SQL_BIGINT, -1, 0)},
        {"transaction_type", bty(VK_STRING, 10, -1, 0)},
        {"transaction_time", bty(VK_TIMESTAMP, 15, 3, 0)},
        {"ip_address", bty(VK_STRING, 10, -1, 0)},
        {"device_id", bty(VK_STRING, 10, -1, 0)},
        {"location", bty(VK_STRING, 10, -1, 0)},
    };
    RtColumn proj[3] = {full[1], full[2], full[5]};
    RtSchema s_full = {9, full}, s_proj = {3, proj};
    JsonDecoder *d_full = json_decoder_new(&s_full, NULL);
    JsonDecoder *d_proj = json_decoder_new(&s_proj, NULL);

    Result res[8];
    int n_res = 0;
    enum { M_LINES, M_YTREE, M_YCB, M_FULL, M_PROJ, M_ENC, M_COUNT };
    static const char *names[M_COUNT] = {
        "(a) find line ends (baseline)", "(b) yajl tree parse",
        "(c) yajl callback parse",       "(d) fsql decode, 9 columns",
        "(e) fsql decode, 3 columns",    "(f) fsql encode, 9 columns"};

    /* rows for the encoder: decode a sample of 4096 events once */
    enum { SAMPLE = 4096 };
    Value *rows = xmalloc(sizeof(Value) * 9 * SAMPLE);
    Arena keep;
    arena_init(&keep, 1 << 20);
    {
        const char *p = sb.ptr;
        for (int i = 0; i < SAMPLE && i < n; i++) {
            const char *nl = memchr(p, '\n', sb.len - (size_t)(p - sb.ptr));
            json_decode(d_full, p, (size_t)(nl - p), &keep, rows + 9 * i, NULL);
            p = nl + 1;
        }
    }
    int sample = n < SAMPLE ? (int)n : SAMPLE;
    JsonEncoder *enc = json_encoder_new(&s_full, NULL);

    for (int m = 0; m < M_COUNT; m++) {
#ifndef HAVE_YAJL
        if (m == M_YTREE || m == M_YCB) {
            printf("%-32s  skipped: libyajl-dev is not installed\n", names[m]);
            continue;
        }
#endif
        Result r = {names[m], 1e30, 0};
        for (int rep = 0; rep < REPEAT; rep++) {
            double t = now_s();
            long ok = 0;
            switch (m) {
            case M_LINES:
                ok = run_lines(sb.ptr, sb.len);
                break;
#ifdef HAVE_YAJL
            case M_YTREE:
                ok = run_yajl_tree(sb.ptr, sb.len);
                break;
            case M_YCB:
                ok = run_yajl_cb(sb.ptr, sb.len);
                break;
#endif
            case M_FULL:
                ok = run_ours(sb.ptr, sb.len, d_full, 9);
                break;
            case M_PROJ:
                ok = run_ours(sb.ptr, sb.len, d_proj, 3);
                break;
            case M_ENC: {
                StrBuf out;
                strbuf_init(&out);
                strbuf_reserve(&out, 1 << 20);
                for (long i = 0; i < n; i++) {
                    json_encoder_row(enc, &out, rows + 9 * (i % sample));
                    strbuf_putc(&out, '\n');
                    if (out.len > (1 << 20) - 1024) { /* a write() here */
                        sink += out.len;
                        strbuf_clear(&out);
                    }
                }
                strbuf_fini(&out);
                ok = n;
                break;
            }
            default:
                break;
            }
            t = now_s() - t;
            if (t < r.secs)
                r.secs = t;
            r.ok = ok;
        }
        res[n_res++] = r;
    }
    double base = res[0].secs;
    printf("%-32s %14s %10s %10s %10s\n", "method", "events/s", "ns/event",
           "x baseline", "rows ok");
    for (int i = 0; i < n_res; i++) {
        double ns = res[i].secs * 1e9 / (double)n;
        printf("%-32s %14.0f %10.1f %10.1f %10ld\n", res[i].name,
               (double)n / res[i].secs, ns, res[i].secs / base, res[i].ok);
    }
    json_encoder_free(enc);
    arena_fini(&keep);
    xfree(rows);
    json_decoder_free(d_full);
    json_decoder_free(d_proj);
    strbuf_fini(&sb);
    return 0;
}
