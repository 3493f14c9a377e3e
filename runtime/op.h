/*
 * op.h - the operator interface: vtable, run-time state, graph wiring and
 * the emit helpers every operator uses.
 *
 * Operators are push-based (DESIGN.md section 3).  A source operator gets
 * a Batch from its reader and pushes it to its consumers; each operator
 * processes a batch it is pushed and pushes its results on, synchronously,
 * before returning.  Watermarks and end of input travel in-band: after a
 * batch has been pushed, the operator that advanced the watermark calls
 * watermark() on its consumers; at end of input a source sends WM_END and
 * then finish().  Two-input operators learn the input from `port`.
 *
 * One file per kind, runtime/op_<kind>.c, with everything static except
 * its `const OpVtbl op_<kind>_vtbl`; adding one is one line in OP_IMPLS.
 *
 * State: an OpState points at its read-only OpDef in the Program and owns
 * the mutable part: `priv` (kind-specific, allocated from `a`, the
 * operator's arena, which lives as long as the job), its output batch and
 * counters.  State that grows with the data (keyed tables, caches) is the
 * operator's business (xmalloc or its own arenas), released in close().
 * Keep state reachable from priv so that checkpoints (issue 10) can
 * serialize it.
 *
 * Errors: callbacks return 0 or a negative FSQL_E_*; the first error is
 * recorded in the Job (op_fail) and the loop stops.  Emitting never fails
 * by itself: a failing consumer records the error and the caller notices
 * at the next return value or job_failed().
 */
#ifndef FSQL_RUNTIME_OP_H
#define FSQL_RUNTIME_OP_H

#include "runtime/fsql.h"
#include "runtime/batch.h"
#include "runtime/err.h"
#include "runtime/mem.h"
#include "runtime/program.h"
#include "runtime/vm.h"

typedef struct Job Job;
typedef struct OpState OpState;
struct SnapWriter;
struct SnapReader;

typedef struct OpVtbl {
    const char *name;
    /* Set up priv (open connectors, register files).  Runs before any
     * batch; errors here are reported before any row is read. */
    int (*open)(OpState *s);
    /* Process the rows of in (port: which input).  in is borrowed: it may
     * be pushed on unchanged (pass-through) but not kept. */
    int (*push)(OpState *s, Batch *in, uint32_t port);
    /* The watermark of input port advanced to wm (WM_END at end of input).
     * NULL: forward the minimum over the inputs (op_default_watermark). */
    int (*watermark)(OpState *s, int64_t wm, uint32_t port);
    /* Input port ended (after its WM_END).  NULL: when every input has
     * ended, flush and finish the consumers (op_default_finish). */
    int (*finish)(OpState *s, uint32_t port);
    /* A processing-time timer set with op_set_timer() is due. */
    int (*timer)(OpState *s, int64_t now_ms);
    /* The push cycle is over: the batch arena is about to be reset
     * (release borrowed strings kept since the push).  May be NULL. */
    void (*batch_end)(OpState *s);
    /* Release priv's resources.  Called once, also after errors. */
    void (*close)(OpState *s);
    /* Checkpoints (issue 10, runtime/checkpoint.h), at a push-cycle
     * boundary: write everything the operator holds beyond its OpDef
     * (keyed state, buffered rows, timers' due times) into w, starting
     * with a u32 layout version.  The framework saves the OpState fields
     * itself (wm_in, wm_out, ended, counters).  NULL: nothing to save. */
    int (*snapshot)(OpState *s, struct SnapWriter *w);
    /* Rebuild that state from r, after open() and before any batch; a
     * malformed blob returns FSQL_E_STATE (op_fail with a message).
     * NULL with a non-NULL snapshot is a bug. */
    int (*restore)(OpState *s, struct SnapReader *r);
} OpVtbl;

