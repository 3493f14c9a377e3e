/*
 * checkpoint_int.h - the inside of the checkpoint module (checkpoint.c):
 * the checkpoint file layer, and the hooks job.c and loop.c call.  The
 * contract for operators, sources and sinks is checkpoint.h; nothing
 * outside job.c, loop.c, metrics.c, op_sink.c and the unit tests needs
 * this header.
 *
 * File layout (little-endian, CHECKPOINT_FORMAT_VERSION 1):
 *
 *   magic "FSQLCKPT" (8 bytes)
 *   u32 format version
 *   u64 checkpoint id
 *   i64 wall-clock time of the checkpoint (epoch ms)
 *   u64 plan fingerprint (ckpt_fingerprint: operator kinds, edges,
 *       output columns, table names - not option values)
 *   u64 body length
 *   body: u32 section count, then per section
 *         u8 type (1 operator, 2 source, 3 sink), u32 index,
 *         cstr name (operator kind / table name), bytes blob
 *   u32 CRC-32 (zlib) of every byte before it
 *
 * A file is written as DIR/.chk-<id>.tmp, fsync'd, renamed to
 * DIR/chk-<id, 10 digits>.fsqlcp, and the directory fsync'd: a reader
 * sees either the whole file or none.
 */
#ifndef FSQL_RUNTIME_CHECKPOINT_INT_H
#define FSQL_RUNTIME_CHECKPOINT_INT_H

#include "runtime/fsql.h"
#include "runtime/checkpoint.h"
#include "runtime/err.h"
#include "runtime/metrics.h"

#include <stdio.h>

struct Job;
struct OpState;
struct SinkWriter;

/* ---- the file layer ---------------------------------------------------- */

enum {
    CKPT_SEC_OP = 1,
    CKPT_SEC_SOURCE = 2,
    CKPT_SEC_SINK = 3
};

typedef struct CkptFile {
    uint32_t format;
    uint64_t id;
    int64_t wall_ms;
    uint64_t fingerprint;
    uint8_t *data;        /* the whole file (xmalloc) */
    size_t len;
    const uint8_t *body;  /* the sections, inside data */
    size_t body_len;
} CkptFile;

/* "DIR/chk-0000000012.fsqlcp" into buf. */
void ckpt_file_path(const char *dir, uint64_t id, char *buf, size_t n);
/* Write a checkpoint file atomically (temp file, fsync, rename, fsync of
 * the directory).  FSQL_OK or FSQL_E_IO with err filled. */
int ckpt_file_write(const char *dir, uint64_t id, int64_t wall_ms,
                    uint64_t fingerprint, const void *body, size_t n,
                    size_t *file_size, FsqlErr *err);
/* Read and check one file.  FSQL_OK; FSQL_E_STATE when it is damaged
 * (truncated, bad magic, checksum mismatch: err says which, and the
 * caller may fall back to an older file); FSQL_E_UNSUPPORTED when a newer
 * build wrote it; FSQL_E_IO when it cannot be read. */
int ckpt_file_read(const char *path, CkptFile *out, FsqlErr *err);
void ckpt_file_free(CkptFile *f);
/* The checkpoint ids present in dir (files named chk-<id>.fsqlcp),
 * ascending, xmalloc'd (*ids NULL when none).  Returns how many. */
uint32_t ckpt_dir_list(const char *dir, uint64_t **ids);
/* The newest valid checkpoint of dir: 1 with *out filled, 0 when the
 * directory holds none, or a negative FSQL_E_* with err filled.  Damaged
 * files are reported with log_warn and skipped; a file from a newer
 * format or of another plan (fingerprint != expect_fp, unless expect_fp
 * is 0) is an error.  *max_id receives the largest id seen, damaged files
 * included (new checkpoints continue after it). */
int ckpt_load_newest(const char *dir, uint64_t expect_fp, CkptFile *out,
                     uint64_t *max_id, FsqlErr *err);

/* ---- figures (metrics.c, --stats) ------------------------------------- */

typedef struct CheckpointStats {
    const char *dir;
    int64_t interval_ms;
    uint64_t completed;        /* checkpoints written in this run */
    uint64_t failed;
    uint64_t last_id;          /* 0: none yet */
    int64_t last_wall_ms;      /* when it completed (epoch ms) */
    double last_duration_s;    /* start to durable and committed */
    double last_pause_s;       /* processing paused for this long */
    double max_pause_s;
    double sum_pause_s;
    uint64_t last_size_bytes;  /* file size */
    uint64_t restored_id;      /* 0: started fresh */
    MetricsHist pause;         /* every checkpoint's pause */
} CheckpointStats;

/* NULL when checkpoints are off for j. */
const CheckpointStats *ckpt_stats(const struct Job *j);

/* ---- hooks for job.c / loop.c ------------------------------------------ */

/* job_new: read the settings and --checkpoint-dir, name the job
 * (RunCtx.job_name) and decide whether checkpoints are on. */
int ckpt_configure(struct Job *j, FsqlErr *err);
/* job_open, before anything opens: refuse operators that cannot be
 * checkpointed, and exactly-once sinks without checkpoints. */
int ckpt_check_ops(struct Job *j, FsqlErr *err);
/* job_open, after everything opened: refuse sources without snapshot,
 * then restore the newest valid checkpoint (if any). */
int ckpt_restore(struct Job *j, FsqlErr *err);
/* loop: the push cycle is over; take a checkpoint when one is due.
 * activity: rows moved or timers ran since the last call. */
void ckpt_tick(struct Job *j, bool activity);
/* loop: a final checkpoint (stop request, end of bounded input); taken
 * only when something happened since the last one. */
void ckpt_final(struct Job *j, const char *why);
/* job_free. */
void ckpt_free(struct Job *j);
/* The summary line(s) of fsql --stats. */
void ckpt_summary(struct Job *j, FILE *f);

/* op_sink.c: the writer of a Sink or Collect operator (NULL before open). */
struct SinkWriter *op_sink_writer(struct OpState *s);

#endif
