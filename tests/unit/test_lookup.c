/*
 * test_lookup.c - unit tests for the lookup cache (runtime/lookup_cache.c)
 * with an injected clock, under both eviction policies, and for the
 * SQLite storage-class mapping of lookup_sqlite.c.
 */
#include "runtime/fsql.h"
#include "runtime/lookup.h"
#include "runtime/decimal.h"
#include "runtime/value_ops.h"
#include "tests/unit/unit.h"

#include <sqlite3.h>
#include <string.h>

static const RtType t_bigint = {VK_INT, RT_SQL_BIGINT, -1, 0, true};
static const RtType t_string = {VK_STRING, 0, -1, 0, true};

static Value vint(int64_t x)
{
    Value v = value_null(VK_INT);
    v.is_null = false;
    v.u.i = x;
    return v;
}

static Value vstr(const char *s)
{
    Value v = value_null(VK_STRING);
    v.is_null = false;
    v.u.s.ptr = s;
    v.u.s.len = (uint32_t)strlen(s);
    return v;
}

static LookupCache *cache_new(int64_t max_rows, int64_t ttl_w, int64_t ttl_a,
                              bool missing, LookupCachePolicy pol)
{
    LookupCacheDef d = {LOOKUP_CACHE_PARTIAL, max_rows, ttl_w, ttl_a, missing};
    static RtType fields[2];
    fields[0] = t_bigint;
    fields[1] = t_string;
    return lookup_cache_new(&d, 1, &t_bigint, 2, fields, pol);
}

/* Put key k with n rows (k*10+i, "r<k>") at time now. */
static void put_rows(LookupCache *c, int64_t k, uint32_t n, int64_t now)
{
    Value key = vint(k);
    Value rows[8];
    char buf[8][16];
    for (uint32_t i = 0; i < n; i++) {
        rows[2 * i] = vint(k * 10 + i);
        snprintf(buf[i], sizeof buf[i], "r%lld", (long long)k);
        rows[2 * i + 1] = vstr(buf[i]);
    }
    LookupRows lr = {n, rows};
    LookupRows got;
    lookup_cache_put(c, &key, lookup_cache_hash(c, &key), &lr, now, &got);
    /* The cached copy owns its strings. */
    for (uint32_t i = 0; i < got.n_rows && n; i++)
        UNIT_CHECK(got.rows[2 * i + 1].u.s.ptr != buf[i]);
}

static bool get(LookupCache *c, int64_t k, int64_t now, LookupRows *out)
{
    Value key = vint(k);
    return lookup_cache_get(c, &key, lookup_cache_hash(c, &key), now, out);
}

static void basic(LookupCachePolicy pol)
{
    LookupCache *c = cache_new(100, -1, -1, true, pol);
    LookupRows r;
    UNIT_CHECK(!get(c, 1, 0, &r));
    put_rows(c, 1, 1, 0);
    put_rows(c, 2, 3, 0); /* non-unique key: three rows */
    put_rows(c, 3, 0, 0); /* cached miss */
    UNIT_REQUIRE(get(c, 1, 1, &r));
    UNIT_EQ_INT(r.n_rows, 1);
    UNIT_EQ_INT(r.rows[0].u.i, 10);
    UNIT_REQUIRE(get(c, 2, 1, &r));
    UNIT_EQ_INT(r.n_rows, 3);
    UNIT_EQ_INT(r.rows[4].u.i, 22);
    UNIT_CHECK(r.rows[5].u.s.len == 2 &&
               memcmp(r.rows[5].u.s.ptr, "r2", 2) == 0);
    UNIT_REQUIRE(get(c, 3, 1, &r));
    UNIT_EQ_INT(r.n_rows, 0);
    LookupCacheStats st = lookup_cache_stats(c);
    UNIT_EQ_INT(st.hits, 3);
    UNIT_EQ_INT(st.misses, 1);
    UNIT_EQ_INT(st.n_keys, 3);
    UNIT_EQ_INT(st.n_rows, 4);
    UNIT_CHECK(st.bytes > 0);
    lookup_cache_free(c);
}

static void lookup_cache_basic_clock(void)
{
    basic(LOOKUP_POLICY_CLOCK);
}

