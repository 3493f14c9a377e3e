/*
 * agg.h - the aggregate-function library: AggDef registry, per-call
 * AggSpec, the counted string pool that aggregate state keeps strings in.
 *
 * Pipeline position: the compiler types every aggregate call (PAggCall:
 * name, argument and result types); codegen copies name and types into
 * the Program; an operator (OverAggregate today, window and group
 * aggregates later) looks the name up once with agg_def_find(), fills an
 * AggSpec and then drives the state per row:
 *
 *     agg_init(sp, st)                  st: agg_state_size(sp) bytes
 *     agg_step(sp, st, args)            a row enters the frame / group
 *     agg_inverse(sp, st, args)         a row leaves it (sliding frames)
 *     agg_final(sp, st, &out, a)        the current result
 *     agg_fini(sp, st)                  release what the state owns
 *
 * The agg_* wrappers add DISTINCT (a counted multiset in front of the
 * function: a value reaches the function when its count goes 0 -> 1 and
 * leaves it when it goes 1 -> 0) and FILTER-free NULL handling is the
 * function's own business (COUNT(x) skips NULL, COUNT(*) does not).
 *
 * Retraction contract: `inverse` must be called with the rows in the order
 * they were stepped (first in, first out), which is what sliding OVER
 * frames and hopping windows do.  MIN/MAX (a monotonic deque),
 * FIRST_VALUE/LAST_VALUE, LISTAGG and the percentiles rely on it; the
 * sums, counts, averages, variances and DISTINCT sets accept any order.
 * An AggDef whose `inverse` is NULL cannot be used in a sliding frame.
 *
 * Result types: the compiler's (Flink's) types, passed in AggSpec.res:
 * SUM(INT) is INT (wrapping as Java int arithmetic does), SUM(DECIMAL(p,
 * s)) DECIMAL(38, s), AVG(DECIMAL(p, s)) DECIMAL(38, max(6, s)) computed
 * exactly with runtime/decimal.h (HALF_UP), COUNT BIGINT NOT NULL, AVG and
 * the variance family of an integer type that integer type (truncated).
 *
 * Memory: a state is a flat block of state_size bytes the caller owns
 * (keyed operator state); what grows with the data (deques, value lists,
 * DISTINCT sets of DOUBLE/DECIMAL) is xmalloc'd by the state and released
 * by agg_fini().  DISTINCT sets of one-word types and strings keep their
 * first value inside the state and further ones in blocks from the
 * StrPool, released with it.  Strings kept in state are references into a StrPool
 * (AggSpec.pool): interned once per distinct value, counted, freed when
 * the last reference goes.  agg_final() copies string results into the
 * arena it is given (the batch arena), so results outlive retraction.
 *
 * Errors: none at run time; an overflowing DECIMAL sum gives NULL (as
 * Flink does).  agg_def_find() returns NULL for a name it does not know.
 */
#ifndef FSQL_RUNTIME_AGG_H
#define FSQL_RUNTIME_AGG_H

#include "runtime/fsql.h"
#include "runtime/mem.h"
#include "runtime/value.h"

/* ---- counted string pool ---------------------------------------------- */

/* Interned strings with reference counts: equal byte strings share one
 * copy; the copy is freed when its count drops to zero.  Used for every
 * string an operator keeps in state (retained rows, DISTINCT keys,
 * MIN/MAX candidates).  Not thread-safe (one per operator instance). */
typedef struct StrPool StrPool;

StrPool *strpool_new(void);
void strpool_free(StrPool *p);
/* A reference to the interned copy of s[0..n) (count + 1).  n == 0 gives
 * a static empty string that needs no release. */
const char *strpool_ref(StrPool *p, const char *s, uint32_t n);
/* Another reference to a pointer strpool_ref returned (count + 1). */
void strpool_addref(StrPool *p, const char *interned, uint32_t n);
/* Drop one reference to a pointer strpool_ref returned. */
void strpool_unref(StrPool *p, const char *interned, uint32_t n);
/* The length of a string strpool_ref returned for n > 0 bytes. */
uint32_t strpool_len(const char *interned);
/* Distinct strings held, and their bytes including overhead. */
size_t strpool_count(const StrPool *p);
size_t strpool_bytes(const StrPool *p);
/* Memory the pool holds (its chunks with their free space, large
 * entries and blocks, the bucket array); *blocks receives the part handed
 * out as aggregate-state blocks (DISTINCT sets). */
