/*
 * checkpoint.h - consistent snapshots of a running job, restore on start,
 * and the two-phase protocol of exactly-once sinks (issue 10).
 *
 * Consistency without barriers: the loop is single-threaded and
 * synchronous (loop.c), so between two push cycles no row is in flight.
 * A checkpoint is taken at such a cycle boundary: every operator's state,
 * every source's position and every exactly-once sink's pending epoch
 * describe the same moment of the input.
 *
 * Taking checkpoint N (checkpoint.c, called from the loop every
 * 'execution.checkpointing.interval', at a stop request and at the end of
 * bounded input):
 *   1. at-least-once sinks flush() (every produced record acknowledged);
 *      exactly-once sinks precommit(N): the rows written since the last
 *      checkpoint (epoch N) are made durable but not visible, and what a
 *      restarted process needs to finish the epoch goes into the blob;
 *   2. the snapshot of every operator (OpVtbl.snapshot), every source
 *      (SourceVtbl.snapshot) and the sinks' blobs are written to
 *      DIR/chk-<N>.fsqlcp through a temporary file, fsync and rename: a
 *      crash at any point leaves the previous checkpoint valid;
 *   3. exactly-once sinks commit(N) (idempotent, keyed by job name and
 *      N so that a second commit of the same epoch does nothing); sources
 *      hear checkpoint_done(N) (Kafka commits group offsets);
 *   4. checkpoints older than the newest 'state.checkpoints.num-retained'
 *      are deleted.
 * The checkpoint file is the decision point: once it is durable the epoch
 * will be committed, by this process or by the next one.
 *
 * (ckpt-core) Background writes: for a periodic checkpoint of a job
 * without exactly-once sinks, step 2's file is written by a thread while
 * the loop goes on, and steps 3-4 run on the loop thread once it is
 * durable (one checkpoint in flight at a time).  So checkpoint_done(N)
 * may come after the source has delivered rows beyond snapshot N: commit
 * the positions saved in snapshot N, never the current ones.  With an
 * exactly-once sink, and for the final checkpoints (stop, end of input),
 * the loop waits for the file: a sink never sees rows of epoch N+1
 * between precommit(N) and commit(N).
 *
 * Restoring (job_open, when the directory holds a checkpoint): the newest
 * file whose checksum and structure are valid is loaded (a corrupt one is
 * reported and skipped for the previous one); operators restore() right
 * after open(); sources restore() their positions (files seek, Kafka
 * assigns the saved offsets, datagen resumes its generator); each
 * exactly-once sink recover()s with the blob of its pending epoch:
 * commit it if the database/directory does not have it yet, and discard
 * anything written after it (files in progress, open transactions).
 *
 * Blob format: little-endian, written by SnapWriter and read back by
 * SnapReader, which never reads past the end: a truncated or malformed
 * blob sets r->bad and reads zeros, and the restore fails with a clear
 * error instead of crashing.  Each blob starts with whatever version the
 * writer chooses (operators write a u32 layout version first, so a later
 * build can read an older layout); the file itself carries the format
 * version CHECKPOINT_FORMAT_VERSION and a CRC-32 (zlib) of its contents.
 */
#ifndef FSQL_RUNTIME_CHECKPOINT_H
#define FSQL_RUNTIME_CHECKPOINT_H

#include "runtime/fsql.h"
#include "runtime/mem.h"
#include "runtime/value.h"

#define CHECKPOINT_FORMAT_VERSION 1u

/* ---- writing blobs ---------------------------------------------------- */

typedef struct SnapWriter {
    uint8_t *buf; /* xmalloc'd, grows */
    size_t len;
    size_t cap;
} SnapWriter;

void snap_writer_init(SnapWriter *w);
void snap_writer_fini(SnapWriter *w);
/* Room for n more bytes at w->buf + w->len (returned), without adding
 * them: the caller writes up to n bytes there and advances w->len by what
 * it wrote (variable-length encoders). */
