/*
 * bench_cache.c - the lookup cache's eviction policies side by side (a
 * benchmark, not a test: it prints figures and always exits 0).
 *
 * For CLOCK and LRU (runtime/lookup_cache.c) it replays the same key
 * streams through get-then-put-on-miss, as op_lookup_join.c does, and
 * prints the hit ratio and the time per lookup on one core:
 *   zipf-0.99   keys drawn from a Zipf(0.99) law over K keys, cache of C
 *               keys (skewed traffic: a few users make most payments);
 *   zipf-0.7    a flatter law;
 *   scan+hot    90% Zipf(0.99) traffic mixed with a one-pass scan over
 *               fresh keys (a batch job or a bot), which LRU lets flush
 *               its hot set;
 *   warm        every key loaded first (C = K), uniform keys: the pure
 *               hit cost on a table far larger than the CPU caches;
 *   warm+pf     the same probed as the operator does: 64 keys at a time,
 *               buckets and then entries prefetched before the gets.
 * Rows carry 5 fields (2 strings) like the seed's user profile.
 *
 *   bench_cache [K] [C] [N]     defaults 1000000 100000 4000000
 */
#include "runtime/fsql.h"
#include "runtime/lookup.h"
#include "runtime/mem.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t rng_state = 0x853C49E6748FEA9BULL;

static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Zipf(s) ranks 0..k-1 via the inverse CDF (binary search). */
static void zipf_stream(int64_t *out, size_t n, int64_t k, double s)
{
    double *cdf = xmalloc(sizeof(double) * (size_t)k);
    double sum = 0;
    for (int64_t i = 0; i < k; i++) {
        sum += 1.0 / pow((double)(i + 1), s);
        cdf[i] = sum;
    }
    for (size_t j = 0; j < n; j++) {
        double u = (double)(rnd() >> 11) / 9007199254740992.0 * sum;
        int64_t lo = 0, hi = k - 1;
        while (lo < hi) {
            int64_t mid = (lo + hi) / 2;
            if (cdf[mid] < u)
                lo = mid + 1;
            else
                hi = mid;
        }
        /* Scatter ranks over the id space so hot keys are not neighbours. */
        out[j] =
            1 + (int64_t)(((uint64_t)lo * 0x9E3779B97F4A7C15ULL) % (uint64_t)k);
    }
    xfree(cdf);
}

static const RtType t_bigint = {VK_INT, 5, -1, 0, true};
static const RtType t_str = {VK_STRING, 0, -1, 0, true};