size_t strpool_mem_bytes(const StrPool *p, size_t *blocks);
/* Hints before strpool_ref(p, s, n), a few rows ahead (op_over.c):
 * stage 0 starts loading the hash bucket, stage 1 (later, the bucket
 * being cached by then) the bucket's first entry. */
void strpool_prefetch(const StrPool *p, const char *s, uint32_t n,
                      int stage);

/* Promote a Value into state: strings and bytes become pool references
 * (other kinds are copied as they are).  value_unkeep releases one. */
void value_keep(StrPool *p, Value *dst, const Value *src);
void value_unkeep(StrPool *p, const Value *v);

/* ---- aggregate definitions -------------------------------------------- */

typedef enum AggKind {
    AGG_COUNT,
    AGG_SUM,
    AGG_SUM0,
    AGG_AVG,
    AGG_MIN,
    AGG_MAX,
    AGG_VAR_POP,
    AGG_VAR_SAMP,
    AGG_STDDEV_POP,
    AGG_STDDEV_SAMP,
    AGG_FIRST_VALUE,
    AGG_LAST_VALUE,
    AGG_LISTAGG,
    AGG_PERCENTILE_CONT,
    AGG_PERCENTILE_DISC,
    /* positional window functions: the operator computes them from its
     * row buffer (no step/final) */
    AGG_LAG,
    AGG_LEAD,
    AGG_ROW_NUMBER,
    AGG_RANK,
    AGG_DENSE_RANK
} AggKind;

/* AggDef.flags */
#define AGG_F_POSITIONAL 0x01u /* computed by the operator from positions */
#define AGG_F_FIFO 0x02u       /* inverse must follow step order */
#define AGG_F_STAR_OK 0x04u    /* accepts no argument (COUNT(*)) */

typedef struct AggSpec AggSpec;

/* A state block is 16-byte aligned (it may hold 128-bit integers). */
typedef struct AggDef {
    const char *name; /* upper case, as the compiler names it */
    AggKind kind;
    unsigned flags;   /* AGG_F_* */
    uint32_t state_size; /* bytes of the flat state (8-byte aligned) */
    void (*init)(const AggSpec *sp, void *st);
    /* args: the call's argument Values (sp->n_args of them) */
    void (*step)(const AggSpec *sp, void *st, const Value *args);
    void (*inverse)(const AggSpec *sp, void *st, const Value *args);
    /* Combine other into st (partial/pane states); NULL when not
     * supported.  other is left as it was. */
    void (*merge)(const AggSpec *sp, void *st, const void *other);
    void (*final)(const AggSpec *sp, const void *st, Value *out, Arena *a);
    void (*fini)(const AggSpec *sp, void *st); /* NULL: owns nothing */
} AggDef;

/* One aggregate call as an operator runs it (operator arena; read-only
 * once agg_spec_init has run). */
struct AggSpec {
    const AggDef *def;
    uint32_t n_args;     /* 0 for COUNT(*) */
    RtType arg;          /* type of args[0] (the value for percentiles) */
    RtType res;          /* result type from the compiler */
    bool is_distinct;
    StrPool *pool;       /* where state keeps strings (borrowed) */
    uint32_t value_arg;  /* which argument is the value (1 for
                            PERCENTILE_*(f, x) as operators pass them;
                            the fraction f must be a DOUBLE) */
    uint32_t state_size; /* agg_state_size() */
    bool dset_compact;   /* DISTINCT of a one-word or string type: the
                            compact set (agg.c), first entry inline */
    bool dset_count;     /* COUNT(DISTINCT x) on the compact set: the count
                            is the set's size, no state of its own */
    bool is_interned;    /* string arguments passed to step/inverse are
                            already references into pool (the caller's
                            retained rows): kept by adding a reference */
};

/* The definition for a name (case-insensitive), or NULL. */
const AggDef *agg_def_find(const char *name, size_t len);
/* Every definition, for docs and tests; *n receives the count. */
const AggDef *agg_defs(uint32_t *n);

/* Fill sp for def with the given types.  Returns false when the function
 * cannot run on that argument type (the compiler normally prevents it). */
