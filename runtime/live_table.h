/*
 * live_table.h - the result of a top-level SELECT as the shell shows it
 * while the query runs (docs/shell.md): a model the Collect writer
 * updates on the job's thread and the shell renders on its own thread.
 *
 * Three modes, after Flink's SQL client
 * ('sql-client.execution.result-mode'):
 *   LIVE_TABLE      the current result as a bordered table: +I appends a
 *                   row, -U/+U replace a row in place, -D removes it, so
 *                   a keyed result updates its rows and a window result
 *                   appends;
 *   LIVE_CHANGELOG  one line per change, "+I[1, abc]";
 *   LIVE_TABLEAU    one bordered line per change with an op column,
 *                   psql style, widths fixed from the column types.
 *
 * Only text comes out of here (no terminal control): the shell moves the
 * cursor and draws the status line (tools/shell.c).
 *
 * Threading: every function takes the table's mutex; the writer may be
 * used on another thread than the render functions.
 *
 * Memory: each result row of the table mode is one xmalloc'd block reused
 * when the row is updated; an append-only result keeps its newest 10000
 * rows (older ones are let go and counted as hidden).  Changelog lines
 * wait in a buffer until taken.
 */
#ifndef FSQL_RUNTIME_LIVE_TABLE_H
#define FSQL_RUNTIME_LIVE_TABLE_H

#include "runtime/fsql.h"
#include "runtime/connector.h"
#include "runtime/str.h"
#include "runtime/value.h"

typedef enum LiveMode { LIVE_TABLE, LIVE_CHANGELOG, LIVE_TABLEAU } LiveMode;

typedef struct LiveTable LiveTable;

typedef struct LiveStatus {
    uint64_t changes;  /* rows received (+I, -U, +U, -D) */
    uint32_t rows;     /* rows in the table now (table mode) */
    int64_t watermark; /* highest row watermark seen; INT64_MIN: none */
    bool has_schema;   /* the writer was opened */
    bool is_updating;  /* the result carries -U/+U/-D */
    bool ended;        /* the writer was flushed at end of input */
} LiveStatus;

/* "table", "changelog", "tableau" (case-insensitive); false otherwise. */
bool live_mode_parse(const char *name, LiveMode *out);

LiveTable *live_table_new(LiveMode mode);
/* Frees the table (its writer must be closed first). */
void live_table_free(LiveTable *lt);

/* The Collect writer for JobConfig.collect_writer (arg: the LiveTable). */
SinkWriter *live_table_writer_new(void *arg, const RtSchema *s,
                                  bool is_updating, const struct RunCtx *ctx);

LiveStatus live_table_status(LiveTable *lt);

/* Table mode: append the table (rules, header, rows) to out, at most
 * max_lines lines (0: no limit) and each line at most width display
 * columns (0: no limit), every line ending in '\n'.  When the rows do not
 * fit, an updating result shows its first rows and an append-only result
 * its last rows, and a line says how many are hidden.  Returns the number
 * of lines appended. */
uint32_t live_table_render(LiveTable *lt, StrBuf *out, uint32_t width,
                           uint32_t max_lines);

/* Changelog and tableau modes: move the lines formatted since the last
 * call to out (each ending in '\n'; tableau lines at most width display
 * columns, 0: no limit).  The tableau header comes with the first call
 * after the writer opened.  Returns the number of lines. */
uint32_t live_table_take(LiveTable *lt, StrBuf *out, uint32_t width);

/* Tableau: the closing rule (when a header was shown).  Appends nothing
 * in the other modes. */
void live_table_footer(LiveTable *lt, StrBuf *out, uint32_t width);

#endif
