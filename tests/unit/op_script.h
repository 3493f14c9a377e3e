/*
 * op_script.h - drive one operator of a compiled query by hand, for the
 * operator unit tests (the checkpoint round trips of joins, windows and
 * aggregates): compile a query, find an operator in the opened job, and
 * push it rows written as text, watermarks and end of input.
 *
 * Row text: fields separated by '|', in the schema of the operator's
 * input port; "NULL" is NULL; STRING/BYTES as written, BOOLEAN 't'/'f',
 * DOUBLE by strtod, every other kind (integers, DECIMAL unscaled,
 * TIMESTAMP as epoch milliseconds) by strtoll.
 */
#ifndef FSQL_TESTS_OP_SCRIPT_H
#define FSQL_TESTS_OP_SCRIPT_H

#include "runtime/fsql.h"
#include "runtime/job.h"
#include "runtime/op.h"
#include "runtime/program.h"

/* The Program of sql's last statement, or NULL (diagnostics on stderr). */
Program *op_script_compile(const char *sql);
/* The first operator of kind in j, or NULL. */
OpState *op_script_find(Job *j, OpKind kind);
/* One step into os on port: what is '+' '-' 'b' 'a' (insert, delete,
 * update before/after: a one-row batch of row with watermark wm), 'W'
 * (watermark wm) or 'E' (WM_END, then finish). */
void op_script_step(Job *j, OpState *os, uint32_t port, char what,
                    const char *row, int64_t wm);

/* A job of one Program opened without running its loop, whose Collect
 * prints a changelog into buf (a memory stream), and the operator of
 * kind the test drives. */
typedef struct OpScriptRun {
    const Program *progs[1]; /* job_new borrows the array */
    Job *j;
    OpState *os;
    char *buf;
    size_t len;
    FILE *out;
} OpScriptRun;

/* false (with the reason on stderr) when the job does not open or has
 * no operator of that kind; op_script_close is still due. */
bool op_script_open(OpScriptRun *r, const Program *p, OpKind kind);
/* Free the job; the output so far stays in r->buf (the caller frees it
 * with free()). */
void op_script_close(OpScriptRun *r);

#endif
