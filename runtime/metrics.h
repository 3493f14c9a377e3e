/*
 * metrics.h - run-time metrics of a job in Prometheus text format
 * (issue 10), served by runtime/http_metrics.c and summarised at the end
 * of a bounded run.
 *
 * Where the figures come from: the counters operators and connectors
 * already keep (OpState rows in/out/late/lookups_failed, SourceReader
 * rows_read/bytes_read/rows_skipped/fields_nulled, the lookup caches'
 * LookupCacheStats, watermarks in OpState.wm_out) plus a few things only
 * this module measures: histograms of end-to-end latency at each sink
 * (event time to emit, and source poll to emit), of the processing time
 * of each push cycle, and of lookup load latency (a timing wrapper around
 * every lookup reader).
 *
 * Threading - no locks on the hot path.  Everything is read and updated
 * on the job's loop thread only: counters stay plain uint64_t fields
 * where they already are.  Every `interval` ms (and at job start and
 * end) the loop renders the whole exposition text and *publishes* it:
 * one mutex-protected swap of a buffer.  The HTTP thread only ever copies
 * the last published text (and adds the snapshot's age), so a scrape
 * never touches live operator state and a running job never waits for a
 * scrape.  The price is staleness of at most one interval (500 ms by
 * default, FSQL_METRICS_INTERVAL_MS overrides), which the page states in
 * fsql_metrics_snapshot_age_seconds.
 *
 * Names follow Prometheus conventions: fsql_ prefix, snake_case, _total
 * for counters, base units (seconds, bytes).  Labels: operator="<stmt>.
 * <op>" (1-based statement, 0-based operator index as in EXPLAIN order),
 * kind="LookupJoin", table="orders".  docs/operations.md lists them all.
 *
 * Lifetime: one process-wide registry (metrics_init); a Job gets its
 * JobMetrics at job_open (from the job arena) when metrics are on, and
 * the last snapshot of a job stays published after it ends.
 */
#ifndef FSQL_RUNTIME_METRICS_H
#define FSQL_RUNTIME_METRICS_H

#include "runtime/fsql.h"
#include "runtime/batch.h"
#include "runtime/str.h"

#include <stdio.h>

struct Job;
struct OpState;
struct LookupReader;

/* Fixed latency buckets (seconds) of every histogram. */
#define METRICS_N_BUCKETS 17

typedef struct MetricsHist {
    uint64_t counts[METRICS_N_BUCKETS + 1]; /* last: +Inf */
    uint64_t count;
    double sum; /* seconds */
} MetricsHist;

void metrics_hist_observe(MetricsHist *h, double seconds);
/* The q-quantile (0..1) estimated from the buckets (upper bound of the
 * bucket that holds it); 0 when empty. */
double metrics_hist_quantile(const MetricsHist *h, double q);

/* Per sink operator (OpState.metrics points here; NULL elsewhere). */
typedef struct OpMetrics {
    int32_t event_time_col;    /* input column holding the event time, -1 */
    MetricsHist event_latency; /* emit wall time - event time */
    MetricsHist proc_latency;  /* emit - source poll of the cycle */
} OpMetrics;

typedef struct JobMetrics JobMetrics;

/* Turn metrics on for jobs started from now on (fsql.c: --metrics-port
 * or --stats).  interval_ms: publication period (0: default 500). */
void metrics_init(int64_t interval_ms);
bool metrics_enabled(void);

/* ---- hooks, all on the loop thread ------------------------------------ */

/* job_open: before the operators open (allocates JobMetrics). */
void metrics_job_attach(struct Job *j);
/* job_open: operator s is about to open (lookup readers it opens are
 * timed for it). */
void metrics_op_opening(struct Job *j, struct OpState *s);
/* job_open: operator s has just opened (attributes the lookup cache and
 * reader it created to it). */
void metrics_op_opened(struct Job *j, struct OpState *s);
/* loop: the job starts / every iteration / ends. */
void metrics_job_started(struct Job *j);
void metrics_job_tick(struct Job *j);
void metrics_job_ended(struct Job *j);
/* loop: a push cycle of `rows` source rows begins / ends. */
void metrics_cycle_begin(struct Job *j);
void metrics_cycle_end(struct Job *j, uint32_t rows);
/* op.c: rows of b reach sink s (s->metrics != NULL). */
void metrics_sink_rows(struct OpState *s, const Batch *b);
/* connector.c: wrap a freshly opened lookup reader so that its loads
 * are timed for the operator being opened; returns r itself when
 * metrics are off or no operator is opening.  Takes r. */
struct LookupReader *metrics_lookup_wrap(struct LookupReader *r);
/* loop: shutdown requested (gauge; the log line is the caller's). */
void metrics_job_stopping(struct Job *j);

/* ---- reading ----------------------------------------------------------- */

/* Render the exposition text of j into sb (the loop thread). */
void metrics_job_render(struct Job *j, StrBuf *sb);
/* A copy of the last published text (xmalloc'd, NUL-terminated; *len
 * its length) with the snapshot age appended; any thread.  Never NULL. */
char *metrics_snapshot_copy(size_t *len);
/* The compact end-of-run figures of j (fsql --stats): a few lines on f. */
void metrics_job_summary(struct Job *j, FILE *f);

/* ---- the HTTP endpoint (http_metrics.c) -------------------------------- */

/* Serve GET /metrics on bind_addr:port (port 0: any free port, see
 * http_metrics_port).  FSQL_OK or FSQL_E_IO with err filled. */
struct FsqlErr;
int http_metrics_start(const char *bind_addr, int port, struct FsqlErr *err);
int http_metrics_port(void);
void http_metrics_stop(void);

#endif
