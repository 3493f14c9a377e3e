/*
 * op_source.c - TableSourceScan: feeds the rows a source reader produced
 * into the graph.
 *
 * Input: none from other operators; the loop pushes the shared reader's
 * batch on port 0 (runtime/loop.c).  Output: the scanned columns.  When
 * several scans share one reader (two statements reading the same table),
 * the reader's rows hold the union of their columns and each scan picks
 * its own (colmap); otherwise the batch passes through untouched.
 * State: none.  Watermarks: the source sends only +inf at end of input;
 * a WatermarkAssigner above generates the rest.
 * Checkpoints (issue 10): nothing of its own - the framework saves the
 * OpState fields, and the reader's position is the SourceReader's
 * snapshot (checkpoint.c saves it once per shared reader).
 */
#include "runtime/fsql.h"
#include "runtime/connector.h"
#include "runtime/job.h"
#include "runtime/op.h"

typedef struct SourceState {
    const uint32_t *colmap; /* NULL: pass the reader's batch through */
} SourceState;

static int source_open(OpState *s)
{
    SourceState *st = ARENA_NEW(&s->a, SourceState);
    const SourceBinding *b = job_source_binding(s->job, s);
    st->colmap = b ? b->colmap : NULL;
    s->priv = st;
    return FSQL_OK;
}

static int source_push(OpState *s, Batch *in, uint32_t port)
{
    SourceState *st = s->priv;
    (void)port;
    if (!st->colmap)
        return op_push_batch(s, in);
    uint32_t nc = s->def->out.n_cols;
    s->out.split = in->split;
    for (uint32_t r = 0; r < in->n_rows; r++) {
        const Value *src = batch_row(in, r);
        Value *dst = op_emit_row(s, (RowKind)in->kinds[r], in->wm[r]);
        for (uint32_t c = 0; c < nc; c++)
            dst[c] = src[st->colmap[c]];
    }
    s->out.flags = in->flags;
    return op_flush(s);
}

const OpVtbl op_source_vtbl = {
    .name = "TableSourceScan",
    .open = source_open,
    .push = source_push,
};
