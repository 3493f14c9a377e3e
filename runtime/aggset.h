/*
 * aggset.h - the aggregate calls of one keyed operator, driven as a unit:
 * AggSpecs (runtime/agg.h) laid out side by side in one flat state block
 * per key or window.
 *
 * Pipeline position: window aggregates (op_window.c) and group aggregates
 * (op_group_agg.c) evaluate their `args` Code over an input row into an
 * argument vector; aggset_step() feeds every call its slice of it
 * (OpAggCall.arg, n_args), honouring FILTER (WHERE) results, and
 * aggset_final() writes one output Value per call.
 *
 * Memory: the AggSet itself lives in the operator arena; state blocks are
 * the caller's (keyed state entries), aggset_fini() releases what the
 * states own outside the block (deques, DISTINCT sets, pooled strings).
 */
#ifndef FSQL_RUNTIME_AGGSET_H
#define FSQL_RUNTIME_AGGSET_H

#include "runtime/fsql.h"
#include "runtime/agg.h"
#include "runtime/mem.h"
#include "runtime/program.h"

typedef struct AggSet {
    uint32_t n;
    const OpAggCall *calls;
    AggSpec *specs;      /* n */
    uint32_t *offs;      /* n: byte offset of each state in the block */
    uint32_t state_size; /* bytes of a block (multiple of 16) */
} AggSet;

/* Set up the calls (arena a).  Returns false with a message in err when a
 * function is unknown or cannot run on its argument type. */
bool aggset_init(AggSet *as, Arena *a, const OpAggCall *calls, uint32_t n,
                 StrPool *pool, char *err, size_t err_n);
/* Initialise a block; append_only: no row will ever be retracted. */
void aggset_start(const AggSet *as, void *block, bool append_only);
/* A row (its argument vector) enters / leaves the group. */
void aggset_step(const AggSet *as, void *block, const Value *args);
void aggset_inverse(const AggSet *as, void *block, const Value *args);
/* One result per call into out[0..n); strings copied into a. */
void aggset_final(const AggSet *as, const void *block, Value *out, Arena *a);
void aggset_fini(const AggSet *as, void *block);
/* aggset_fini at operator teardown, the pool given to aggset_init being
 * freed right after (agg_fini_teardown: pooled strings and sets are not
 * released one by one).  The block is invalid afterwards. */
void aggset_fini_teardown(const AggSet *as, void *block);
/* Whether aggset_fini_teardown has anything to do for blocks of as
 * (false: an operator may drop its blocks without visiting each). */
bool aggset_teardown_needed(const AggSet *as);
/* Bytes held outside the block. */
size_t aggset_heap_bytes(const AggSet *as, const void *block);

/* Combine block src into dst (both started append-only). */
void aggset_merge(const AggSet *as, void *dst, const void *src);

/* Checkpoints: every call's state of a block, in call order
 * (agg_state_snapshot/agg_state_restore, agg.h).  aggset_restore fills
 * an uninitialised block; false: malformed blob (the block is still
 * valid for aggset_fini). */
struct SnapWriter;
struct SnapReader;
void aggset_snapshot(const AggSet *as, const void *block,
                     struct SnapWriter *w);
bool aggset_restore(const AggSet *as, void *block, struct SnapReader *r);

#endif
