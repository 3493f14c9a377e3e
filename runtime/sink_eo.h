/*
 * sink_eo.h - pieces shared by the exactly-once sinks (issue 10): the
 * 'sink.delivery-guarantee' option, the identity a sink's progress
 * records are keyed by, and the epoch row buffer of the jdbc sinks.
 *
 * The protocol is the one of runtime/checkpoint.h: rows written between
 * two checkpoints form epoch N (N = the id of the checkpoint that closes
 * it); precommit(N) puts them into the checkpoint's blob; commit(N) makes
 * them visible once the checkpoint file is durable.
 *
 * EpochRows keeps the rows of the open epoch encoded in a SnapWriter
 * buffer (row kind, then the row's Values in a compact codec: varints,
 * sink_eo.c), so precommit copies bytes and commit/recover decode the
 * same bytes: a restarted process commits exactly what the crashed one
 * would have.  Epochs that were precommitted
 * but not yet committed stay pending; a precommit carries every pending
 * epoch (so a failed checkpoint loses nothing) and commit(N) takes all
 * pending epochs up to N together.
 *
 * Blob layout (version 2): u32 version, cstr sink key, u32 n_cols,
 * u32 n_epochs, then per epoch u64 id, u64 rows, bytes.
 *
 * Memory: xmalloc'd buffers owned by the EpochRows; decoded rows point
 * into them (strings) and stay valid until epoch_rows_drop() of their
 * epoch.  Loop thread only.
 */
#ifndef FSQL_RUNTIME_SINK_EO_H
#define FSQL_RUNTIME_SINK_EO_H

#include "runtime/fsql.h"
#include "runtime/checkpoint.h"
#include "runtime/connector.h"

typedef enum SinkGuarantee {
    SINK_GUARANTEE_NONE,
    SINK_GUARANTEE_AT_LEAST_ONCE,
    SINK_GUARANTEE_EXACTLY_ONCE
} SinkGuarantee;

/* 'sink.delivery-guarantee' (or its old name 'sink.semantic') of t;
 * at-least-once by default.  exactly-once without checkpoints is an
 * FSQL_E_CONFIG error telling how to turn them on. */
int sink_guarantee_of(const TableDef *t, const RunCtx *ctx,
                      SinkGuarantee *out, FsqlErr *err);

/* The key of a sink's progress records: the table's name, with "#2",
 * "#3" ... appended when the same job has several live exactly-once
 * sinks of that name in `space` (a statement set inserting twice into a
 * table).  Deterministic across restarts (sinks open in plan order).
 * Release it at close. */
void sink_key_acquire(const char *space, const char *job, const char *table,
                      char *buf, size_t n);
void sink_key_release(const char *space, const char *job, const char *key);

typedef struct EpochPending {
    uint64_t id;
    uint64_t rows;
    uint8_t *data; /* xmalloc */
    size_t len;
} EpochPending;

typedef struct EpochRows {
    uint32_t n_cols;
    SnapWriter cur;        /* rows of the open epoch */
    uint64_t cur_rows;
    EpochPending *pend;    /* precommitted, not committed, ascending ids */
    uint32_t n_pend, cap_pend;
} EpochRows;

void epoch_rows_init(EpochRows *e, uint32_t n_cols);
void epoch_rows_fini(EpochRows *e);
/* Append one row of the open epoch. */
void epoch_rows_add(EpochRows *e, RowKind kind, const Value *row);
/* Close the open epoch as id (kept even when empty, so that commit(id)
 * finds it) and write every pending epoch into out under key. */
void epoch_rows_precommit(EpochRows *e, uint64_t id, const char *key,
                          SnapWriter *out);
/* Read a precommit blob back into the pending list (recover).  A blob of
 * another sink key or width is FSQL_E_STATE. */
int epoch_rows_load(EpochRows *e, SnapReader *r, const char *key,
                    const char *table, FsqlErr *err);
/* Rows of the pending epochs with id <= upto. */
uint64_t epoch_rows_pending(const EpochRows *e, uint64_t upto);
/* Forget the pending epochs with id <= upto. */
void epoch_rows_drop(EpochRows *e, uint64_t upto);

/* Walks the rows of the pending epochs with id <= upto, in order. */
typedef struct EpochCursor {
    const EpochRows *e;
    uint64_t upto;
    uint32_t idx;
    SnapReader r;
} EpochCursor;

void epoch_cursor_init(EpochCursor *c, const EpochRows *e, uint64_t upto);
/* The next row into row[0..n_cols) (strings point into the epoch's
 * bytes); false at the end.  *bad is set when the bytes are malformed. */
bool epoch_cursor_next(EpochCursor *c, uint8_t *kind, Value *row, bool *bad);

#endif
