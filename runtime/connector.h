/*
 * connector.h - the interfaces between operators and the outside world:
 * SourceReader (scan a table), SinkWriter (write a table), LookupReader
 * (look rows of a dimension table up by key), and the registry that finds
 * a connector implementation by its 'connector' option.
 *
 * Each connector lives in runtime/conn_<name>.c and exports one
 * `const ConnectorImpl conn_<name>_impl`; adding a connector is one line
 * in CONNECTOR_IMPLS below.  A connector leaves the open functions it
 * does not support NULL.
 *
 * Threading: every call happens on the job's loop thread.
 *
 * Memory: a reader's rows go into the Batch the source operator passes in
 * (Values in b->rows, strings in the batch arena b->a or in the reader's
 * own read buffer, which must stay valid until batch_done()).  A writer
 * must encode or copy what it keeps before write() returns.  Lookup rows
 * stay valid until the next get() on the same reader or the end of the
 * current batch, whichever comes first.
 *
 * Errors: int results are FSQL_OK or a negative FSQL_E_* with err filled
 * (runtime/err.h).  Open errors (missing file, unreadable database,
 * missing table) are reported before any row is read.
 */
#ifndef FSQL_RUNTIME_CONNECTOR_H
#define FSQL_RUNTIME_CONNECTOR_H

#include "runtime/fsql.h"
#include "runtime/batch.h"
#include "runtime/err.h"
#include "runtime/mem.h"
#include "runtime/program.h"
#include "runtime/timeutil.h"
#include "runtime/value.h"

#include <stdio.h>

struct SnapWriter;
struct SnapReader;

/* What a connector gets to know about the job. */
typedef struct RunCtx {
    const TimeZone *tz;      /* session zone; never NULL (UTC) */
    const Program *prog;     /* settings, source path */
    FILE *out;               /* standard output of the job (print) */
    FILE *err_out;           /* standard error (print standard-error) */
    /* The job's name ('pipeline.name', else derived from the checkpoint
     * directory); exactly-once sinks key their progress records by it.
     * Never NULL ("fsql"). */
    const char *job_name;
    bool checkpointing;      /* checkpoints are being taken (issue 10) */
} RunCtx;

/* ---- sources ---------------------------------------------------------- */

/* poll() results. */
enum {
    SRC_OK = 0,   /* rows were produced (maybe none: see wait_ms) */
    SRC_END = 1,  /* no more rows ever; b may still hold final rows */
    SRC_ERROR = -1
};

typedef struct SourceReader SourceReader;

typedef struct SourceVtbl {
    /* Append up to b->cap rows to the (cleared) batch b, in the table
     * def's schema, with kinds (ROW_INSERT for append-only sources), wm =
     * WM_NONE, and b->split / b->flags set.  When no row is ready but more
     * may come, return SRC_OK with no rows and set *wait_ms to how long
     * the loop may sleep before polling again. */
    int (*poll)(SourceReader *r, Batch *b, int64_t *wait_ms, FsqlErr *err);
    /* The last batch is fully processed: its strings may be released. */
    void (*batch_done)(SourceReader *r);
    /* Where row `row` of the last batch came from ("data/t.json:12",
     * "topic orders, partition 3, offset 18211"), for error messages. */
    void (*describe)(SourceReader *r, uint32_t row, char *buf, size_t n);
    /* Release everything (the reader itself included). */
    void (*close)(SourceReader *r);
    /* Checkpoints (issue 10, runtime/checkpoint.h): write the reader's
     * position - everything delivered so far is before it (file index and
     * byte offset, Kafka offset per partition, generator state).  NULL:
     * the source cannot be checkpointed (the job says so at start). */
    int (*snapshot)(SourceReader *r, struct SnapWriter *w);
    /* Resume from a snapshot() blob, after open and before the first
     * poll: the next row delivered is the first one after the position. */
    int (*restore)(SourceReader *r, struct SnapReader *rd, FsqlErr *err);
    /* Checkpoint id is durable: commit positions outside (Kafka group
     * offsets).  May be NULL. */
    void (*checkpoint_done)(SourceReader *r, uint64_t id);
    /* Watermark alignment (runtime/wm_align.h) holds the source back
     * (paused) or lets it go.  May be NULL: the loop then stops polling a
     * paused source.  A reader that has it is polled as usual while
     * paused and returns at most what it had already fetched (the Kafka
     * source pauses its partitions, so its consumer keeps polling and
     * stays in its group).  Called again at every alignment update while
     * the source stays paused: it must be idempotent. */
    void (*set_paused)(SourceReader *r, bool paused);
} SourceVtbl;

