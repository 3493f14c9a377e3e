/*
 * job.h - a running job: the OpStates of one or more Programs wired into
 * one graph, the connectors they opened, and the single-threaded loop that
 * drives them (runtime/loop.c).
 *
 * Several Programs run as one job with several sinks (the INSERTs of a
 * script run to completion): sources that scan the same table with the
 * same options are opened once and feed every program (each gets the
 * columns it scans), so a file is read once however many statements use
 * it.
 *
 * The loop (one thread per job, Redis ae style):
 *   1. poll each source that is ready (timeouts from the nearest timer,
 *      capped at 100 ms);
 *   2. push the batch through the graph; watermarks follow in-band;
 *   3. reset the batch arena once every sink has written its rows;
 *   4. run due processing-time timers (monotonic clock);
 *   5. at end of a bounded source: watermark +inf, finish; when every
 *      source has ended, flush every sink and return.
 * SIGINT/SIGTERM set a stop flag checked at the top of the loop; the job
 * then flushes its sinks and returns FSQL_OK (stopped = true).
 */
#ifndef FSQL_RUNTIME_JOB_H
#define FSQL_RUNTIME_JOB_H

#include "runtime/fsql.h"
#include "runtime/err.h"
#include "runtime/program.h"

#include <stdio.h>

/* --output forms of a top-level SELECT (DESIGN.md section 1). */
typedef enum OutputFormat {
    OUTPUT_JSONL,     /* one JSON object per row; updating: "op" key */
    OUTPUT_CHANGELOG, /* "+I[1, abc]" lines, SQL-client changelog style */
    OUTPUT_CSV,       /* header line, then RFC 4180 records */
    OUTPUT_TABLE      /* a bordered table printed at the end */
} OutputFormat;

/* "jsonl" ... ; false for an unknown name. */
bool output_format_parse(const char *name, OutputFormat *out);

struct RunCtx;
struct SinkWriter;

typedef struct JobConfig {
    OutputFormat output;
    FILE *out;            /* results and print sinks (stdout) */
    FILE *err_out;        /* print 'standard-error' and warnings (stderr) */
    bool install_signals; /* SIGINT/SIGTERM stop the loop */
    /* The caller installed its own SIGINT/SIGTERM handlers that call
     * job_request_stop() (fsql run: second signal, shutdown timeout);
     * job_run then installs none and does not clear an earlier stop
     * request.  (issue 10) */
    bool signals_external;
    /* When set, Collect writes through the writer this returns instead of
     * the --output writer (the shell's live table, runtime/live_table.h). */
    struct SinkWriter *(*collect_writer)(void *arg, const RtSchema *s,
                                         bool is_updating,
                                         const struct RunCtx *ctx);
    void *collect_arg;
    /* --checkpoint-dir (issue 10): wins over 'state.checkpoints.dir';
     * NULL: the setting decides. */
    const char *checkpoint_dir;
    /* Which job of the run this is (0-based; fsql run starts a second job
     * for statements that read a table an earlier one writes): jobs after
     * the first keep their checkpoints in DIR/job-<index + 1>. */
    uint32_t job_index;
} JobConfig;

typedef struct JobStats {
    uint64_t rows_in;       /* rows read by sources */
    uint64_t rows_out;      /* rows written by sinks and Collect */
    uint64_t rows_skipped;  /* malformed rows skipped */
    uint64_t fields_nulled; /* bad fields read as NULL */
    uint64_t rows_late;     /* rows event-time operators dropped as late
                               (sum of OpState.rows_late) */
    uint64_t lookups_failed; /* rows whose lookup failed and passed with
                                NULL dimension columns (issue 6) */
    double seconds;         /* wall time of the loop */
    bool stopped;           /* ended by a signal, not by end of input */
} JobStats;

typedef struct Job Job;
struct Batch;
struct OpState;
struct SourceReader;

/* Wire the programs into one job (borrowed: they must outlive the job).
 * Returns NULL with err set when an operator kind is not implemented. */
Job *job_new(const Program *const *progs, uint32_t n_progs,
             const JobConfig *cfg, FsqlErr *err);
/* Open every operator and connector (missing files and similar errors
 * come out here, before any row is read). */
int job_open(Job *j, FsqlErr *err);
/* Run to the end of input (or a stop request).  FSQL_OK or the job's
 * first error in err. */
int job_run(Job *j, FsqlErr *err);
/* Close every operator and connector; frees j. */
void job_free(Job *j);

JobStats job_stats(const Job *j);

/* Ask every running job to stop (signal-safe). */
void job_request_stop(void);
/* Whether a stop was requested (and not cleared by a job_run that owns
 * its signals). */
bool job_stop_requested(void);

/* ---- for operators (op.c, op_*.c) ------------------------------------ */

/* Record the first error; later ones are dropped.  Returns code. */
int job_fail(Job *j, int code, const char *msg);
bool job_failed(const Job *j);
/* The Arena that batches of the current push cycle use. */
Arena *job_batch_arena(Job *j);
/* Monotonic milliseconds (timers) and wall-clock epoch milliseconds. */
int64_t job_now_mono_ms(void);
int64_t job_now_wall_ms(void);
/* Monotonic seconds with nanosecond resolution (durations, histograms). */
double job_now_mono_s(void);
/* Where row `row` of batch b (being processed in the current push cycle)
 * came from ("source \"t\", data/t.json:12"), for run-time error
 * messages; "" when unknown. */
void job_row_context(Job *j, const struct Batch *b, uint32_t row, char *buf,
                     size_t n);
/* The --output form of Collect. */
OutputFormat job_output_format(const Job *j);
/* The job's configuration (Collect reads collect_writer). */
const JobConfig *job_config(const Job *j);
/* The Program an operator belongs to (for SQL positions). */
const Program *job_program_of(const Job *j, const OpDef *d);
/* The reader whose batch the current push cycle carries (NULL in a
 * timer or at the start). */
struct SourceReader *job_current_reader(Job *j);
/* How a TableSourceScan operator is fed: the shared reader, and which
 * column of the reader's rows each of its output columns is (NULL: the
 * same columns). */
typedef struct SourceBinding {
    struct SourceReader *reader;
    const uint32_t *colmap;
} SourceBinding;
const SourceBinding *job_source_binding(Job *j, const struct OpState *s);
/* A source marks its reader and the row index it is pushing, so errors
 * further down can say where the row came from. */
void job_set_row_source(Job *j, struct SourceReader *r, uint32_t row);

#endif