static void run(const char *name, const int64_t *keys, size_t n, int64_t cap,
                LookupCachePolicy pol, int64_t preload, bool batched)
{
    LookupCacheDef d = {LOOKUP_CACHE_PARTIAL, cap, -1, -1, true};
    RtType fields[5] = {t_bigint, t_bigint, t_str, t_str, t_bigint};
    LookupCache *c = lookup_cache_new(&d, 1, &t_bigint, 5, fields, pol);
    Value row[5];
    memset(row, 0, sizeof row);
    row[2].kind = row[3].kind = VK_STRING;
    row[2].u.s.ptr = "MEDIUM";
    row[2].u.s.len = 6;
    row[3].u.s.ptr = "AA";
    row[3].u.s.len = 2;
    LookupRows lr = {1, row};
    uint64_t sink = 0;
    for (int64_t i = 1; i <= preload; i++) {
        Value key;
        memset(&key, 0, sizeof key);
        key.kind = VK_INT;
        key.u.i = i;
        row[0].u.i = i;
        lookup_cache_put(c, &key, lookup_cache_hash(c, &key), &lr, 0, NULL);
    }
    LookupCacheStats st0 = lookup_cache_stats(c);
    double t0 = now_s();
    if (batched) {
        /* As op_lookup_join.c probes: hashes and bucket prefetches for 64
         * keys, then entry prefetches, then the gets. */
        for (size_t i0 = 0; i0 < n; i0 += 64) {
            size_t m = n - i0 < 64 ? n - i0 : 64;
            Value kb[64];
            uint64_t hb[64];
            for (size_t j = 0; j < m; j++) {
                memset(&kb[j], 0, sizeof kb[j]);
                kb[j].kind = VK_INT;
                kb[j].u.i = keys[i0 + j];
                hb[j] = lookup_cache_hash(c, &kb[j]);
                lookup_cache_prefetch(c, hb[j]);
            }
            for (size_t j = 0; j < m; j++)
                lookup_cache_prefetch_entry(c, hb[j]);
            for (size_t j = 0; j < m; j++) {
                LookupRows out;
                if (!lookup_cache_get(c, &kb[j], hb[j], 0, &out)) {
                    row[0].u.i = kb[j].u.i;
                    lookup_cache_put(c, &kb[j], hb[j], &lr, 0, &out);
                }
                sink += (uint64_t)out.rows[0].u.i;
            }
            lookup_cache_release(c);
        }
    }
    for (size_t i = 0; !batched && i < n; i++) {
        Value key;
        memset(&key, 0, sizeof key);
        key.kind = VK_INT;
        key.u.i = keys[i];
        uint64_t h = lookup_cache_hash(c, &key);
        LookupRows out;
        if (!lookup_cache_get(c, &key, h, 0, &out)) {
            row[0].u.i = keys[i];
            lookup_cache_put(c, &key, h, &lr, 0, &out);
        }
        sink += (uint64_t)out.rows[0].u.i;
        if ((i & 1023) == 1023)
            lookup_cache_release(c);
    }
    double dt = now_s() - t0;
    LookupCacheStats st = lookup_cache_stats(c);
    st.hits -= st0.hits;
    st.misses -= st0.misses;
    printf("  %-10s %-6s hit ratio %6.2f%%  %6.1f ns/lookup  %7.1f MiB%s\n",
           name, lookup_cache_policy_name(pol),
           100.0 * (double)st.hits / (double)(st.hits + st.misses),
           dt * 1e9 / (double)n, (double)st.bytes / 1048576.0,
           sink == 42 ? " " : "");
    lookup_cache_free(c);
}

int main(int argc, char **argv)
{
    int64_t k = argc > 1 ? atoll(argv[1]) : 1000000;
    int64_t cap = argc > 2 ? atoll(argv[2]) : 100000;
    size_t n = argc > 3 ? (size_t)atoll(argv[3]) : 4000000;
    int64_t *keys = xmalloc(sizeof(int64_t) * n);
    printf("lookup cache policies: %lld keys, cache of %lld keys, %zu "
           "lookups each\n",
           (long long)k, (long long)cap, n);

    zipf_stream(keys, n, k, 0.99);
    run("zipf-0.99", keys, n, cap, LOOKUP_POLICY_CLOCK, 0, false);
    run("zipf-0.99", keys, n, cap, LOOKUP_POLICY_LRU, 0, false);

    zipf_stream(keys, n, k, 0.7);
    run("zipf-0.7", keys, n, cap, LOOKUP_POLICY_CLOCK, 0, false);
    run("zipf-0.7", keys, n, cap, LOOKUP_POLICY_LRU, 0, false);

    zipf_stream(keys, n, k, 0.99);
    int64_t fresh = k + 1;
    for (size_t i = 0; i < n; i++)
        if (rnd() % 10 == 0)
            keys[i] = fresh++; /* a scan over keys seen once */
    run("scan+hot", keys, n, cap, LOOKUP_POLICY_CLOCK, 0, false);
    run("scan+hot", keys, n, cap, LOOKUP_POLICY_LRU, 0, false);

    for (size_t i = 0; i < n; i++)
        keys[i] = 1 + (int64_t)(rnd() % (uint64_t)k);
    run("warm", keys, n, k, LOOKUP_POLICY_CLOCK, k, false);
    run("warm", keys, n, k, LOOKUP_POLICY_LRU, k, false);
    run("warm+pf", keys, n, k, LOOKUP_POLICY_CLOCK, k, true);
    run("warm+pf", keys, n, k, LOOKUP_POLICY_LRU, k, true);
    xfree(keys);
    return 0;
}
