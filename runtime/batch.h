/*
 * batch.h - Batch: the unit that flows between operators.
 *
 * A batch is up to `cap` rows of Values, row-major (row r is
 * rows[r * n_cols .. + n_cols)), with one changelog kind byte per row
 * (+I -U +U -D) and one watermark per row.
 *
 * Per-row watermarks make results independent of batch sizes: wm[r] is
 * the watermark in effect when row r arrives at the consumer, i.e. the
 * watermark after every row before it (Flink's on-event strategy, issue 4
 * item 1).  A row is late for an event-time operator when its time is <=
 * wm[r].  Sources set WM_NONE; the WatermarkAssigner fills real values;
 * pass-through operators (Calc, Union) carry them along; operators that
 * produce new rows stamp them with their own current output watermark.
 * After the last row of a batch, the watermark that follows it travels as
 * an explicit OpVtbl.watermark call.
 *
 * Memory: the Value arrays are xmalloc'd once by the owner of the batch
 * (an operator's output batch, a source's read batch) and reused.  String
 * payloads and other per-row allocations live in the *batch arena* `a`,
 * which is the job's arena for one push cycle: it is reset only after the
 * batch that a source produced has been pushed through the whole graph
 * and every sink has encoded or copied its rows.  Strings may also point
 * into a source's read buffer, which lives equally long (SourceVtbl
 * batch_done).  Whoever keeps a Value longer (operator state, lookup
 * caches) copies it first: value_copy_to().
 */
#ifndef FSQL_RUNTIME_BATCH_H
#define FSQL_RUNTIME_BATCH_H

#include "runtime/fsql.h"
#include "runtime/mem.h"
#include "runtime/value.h"

/* Changelog kinds of a row (Flink's RowKind). */
typedef enum RowKind {
    ROW_INSERT = 0,        /* +I */
    ROW_UPDATE_BEFORE = 1, /* -U */
    ROW_UPDATE_AFTER = 2,  /* +U */
    ROW_DELETE = 3         /* -D */
} RowKind;

/* "+I", "-U", "+U", "-D". */
const char *row_kind_short(RowKind k);

/* Watermarks are epoch milliseconds (the same clock as TIMESTAMP values).
 * WM_NONE: no watermark yet; WM_END: end of input (+infinity). */
#define WM_NONE INT64_MIN
#define WM_END INT64_MAX

/* Rows per batch a source produces (operators may produce more batches
 * than they receive, e.g. a lookup join on non-unique keys). */
#define BATCH_ROWS 1024

/* Batch.flags */
#define BATCH_F_SPLIT_END 0x01u /* last batch of its split (may be empty) */

typedef struct Batch {
    uint32_t n_rows;
    uint32_t cap; /* rows allocated */
    uint32_t n_cols;
    Value *rows;    /* n_rows * n_cols, row-major */
    uint8_t *kinds; /* RowKind per row */
    int64_t *wm;    /* watermark before row r (see the header comment) */
    uint32_t split; /* source split every row of the batch comes from
                         (a file, a partition); 0 when there is one */
    uint32_t flags; /* BATCH_F_* */
    Arena *a;       /* batch arena (borrowed; see the header comment) */
} Batch;

/* Allocate the arrays for cap rows of n_cols columns (xmalloc); a is the
 * batch arena the rows' strings go to. */
void batch_init(Batch *b, uint32_t n_cols, uint32_t cap, Arena *a);
void batch_fini(Batch *b);
/* Forget the rows (keeps the arrays, split and flags cleared). */
void batch_clear(Batch *b);

static inline Value *batch_row(const Batch *b, uint32_t r)
{
    return b->rows + (size_t)r * b->n_cols;
}

static inline bool batch_is_full(const Batch *b)
{
    return b->n_rows >= b->cap;
}

/* Append a row (the caller checks batch_is_full first) and return its
 * Values, uninitialised. */
static inline Value *batch_add(Batch *b, RowKind k, int64_t wm)
{
    uint32_t r = b->n_rows++;
    b->kinds[r] = (uint8_t)k;
    b->wm[r] = wm;
    return b->rows + (size_t)r * b->n_cols;
}

#endif