/* X(KIND, vtable): the operators the runtime implements. */
#define OP_IMPLS(X)                     \
    X(SOURCE, op_source_vtbl)           \
    X(WATERMARK, op_watermark_vtbl)     \
    X(CALC, op_calc_vtbl)               \
    X(VALUES, op_values_vtbl)           \
    X(UNION, op_union_vtbl)             \
    X(LOOKUP_JOIN, op_lookup_join_vtbl) \
    X(SINK, op_sink_vtbl)               \
    X(COLLECT, op_sink_vtbl)            \
    X(OVER_AGGREGATE, op_over_vtbl)     \
    X(GROUP_WINDOW_AGGREGATE, op_window_agg_vtbl) \
    X(WINDOW_AGGREGATE, op_window_agg_vtbl) \
    X(WINDOW_TABLE_FUNCTION, op_window_tvf_vtbl) \
    X(GROUP_AGGREGATE, op_group_agg_vtbl) \
    X(MATCH_RECOGNIZE, op_match_vtbl) /* issue 7: op_match.c */ \
    X(INTERVAL_JOIN, op_interval_join_vtbl) /* issue 8 */ \
    X(JOIN, op_join_vtbl)                   /* issue 8 */ \
    X(SEMI_JOIN, op_semi_join_vtbl)         /* issue 8 */ \
    X(TEMPORAL_JOIN, op_temporal_join_vtbl) /* issue 8 */

#define X(k, v) extern const OpVtbl v;
OP_IMPLS(X)
#undef X

/* The vtable of kind k, or NULL when the runtime has none yet. */
const OpVtbl *op_vtbl_for(OpKind k);

typedef struct OpOutEdge {
    OpState *op;
    uint32_t port;
} OpOutEdge;

struct OpState {
    const OpDef *def;
    const OpVtbl *v;
    Job *job;
    uint32_t prog_idx;     /* which of the job's Programs def belongs to */
    void *priv;            /* kind-specific state (from a, or xmalloc) */
    Arena a;               /* operator lifetime: priv, register files */
    Batch out;             /* output batch (def->out.n_cols columns) */
    uint32_t n_cons;
    OpOutEdge *cons;       /* consumers (fan-out) */
    int64_t *wm_in;        /* per input port: last watermark received */
    bool *ended;           /* per input port: finished */
    uint32_t n_ended;
    int64_t wm_out;        /* last watermark forwarded (WM_NONE at first) */
    bool is_finished;      /* finish() forwarded */
    int64_t timer_ms;      /* next processing-time timer; INT64_MAX none */
    uint64_t rows_in;
    uint64_t rows_out;
    uint64_t rows_late;    /* rows dropped as late (behind the watermark
                              on arrival); summed into JobStats */
    uint64_t lookups_failed; /* lookup joins: probe rows whose lookup
                              failed and passed unmatched
                              (lookup.failure-mode NULL); summed into
                              JobStats (issue 6) */
    VmCtx vm;              /* evaluation context (a = batch arena, tz) */
    struct OpMetrics *metrics; /* sinks when metrics are on, else NULL
                              (issue 10, runtime/metrics.h) */
};

/* ---- emitting --------------------------------------------------------- */

/* A row slot in s->out stamped with kind and the watermark wm (pass the
 * input row's wm, or s->wm_out for rows the operator makes itself).  When
 * the output batch is full it is pushed downstream first. */
Value *op_emit_row(OpState *s, RowKind kind, int64_t wm);
/* Push s->out downstream if it holds rows, then clear it. */
int op_flush(OpState *s);
/* Push a batch the operator did not build (pass-through) downstream. */
int op_push_batch(OpState *s, Batch *b);
/* Flush, then forward watermark wm to every consumer if it is higher than
 * the last one forwarded. */
int op_emit_watermark(OpState *s, int64_t wm);
/* Flush, then finish every consumer (each on its port). */
int op_emit_finish(OpState *s);

/* Defaults used when a vtable entry is NULL (also callable from an
 * operator's own entry). */
int op_default_watermark(OpState *s, int64_t wm, uint32_t port);
int op_default_finish(OpState *s, uint32_t port);

/* Call a consumer (used by the emit helpers and the loop). */
int op_call_push(OpState *s, Batch *b, uint32_t port);
int op_call_watermark(OpState *s, int64_t wm, uint32_t port);
int op_call_finish(OpState *s, uint32_t port);

/* Ask for timer() at monotonic time at_ms (replaces the previous one);
 * INT64_MAX cancels. */
void op_set_timer(OpState *s, int64_t at_ms);

/* Record the job's first error (message in house style, no position);
 * returns FSQL_E_* code for `return op_fail(...)`. */
int op_fail(OpState *s, int code, const char *fmt, ...) FSQL_PRINTF(3, 4);
/* Record an expression error from s->vm while processing row `row` of
 * batch in (adds the SQL position and, when known, where the row came
 * from). */
int op_fail_eval(OpState *s, const Batch *in, uint32_t row);

/* The RunCtx of the operator's Program (time zone, output streams,
 * prog = the Program that holds s->def and its tables). */
const struct RunCtx *op_run_ctx(OpState *s);

#endif