bool agg_spec_init(AggSpec *sp, const AggDef *def, uint32_t n_args,
                   const RtType *arg, const RtType *res, bool is_distinct,
                   StrPool *pool);

/* Bytes of state for sp (the function's, plus the DISTINCT set). */
uint32_t agg_state_size(const AggSpec *sp);
/* The alignment a state block of sp needs: 16 when it holds 128-bit
 * integers (sums, averages, variances), else 8.  Operators packing
 * several states in one block may align each by this instead of 16. */
uint32_t agg_state_align(const AggSpec *sp);
void agg_init(const AggSpec *sp, void *st);
void agg_step(const AggSpec *sp, void *st, const Value *args);
void agg_inverse(const AggSpec *sp, void *st, const Value *args);
/* Whether sp can retract rows (inverse), i.e. run in a sliding frame. */
bool agg_has_inverse(const AggSpec *sp);
/* Combine other into st; false when the function has no merge. */
bool agg_merge(const AggSpec *sp, void *st, const void *other);
/* The current result; strings copied into a (which may be NULL only when
 * the result type is not a string type). */
void agg_final(const AggSpec *sp, const void *st, Value *out, Arena *a);
void agg_fini(const AggSpec *sp, void *st);
/* agg_fini when sp->pool is freed right after (operator teardown): what
 * lives in the pool (strings, DISTINCT sets of one-word and string types)
 * is not released one by one.  The state is invalid afterwards. */
void agg_fini_teardown(const AggSpec *sp, void *st);
/* Whether agg_fini_teardown has anything to do for states of sp (false:
 * an operator may drop them without visiting each). */
bool agg_teardown_needed(const AggSpec *sp);
/* Declare that this state will never see agg_inverse (an UNBOUNDED
 * PRECEDING frame, a tumbling window): MIN/MAX/FIRST_VALUE/LAST_VALUE
 * then keep one value instead of a deque.  Call right after agg_init. */
void agg_set_append_only(const AggSpec *sp, void *st);
/* Bytes the state holds outside its flat block (deques, sets). */
size_t agg_heap_bytes(const AggSpec *sp, const void *st);
/* A hint a few rows before stepping st (op_over.c): stage 0 starts
 * loading what the state points to (the DISTINCT set), stage 1 (later)
 * one level further (the set's slots). */
void agg_prefetch(const AggSpec *sp, const void *st, int stage);

/* ---- checkpoints (issue 10, runtime/checkpoint.h) ---------------------- */

struct SnapWriter;
struct SnapReader;

/* Layout of what agg_state_snapshot writes.  The states themselves carry
 * no version (a keyed operator writes millions of them): an operator
 * writes AGG_SNAP_VERSION once in its blob header and refuses a blob
 * whose version it does not know.  Bump it when a layout changes. */
#define AGG_SNAP_VERSION 1u

/* Write state st of sp (every kind: counts, sums, variances, MIN/MAX
 * deques or single values, FIRST/LAST, LISTAGG and percentile buffers,
 * the DISTINCT multiset, the append-only flag) into w.  The spec itself
 * is not written: the restoring operator rebuilds it from its OpDef. */
void agg_state_snapshot(const AggSpec *sp, const void *st,
                        struct SnapWriter *w);
/* Rebuild a state from r into st (agg_state_size(sp) bytes, not yet
 * initialised: do not call agg_init before, nor agg_set_append_only
 * after - the flag is restored).  Strings are interned into sp->pool,
 * one reference per value the state keeps, as agg_step would have done
 * (callers with sp->is_interned restore their retained rows' references
 * themselves; equal bytes share the pool entry).  Returns false when the
 * blob is malformed (r->bad is then set); st is still a valid state that
 * agg_fini releases.
 *
 * Use (op_over.c, op_match.c, windows, group aggregates): for each state
 * an operator keeps, call agg_state_snapshot(&spec, st, w) in its
 * snapshot() and, in restore(), after building the specs exactly as
 * open() does (same pool), allocate the block and call
 * agg_state_restore(&spec, st, r) in the same order; on false return
 * FSQL_E_STATE.  aggset_snapshot/aggset_restore (aggset.h) do this for
 * every call of an AggSet block. */
bool agg_state_restore(const AggSpec *sp, void *st, struct SnapReader *r);

#endif
