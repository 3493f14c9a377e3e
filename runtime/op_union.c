/*
 * op_union.c - Union (UNION ALL): rows of every input, as they come.
 *
 * Inputs: n ports.  Output: the input rows unchanged (pass-through).
 * Watermarks: the minimum over the inputs (op_default_watermark); per-row
 * watermarks are lowered to that minimum, so a row from a fast input is
 * never judged late against a watermark the slow input has not reached.
 * State: per-port watermarks (OpState.wm_in).
 */
#include "runtime/fsql.h"
#include "runtime/op.h"

typedef struct UnionState {
    int64_t *wm; /* per-row watermarks of the pushed view */
    uint32_t cap;
} UnionState;

static int union_open(OpState *s)
{
    UnionState *st = ARENA_NEW(&s->a, UnionState);
    st->cap = BATCH_ROWS;
    st->wm = xmalloc(sizeof(int64_t) * st->cap);
    s->priv = st;
    return FSQL_OK;
}

static int union_push(OpState *s, Batch *in, uint32_t port)
{
    UnionState *st = s->priv;
    uint32_t n = s->def->n_inputs;
    /* The lowest watermark among the other inputs. */
    int64_t other = WM_END;
    for (uint32_t i = 0; i < n; i++)
        if (i != port && s->wm_in[i] < other)
            other = s->wm_in[i];
    bool lower = false;
    for (uint32_t r = 0; r < in->n_rows && !lower; r++)
        lower = in->wm[r] > other;
    if (!lower)
        return op_push_batch(s, in);
    if (in->n_rows > st->cap) {
        xfree(st->wm);
        st->cap = in->n_rows;
        st->wm = xmalloc(sizeof(int64_t) * st->cap);
    }
    for (uint32_t r = 0; r < in->n_rows; r++)
        st->wm[r] = in->wm[r] < other ? in->wm[r] : other;
    Batch view = *in;
    view.wm = st->wm;
    return op_push_batch(s, &view);
}

static void union_close(OpState *s)
{
    UnionState *st = s->priv;
    if (st)
        xfree(st->wm);
}

const OpVtbl op_union_vtbl = {
    .name = "Union",
    .open = union_open,
    .push = union_push,
    .close = union_close,
};