static void lookup_cache_basic_lru(void)
{
    basic(LOOKUP_POLICY_LRU);
}

static void lookup_cache_missing_key_off(void)
{
    LookupCache *c = cache_new(100, -1, -1, false, LOOKUP_POLICY_CLOCK);
    LookupRows r;
    put_rows(c, 7, 0, 0);
    UNIT_CHECK(!get(c, 7, 0, &r));
    UNIT_EQ_INT(lookup_cache_stats(c).n_keys, 0);
    lookup_cache_free(c);
}

static void lookup_cache_expire_after_write(void)
{
    LookupCache *c = cache_new(100, 10, -1, true, LOOKUP_POLICY_CLOCK);
    LookupRows r;
    put_rows(c, 1, 1, 100);
    UNIT_CHECK(get(c, 1, 105, &r));
    UNIT_CHECK(get(c, 1, 109, &r)); /* access does not extend it */
    UNIT_CHECK(!get(c, 1, 110, &r));
    LookupCacheStats st = lookup_cache_stats(c);
    UNIT_EQ_INT(st.expirations, 1);
    UNIT_EQ_INT(st.n_keys, 0);
    put_rows(c, 1, 2, 110);
    UNIT_REQUIRE(get(c, 1, 111, &r));
    UNIT_EQ_INT(r.n_rows, 2);
    lookup_cache_release(c);
    lookup_cache_free(c);
}

static void lookup_cache_expire_after_access(void)
{
    LookupCache *c = cache_new(100, -1, 10, true, LOOKUP_POLICY_LRU);
    LookupRows r;
    put_rows(c, 1, 1, 0);
    UNIT_CHECK(get(c, 1, 9, &r));
    UNIT_CHECK(get(c, 1, 18, &r)); /* each access extends it */
    UNIT_CHECK(!get(c, 1, 28, &r));
    lookup_cache_free(c);
}

static void eviction(LookupCachePolicy pol)
{
    LookupCache *c = cache_new(4, -1, -1, true, pol);
    LookupRows r;
    for (int k = 1; k <= 4; k++)
        put_rows(c, k, 1, 0);
    /* Key 1 is used: under both policies it survives the next insert. */
    UNIT_CHECK(get(c, 1, 1, &r));
    put_rows(c, 5, 1, 2);
    LookupCacheStats st = lookup_cache_stats(c);
    UNIT_EQ_INT(st.n_keys, 4);
    UNIT_EQ_INT(st.evictions, 1);
    UNIT_CHECK(get(c, 1, 3, &r));
    UNIT_CHECK(get(c, 5, 3, &r));
    int present = 0;
    for (int k = 2; k <= 4; k++)
        present += get(c, k, 3, &r);
    UNIT_EQ_INT(present, 2);
    /* Many more keys: the bound holds. */
    for (int k = 100; k < 1100; k++) {
        put_rows(c, k, 2, 4);
        if (k % 64 == 0)
            lookup_cache_release(c);
    }
    st = lookup_cache_stats(c);
    UNIT_EQ_INT(st.n_keys, 4);
    UNIT_EQ_INT(st.n_rows, 8);
    lookup_cache_release(c);
    lookup_cache_free(c);
}

static void lookup_cache_evict_clock(void)
{
    eviction(LOOKUP_POLICY_CLOCK);
}

static void lookup_cache_evict_lru(void)
{
    eviction(LOOKUP_POLICY_LRU);
}

/* Composite string keys, including quotes and SQL text. */
static void lookup_cache_composite(void)
{
    LookupCacheDef d = {LOOKUP_CACHE_PARTIAL, -1, -1, -1, true};
    RtType kt[2] = {t_string, t_bigint};
    LookupCache *c =
        lookup_cache_new(&d, 2, kt, 1, &t_bigint, LOOKUP_POLICY_CLOCK);
    for (int i = 0; i < 5000; i++) {
        char b[64];
        snprintf(b, sizeof b, "k'%d\"; DROP TABLE x", i % 50);
        Value key[2] = {vstr(b), vint(i / 50)};
        Value row = vint(i);
        LookupRows lr = {1, &row};
        lookup_cache_put(c, key, lookup_cache_hash(c, key), &lr, 0, NULL);
    }
    UNIT_EQ_INT(lookup_cache_stats(c).n_keys, 5000);
    Value key[2] = {vstr("k'7\"; DROP TABLE x"), vint(3)};
    LookupRows r;
    UNIT_REQUIRE(lookup_cache_get(c, key, lookup_cache_hash(c, key), 0, &r));
    UNIT_EQ_INT(r.rows[0].u.i, 157);
    lookup_cache_free(c);
}