struct SourceReader {
    const SourceVtbl *v;
    const TableDef *table;
    uint32_t n_splits;      /* splits known so far (1 for a plain file) */
    uint64_t rows_read;     /* rows produced */
    uint64_t rows_skipped;  /* malformed records dropped (ignore-parse-errors) */
    uint64_t fields_nulled; /* bad values read as NULL (ignore-parse-errors) */
    uint64_t bytes_read;    /* record payload bytes read; 0 where a connector
                               does not count them (metrics, issue 10) */
    /* (Added by the kafka helper.)  Optional, NULL by default: block for
     * up to timeout_ms or until input arrives.  When this reader is the
     * only source still running, the loop calls it instead of sleeping,
     * so a record wakes the job at once (the Kafka source waits on its
     * consumer queue); with several sources the loop sleeps as usual. */
    void (*wait)(SourceReader *r, int64_t timeout_ms);
    /* (Added for issue 4, idle inputs.)  All n_splits splits are read at
     * once (Kafka partitions), so a split without rows yet holds the
     * watermark back (until it ends or turns idle); false (files read one
     * after another): only splits that produced something count. */
    bool splits_concurrent;
    /* (Added by the kafka helper, issue 10 metrics.)  Optional, NULL by
     * default: the consumer lag of the i-th partition the reader knows
     * (i from 0; false past the last): its topic (valid until the next
     * poll), number, and lag = high watermark - next offset to read, -1
     * when not known yet.  Cheap (no network): called when metrics are
     * rendered. */
    bool (*partition_lag)(SourceReader *r, uint32_t i, const char **topic,
                          int32_t *partition, int64_t *lag);
};

/* ---- sinks ------------------------------------------------------------ */

typedef struct SinkWriter SinkWriter;

typedef struct SinkVtbl {
    /* Write the rows of b (b->n_cols == table schema width, in schema
     * order; kinds say +I/-U/+U/-D). */
    int (*write)(SinkWriter *w, const Batch *b, FsqlErr *err);
    /* Make what was written durable/visible (end of input, checkpoint). */
    int (*flush)(SinkWriter *w, FsqlErr *err);
    /* Release everything (the writer itself included); flushes first.
     * An exactly-once writer does not commit in close(): rows after the
     * last checkpoint are discarded (a restart replays them). */
    void (*close)(SinkWriter *w);
    /* Exactly-once ('sink.delivery-guarantee' = 'exactly-once', issue 10,
     * runtime/checkpoint.h).  A writer that supports it sets these three;
     * flush() then does not make rows visible.  precommit: the rows
     * written since the previous checkpoint are epoch id; make them
     * durable but invisible and put into out what recover() needs to
     * commit them in another process (the rows themselves for jdbc, file
     * names for filesystem, the transaction's records for Kafka). */
    int (*precommit)(SinkWriter *w, uint64_t id, struct SnapWriter *out,
                     FsqlErr *err);
    /* The checkpoint holding epoch id is durable: make the epoch visible.
     * Idempotent: committing an epoch already committed does nothing. */
    int (*commit)(SinkWriter *w, uint64_t id, FsqlErr *err);
    /* Restart from checkpoint id, whose precommit blob is in pending:
     * commit the epoch unless it is already committed, and discard what a
     * crashed process wrote after it (files in progress, transactions). */
    int (*recover)(SinkWriter *w, uint64_t id, struct SnapReader *pending,
                   FsqlErr *err);
    /* (Added by eo-sinks, issue 6: sink.buffer-flush.interval.)  Optional.
     * The monotonic time (job_now_mono_ms() clock) by which buffered rows
     * must be written even if no more rows arrive, or INT64_MAX when
     * nothing waits.  op_sink.c arms its operator timer with it after each
     * write and calls flush() when the timer fires. */
    int64_t (*flush_due_ms)(SinkWriter *w);
} SinkVtbl;

struct SinkWriter {
    const SinkVtbl *v;
    const TableDef *table;  /* NULL for the Collect output */
    uint64_t rows_written;
};

/* ---- lookups ---------------------------------------------------------- */

/* What a lookup join asks of a table: rows whose key_cols equal the key
 * values, returning the columns fields[] (indexes into the TableDef
 * schema).  Keys are compared with SQL '=' (a NULL key matches nothing). */
typedef struct LookupSpec {
    uint32_t n_keys;
    const uint32_t *key_cols;
    const RtType *key_types; /* types of the probe key values */
    uint32_t n_fields;
    const uint32_t *fields;
} LookupSpec;

typedef struct LookupRows {
    uint32_t n_rows;
    const Value *rows; /* n_rows * spec.n_fields, row-major */
} LookupRows;

