/*
 * op_values.c - Values: constant rows (VALUES (...), (...); SELECT without
 * FROM).
 *
 * Input: none; the loop starts it with finish(0) before any source is
 * polled.  Output: its rows as +I, then watermark +inf and finish.
 * State: the rows, evaluated once at open into the operator arena.
 */
#include "runtime/fsql.h"
#include "runtime/job.h"
#include "runtime/op.h"

#include <string.h>

typedef struct ValuesState {
    Value *rows; /* n_rows * n_cols, strings in the operator arena */
    bool done;
} ValuesState;

static int values_open(OpState *s)
{
    const OpValuesDef *d = &s->def->u.values;
    uint32_t nc = s->def->out.n_cols;
    ValuesState *st = ARENA_NEW(&s->a, ValuesState);
    st->rows = ARENA_NEW_ARRAY(&s->a, Value, (size_t)d->n_rows * nc + 1);
    VmCtx x;
    memset(&x, 0, sizeof x);
    x.a = &s->a;
    x.tz = s->vm.tz;
    x.now_ms = job_now_wall_ms();
    Value empty[1];
    memset(empty, 0, sizeof empty);
    for (uint32_t r = 0; r < d->n_rows; r++) {
        const Code *c = d->rows[r];
        if (!c)
            continue; /* a row without columns */
        Value *regs = code_regs_new(&s->a, c);
        bool ok = vm_eval_into(c, regs, empty, st->rows + (size_t)r * nc, &x);
        code_regs_fini(c, regs);
        if (!ok) {
            s->vm = x;
            return op_fail_eval(s, NULL, 0);
        }
    }
    s->priv = st;
    return FSQL_OK;
}

static int values_finish(OpState *s, uint32_t port)
{
    ValuesState *st = s->priv;
    const OpValuesDef *d = &s->def->u.values;
    uint32_t nc = s->def->out.n_cols;
    (void)port;
    if (st->done)
        return FSQL_OK;
    st->done = true;
    for (uint32_t r = 0; r < d->n_rows; r++) {
        Value *o = op_emit_row(s, ROW_INSERT, WM_NONE);
        memcpy(o, st->rows + (size_t)r * nc, sizeof(Value) * nc);
    }
    int rc = op_emit_watermark(s, WM_END);
    if (rc < 0)
        return rc;
    return op_emit_finish(s);
}

static int values_push(OpState *s, Batch *in, uint32_t port)
{
    (void)in;
    (void)port;
    return op_fail(s, FSQL_E_INTERNAL, "Values received rows");
}

const OpVtbl op_values_vtbl = {
    .name = "Values",
    .open = values_open,
    .push = values_push,
    .finish = values_finish,
};