uint8_t *snap_writer_reserve(SnapWriter *w, size_t n);
void snap_put_u8(SnapWriter *w, uint8_t x);
void snap_put_u32(SnapWriter *w, uint32_t x);
void snap_put_u64(SnapWriter *w, uint64_t x);
void snap_put_i64(SnapWriter *w, int64_t x);
void snap_put_f64(SnapWriter *w, double x);
void snap_put_bool(SnapWriter *w, bool x);
/* Length (u32) and bytes. */
void snap_put_bytes(SnapWriter *w, const void *p, uint32_t n);
/* A NUL-terminated string (NULL allowed) as length + bytes. */
void snap_put_cstr(SnapWriter *w, const char *s);
/* A Value: kind, null flag and payload; strings and bytes inline. */
void snap_put_value(SnapWriter *w, const Value *v);
void snap_put_values(SnapWriter *w, const Value *v, uint32_t n);

/* ---- reading blobs ---------------------------------------------------- */

typedef struct SnapReader {
    const uint8_t *p;
    const uint8_t *end;
    bool bad;         /* read past the end or malformed: stop and fail */
    uint32_t format;  /* CHECKPOINT_FORMAT_VERSION of the file */
} SnapReader;

void snap_reader_init(SnapReader *r, const void *p, size_t n);
uint8_t snap_get_u8(SnapReader *r);
uint32_t snap_get_u32(SnapReader *r);
uint64_t snap_get_u64(SnapReader *r);
int64_t snap_get_i64(SnapReader *r);
double snap_get_f64(SnapReader *r);
bool snap_get_bool(SnapReader *r);
/* A pointer into the blob (valid while the blob is: during restore) and
 * its length; NULL with *n = 0 when bad. */
const void *snap_get_bytes(SnapReader *r, uint32_t *n);
/* A copy of a snap_put_cstr string in arena a (NULL when NULL was put). */
char *snap_get_cstr(SnapReader *r, Arena *a);
/* A Value whose string/bytes point into the blob: copy them into state
 * memory as usual (value_copy_to, the operator's string pool). */
void snap_get_value(SnapReader *r, Value *v);
void snap_get_values(SnapReader *r, Value *v, uint32_t n);
/* After snap_get_value(s): the kind a restored value must have.  A NULL
 * becomes a NULL of kind want; a non-NULL value of another kind sets
 * r->bad (and becomes that NULL).  Restore code whose values are later
 * hashed, compared or printed by their column type must check: a damaged
 * blob would otherwise hand an integer to code that reads a string
 * pointer (found by tests/fuzz/fuzz_checkpoint.c). */
void snap_want_kind(SnapReader *r, Value *v, ValueKind want);
/* snap_want_kind by column type: a MAP value (value_map.h) must also be a
 * well-formed block (map_validate), else r->bad. */
void snap_want_type(SnapReader *r, Value *v, const RtType *t);
/* snap_want_type for the n values of a row of schema s (s->n_cols >= n). */
void snap_want_kinds(SnapReader *r, Value *v, uint32_t n, const RtSchema *s);
/* snap_get_values of n values, each checked against types[i]
 * (snap_want_type). */
void snap_get_typed(SnapReader *r, Value *v, uint32_t n, const RtType *types);
/* Whether the whole blob was consumed without error (restore() should
 * end with `return snap_reader_done(r) ? FSQL_OK : FSQL_E_STATE;` or a
 * message of its own). */
bool snap_reader_done(const SnapReader *r);

/* fsync a directory (after a rename in it): 0, or -1 with errno set. */
int fsql_fsync_dir(const char *dir);

/* ---- fault injection for crash tests ---------------------------------- */

/* FSQL_FAULT=<point>:<n> in the environment: the n-th time (1-based) the
 * process reaches fsql_fault("<point>"), it dies at once with SIGKILL, as
 * a crash would.  Points: "checkpoint.after-state-write" (checkpoint file
 * durable, no sink committed), "sink.before-commit", "sink.during-commit"
 * (inside a sink's commit, after part of it), "sink.after-commit".
 * Without FSQL_FAULT this is one predictable branch. */
void fsql_fault(const char *point);

#endif
