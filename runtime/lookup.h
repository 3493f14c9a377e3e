/*
 * lookup.h - the lookup cache that sits in front of every lookup source
 * (SQLite now, MySQL later), and the SQLite helpers shared by the jdbc
 * connector's lookup reader, scan source and sink.
 *
 * Pipeline position: op_lookup_join.c evaluates the probe keys of a row,
 * asks the LookupCache, and only on a miss calls the table's LookupReader
 * (runtime/connector.h); what the reader returns is copied into the cache.
 *
 * The cache (lookup_cache.c):
 *   - keyed by the lookup key values (value_hash / value_equal with the
 *     probe key types); an entry holds *every* dim row of its key (a
 *     non-unique key gives several rows, a miss gives zero rows and is
 *     cached only with cache-missing-key);
 *   - bounded by max-rows, counted in keys as Flink's partial cache does;
 *     eviction is CLOCK (second chance) by default, LRU on request - see
 *     docs/connectors/jdbc.md for the measurement behind the choice;
 *   - expire-after-write and expire-after-access TTLs; time is passed in
 *     by the caller (now_ms) so tests can drive it;
 *   - memory: one xmalloc block per entry (keys, rows and their strings),
 *     counted in LookupCacheStats.bytes.
 *
 * Lifetime rule: rows returned by lookup_cache_get/put point into cache
 * memory.  An entry that is evicted or expires is not freed at once but
 * retired; retired entries are freed by lookup_cache_release(), which the
 * operator calls at batch end (OpVtbl.batch_end), when no output row of
 * the push cycle can still reference them.
 */
#ifndef FSQL_RUNTIME_LOOKUP_H
#define FSQL_RUNTIME_LOOKUP_H

#include "runtime/fsql.h"
#include "runtime/connector.h"
#include "runtime/err.h"
#include "runtime/mem.h"
#include "runtime/program.h"
#include "runtime/value.h"

/* ---- the cache -------------------------------------------------------- */

typedef enum LookupCachePolicy {
    LOOKUP_POLICY_CLOCK, /* second chance: a hit sets one bit (default) */
    LOOKUP_POLICY_LRU    /* exact LRU: a hit relinks the entry */
} LookupCachePolicy;

typedef struct LookupCacheStats {
    uint64_t hits;        /* gets answered from the cache (misses cached
                             as empty count as hits too) */
    uint64_t misses;      /* gets that found nothing (or an expired key) */
    uint64_t loads;       /* entries stored by put */
    uint64_t evictions;   /* entries dropped to stay within max-rows */
    uint64_t expirations; /* entries dropped because a TTL passed */
    uint64_t n_keys;      /* keys cached now */
    uint64_t n_rows;      /* dim rows cached now */
    uint64_t bytes;       /* heap bytes held (entries, retired ones and the
                             hash table) */
} LookupCacheStats;

typedef struct LookupCache LookupCache;

/* A cache for keys of n_keys values of key_types[] and rows of n_fields
 * values of field_types[] (both arrays borrowed; they live in the Program
 * arena).  def->kind must be PARTIAL or FULL; max_rows -1 is unbounded,
 * TTLs -1 mean never.  Never fails. */
LookupCache *lookup_cache_new(const LookupCacheDef *def, uint32_t n_keys,
                              const RtType *key_types, uint32_t n_fields,
                              const RtType *field_types,
                              LookupCachePolicy policy);
void lookup_cache_free(LookupCache *c);

/* Hash of a key (n_keys values); pass it to get and put. */
uint64_t lookup_cache_hash(const LookupCache *c, const Value *key);
/* Start loading the hash bucket of h into the CPU cache (batch probing). */
void lookup_cache_prefetch(const LookupCache *c, uint64_t h);
/* Then (some rows later) start loading the first entry of that bucket. */
void lookup_cache_prefetch_entry(const LookupCache *c, uint64_t h);

/* Look key up at time now_ms.  On a hit *out holds the cached rows
 * (possibly zero rows: a cached miss) and true is returned; an expired
 * entry is retired and counts as a miss.  out rows stay valid until
 * lookup_cache_release(). */
bool lookup_cache_get(LookupCache *c, const Value *key, uint64_t h,
                      int64_t now_ms, LookupRows *out);