typedef struct LookupReader LookupReader;

typedef struct LookupVtbl {
    /* Every row matching key[0..n_keys) into *out (0 rows: a miss).
     * Strings may be built in arena a (the batch arena). */
    int (*get)(LookupReader *r, const Value *key, Arena *a, LookupRows *out,
               FsqlErr *err);
    void (*close)(LookupReader *r);
    /* The push cycle is over: release what get() kept open for the batch
     * (the SQLite reader's read transaction).  May be NULL.  (Added by
     * the lookup helper; called from op_lookup_join.c's batch_end.) */
    void (*batch_end)(LookupReader *r);
    /* Optional (NULL: the operator calls get() once per key).  Look n
     * distinct, non-NULL keys up at once (the cache misses of a probe
     * chunk): keys holds n * n_keys values, out[i] receives the rows of
     * key i.  Rows stay valid until the next get/get_many on r or the end
     * of the batch.  Returns FSQL_OK, an error, or LOOKUP_DEGRADED: some
     * keys could not be looked up (the source is unreachable after its
     * retries and its failure mode lets rows pass); those keys have
     * out[i].rows == NULL and zero rows, and must not be cached.  get()
     * may return LOOKUP_DEGRADED too.  (Added for the MySQL back end,
     * issue 6; op_lookup_join.c uses it when present.) */
    int (*get_many)(LookupReader *r, uint32_t n, const Value *keys,
                    Arena *a, LookupRows *out, FsqlErr *err);
} LookupVtbl;

/* get/get_many result: the lookup failed, the rows pass unmatched. */
#define LOOKUP_DEGRADED 1

struct LookupReader {
    const LookupVtbl *v;
    const TableDef *table;
    LookupSpec spec;        /* copied by the opener into its own memory */
};

/* ---- the registry ----------------------------------------------------- */

typedef struct ConnectorImpl {
    const char *name; /* the 'connector' option value */
    int (*open_source)(const TableDef *t, const RunCtx *ctx,
                       SourceReader **out, FsqlErr *err);
    int (*open_sink)(const TableDef *t, const RunCtx *ctx, SinkWriter **out,
                     FsqlErr *err);
    int (*open_lookup)(const TableDef *t, const LookupSpec *spec,
                       const RunCtx *ctx, LookupReader **out, FsqlErr *err);
} ConnectorImpl;

/* X(c_identifier): runtime/conn_<c_identifier>.c exports
 * conn_<c_identifier>_impl. */
#define CONNECTOR_IMPLS(X) \
    X(blackhole)           \
    X(datagen)             \
    X(filesystem)          \
    X(jdbc)                \
    X(kafka)               \
    X(print)               \
    X(upsert_kafka)

/* The implementation for a 'connector' value (case-insensitive), or NULL. */
const ConnectorImpl *connector_impl_find(const char *name);

/* Open helpers that report a missing implementation in house style
 * ("the 'kafka' connector cannot be read yet"). */
int connector_open_source(const TableDef *t, const RunCtx *ctx,
                          SourceReader **out, FsqlErr *err);
int connector_open_sink(const TableDef *t, const RunCtx *ctx,
                        SinkWriter **out, FsqlErr *err);
int connector_open_lookup(const TableDef *t, const LookupSpec *spec,
                          const RunCtx *ctx, LookupReader **out,
                          FsqlErr *err);

/* Option helpers for connectors: parse a boolean / integer / duration
 * option of t (default when missing); a bad value is FSQL_E_CONFIG. */
int table_opt_bool(const TableDef *t, const char *key, bool def, bool *out,
                   FsqlErr *err);
int table_opt_int(const TableDef *t, const char *key, int64_t def,
                  int64_t *out, FsqlErr *err);
int table_opt_duration(const TableDef *t, const char *key, int64_t def,
                       int64_t *out, FsqlErr *err);
/* Parse a Flink duration ("1 s", "30min", "500 ms", "2h"; a bare number
 * is milliseconds) into *ms; -1 when malformed. */
int conn_parse_duration_ms(const char *s, int64_t *ms);

/* Checkpoint position of a scan that can only step over rows again (the
 * jdbc scans of SQLite and MySQL tables): the rows delivered and whether
 * the scan ended.  The restore sets *skip to the rows to step over (0
 * when the scan had ended); exact when the table did not change. */
void conn_scan_pos_snapshot(struct SnapWriter *w, uint64_t row_no,
                            bool is_done);
int conn_scan_pos_restore(struct SnapReader *r, const TableDef *t,
                          uint64_t *row_no, uint64_t *skip, bool *is_done,
                          FsqlErr *err);

#endif