/* ---- SQLite type mapping -------------------------------------------------- */

static void lookup_sqlite_columns(void)
{
    sqlite3 *db;
    UNIT_REQUIRE(sqlite3_open(":memory:", &db) == SQLITE_OK);
    sqlite3_stmt *st;
    UNIT_REQUIRE(sqlite3_prepare_v2(db,
                                    "SELECT '12.345', 7, 2.5, "
                                    "'2024-01-02 03:04:05.678', "
                                    "1704164645678, '09:30:00', NULL, "
                                    "'abc', 42",
                                    -1, &st, NULL) == SQLITE_OK);
    UNIT_REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    Arena a;
    arena_init(&a, 1024);
    char why[160];
    Value v;
    RtType dec = {VK_DECIMAL, 0, 15, 2, true};
    RtType ts = {VK_TIMESTAMP, 0, 3, 0, true};
    RtType tm = {VK_TIME, 0, 0, 0, true};
    RtType it = {VK_INT, RT_SQL_INT, -1, 0, true};
    /* '12.345' -> DECIMAL(15,2) rounds HALF_UP exactly: 12.35 */
    UNIT_CHECK(!jdbc_sqlite_column(st, 0, &dec, &a, NULL, &v, why, sizeof why));
    UNIT_CHECK(value_get_dec(&v) == 1235);
    UNIT_CHECK(!jdbc_sqlite_column(st, 1, &dec, &a, NULL, &v, why, sizeof why));
    UNIT_CHECK(value_get_dec(&v) == 700);
    UNIT_CHECK(!jdbc_sqlite_column(st, 2, &dec, &a, NULL, &v, why, sizeof why));
    UNIT_CHECK(value_get_dec(&v) == 250);
    UNIT_CHECK(!jdbc_sqlite_column(st, 3, &ts, &a, NULL, &v, why, sizeof why));
    UNIT_EQ_INT(v.u.i, 1704164645678LL);
    UNIT_CHECK(!jdbc_sqlite_column(st, 4, &ts, &a, NULL, &v, why, sizeof why));
    UNIT_EQ_INT(v.u.i, 1704164645678LL);
    UNIT_CHECK(!jdbc_sqlite_column(st, 5, &tm, &a, NULL, &v, why, sizeof why));
    UNIT_EQ_INT(v.u.i, 9 * 3600000 + 30 * 60000);
    UNIT_CHECK(!jdbc_sqlite_column(st, 6, &it, &a, NULL, &v, why, sizeof why));
    UNIT_CHECK(v.is_null);
    const char *m =
        jdbc_sqlite_column(st, 7, &it, &a, NULL, &v, why, sizeof why);
    UNIT_CHECK(m != NULL);
    UNIT_CHECK(
        !jdbc_sqlite_column(st, 8, &t_string, &a, NULL, &v, why, sizeof why));
    UNIT_CHECK(v.u.s.len == 2 && memcmp(v.u.s.ptr, "42", 2) == 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    arena_fini(&a);
}

static const UnitTest lookup_tests[] = {
    {"lookup_cache_basic_clock", lookup_cache_basic_clock},
    {"lookup_cache_basic_lru", lookup_cache_basic_lru},
    {"lookup_cache_missing_key_off", lookup_cache_missing_key_off},
    {"lookup_cache_expire_after_write", lookup_cache_expire_after_write},
    {"lookup_cache_expire_after_access", lookup_cache_expire_after_access},
    {"lookup_cache_evict_clock", lookup_cache_evict_clock},
    {"lookup_cache_evict_lru", lookup_cache_evict_lru},
    {"lookup_cache_composite", lookup_cache_composite},
    {"lookup_sqlite_columns", lookup_sqlite_columns},
    {NULL, NULL},
};

UNIT_REGISTER(lookup_tests)