/* Store rows (possibly none) for key, copying keys, rows and strings into
 * cache memory; evicts to stay within max-rows.  With cache-missing-key
 * off an empty result is not stored.  *out (may be NULL) receives the
 * cached copy, or rows itself when nothing was stored. */
void lookup_cache_put(LookupCache *c, const Value *key, uint64_t h,
                      const LookupRows *rows, int64_t now_ms, LookupRows *out);
/* Free retired entries (call at batch end). */
void lookup_cache_release(LookupCache *c);

LookupCacheStats lookup_cache_stats(const LookupCache *c);

/* One key of a lookup operator (LookupJoin, the lookup SemiJoin): asks
 * cache c (may be NULL) at now_ms, and on a miss reader r, whose rows
 * (strings in arena a) are then cached.  r may be NULL (a bounded table
 * whose cache holds it whole): a miss finds no rows.  *n_reads counts the
 * reader calls; a call that returns LOOKUP_DEGRADED counts in *n_failed,
 * finds no rows and is not cached.  h is lookup_cache_hash(c, key) (any
 * value when c is NULL).  Returns FSQL_OK, or the reader's error with err
 * set. */
int lookup_fetch(LookupCache *c, LookupReader *r, const Value *key, uint64_t h,
                 int64_t now_ms, Arena *a, LookupRows *out, uint64_t *n_reads,
                 uint64_t *n_failed, FsqlErr *err);
/* The cache most recently created on this thread, then forgets it (NULL
 * when none since the last call): runtime/metrics.c attributes a cache
 * to the operator that was opening.  (Added for metrics, issue 10.) */
LookupCache *lookup_cache_take_last_new(void);
/* "policy=clock" / "policy=lru" for stats lines. */
const char *lookup_cache_policy_name(LookupCachePolicy p);

/* ---- SQLite helpers (lookup_sqlite.c) --------------------------------- */

struct sqlite3;
struct sqlite3_stmt;

/* "jdbc:sqlite:PATH" -> the file path, resolved against base_dir when
 * relative (":memory:" and "file:" URIs are kept).  Into buf. */
void jdbc_sqlite_path(const char *url, const char *base_dir, char *buf,
                      size_t n);
/* Open the database of table t (url and table-name options).  Read-only
 * unless is_write; a missing file is an error for readers, created for
 * writers.  Errors name the URL: "jdbc:sqlite:data/risk.db: ...". */
int jdbc_sqlite_open(const TableDef *t, bool is_write, struct sqlite3 **db,
                     FsqlErr *err);
/* Append "name" quoted as an SQLite identifier. */
void jdbc_sqlite_quote_ident(StrBuf *sb, const char *name);
/* Bind v of type t to parameter i (1-based) of st; strings are copied by
 * SQLite (SQLITE_TRANSIENT).  DECIMAL goes as exact text, TIMESTAMP as
 * 'yyyy-mm-dd hh:mm:ss.fff', DATE/TIME as text, BOOLEAN as 0/1. */
int jdbc_sqlite_bind(struct sqlite3_stmt *st, int i, const Value *v,
                     const RtType *t, const TimeZone *tz);
/* Read column i of the current row of st as a value of type t (the
 * storage-class mapping of docs/connectors/jdbc.md); strings go to arena
 * a.  NULL when fine, else a reason phrase ("'abc' is not an INT"
 * formatted into why[0..whylen)). */
const char *jdbc_sqlite_column(struct sqlite3_stmt *st, int i, const RtType *t,
                               Arena *a, const TimeZone *tz, Value *v,
                               char *why, size_t whylen);

/* The jdbc connector's SQLite back ends (lookup_sqlite.c / conn_jdbc.c). */
int jdbc_sqlite_open_lookup(const TableDef *t, const LookupSpec *spec,
                            const RunCtx *ctx, LookupReader **out,
                            FsqlErr *err);
int jdbc_sqlite_open_source(const TableDef *t, const RunCtx *ctx,
                            SourceReader **out, FsqlErr *err);
int jdbc_sqlite_open_sink(const TableDef *t, const RunCtx *ctx,
                          SinkWriter **out, FsqlErr *err);

#endif
