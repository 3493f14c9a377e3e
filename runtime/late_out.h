/*
 * late_out.h - rows dropped as late: counting, and routing to the
 * late-data sink ('table.exec.late-data.sink').
 *
 * Shared by the window operators (op_window.c) and the OverAggregate
 * (op_over.c).  Each operator that can drop late rows embeds a LateOut,
 * opens it with its OpLateDef, calls late_out_drop() for every row it
 * drops, late_out_sync() at every checkpoint and at finish (the sink is
 * at-least-once: a row dropped before a checkpoint is in the sink when
 * the checkpoint is), and late_out_close() when it closes.
 *
 * The sink table gets, by column name: operator_name ("OverAggregate#3"),
 * row_json (the whole input row as a JSON object), row_time (the row's
 * time), watermark_time (the watermark the row was late for), and any
 * input column whose name and type it shares.
 */
#ifndef FSQL_LATE_OUT_H
#define FSQL_LATE_OUT_H

#include "runtime/batch.h"
#include "runtime/connector.h"
#include "runtime/op.h"
#include "runtime/program.h"
#include "runtime/str.h"

/* late_out_drop()'s ts when the row has no time (NULL time attribute). */
#define LATE_NO_TIME INT64_MIN

typedef struct LateOut {
    const OpLateDef *def;
    const RtSchema *in; /* the operator's input schema */
    SinkWriter *w;      /* NULL: no late-data sink */
    const TableDef *table;
    Batch b; /* rows for the sink, table schema */
    int32_t col_op, col_json, col_time, col_wm;
    int32_t *from_in; /* per table column: input column, or -1 */
    char name[96];    /* "GroupWindowAggregate#4" */
    StrBuf sb;
} LateOut;

/* Open the sink of def (if any) for operator s; lo must be zeroed. */
int late_out_open(OpState *s, LateOut *lo, const OpLateDef *def);

/* Row r of in was dropped as late (its time ts, or LATE_NO_TIME):
 * counted in s->rows_late and buffered for the sink. */
void late_out_drop(OpState *s, LateOut *lo, const Batch *in, uint32_t r,
                   int64_t ts);

/* Write the buffered rows to the sink. */
int late_out_flush(OpState *s, LateOut *lo);

/* Write the buffered rows and make them durable. */
int late_out_sync(OpState *s, LateOut *lo);

void late_out_close(LateOut *lo);

#endif
