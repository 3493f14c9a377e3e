/*
 * op.c - operator dispatch, emit helpers and default watermark / finish
 * handling (see op.h).
 *
 * Watermark rule for operators without their own: the output watermark is
 * the minimum of the inputs' watermarks (an ended input counts as +inf),
 * forwarded only when it rises.  Before a watermark or finish is
 * forwarded, the output batch is flushed, so rows always precede the
 * watermark that follows them.
 */
#include "runtime/fsql.h"
#include "runtime/op.h"
#include "runtime/job.h"
#include "runtime/metrics.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const OpVtbl *const op_vtbls[OP_KIND_COUNT] = {
#define X(k, v) [OP_KIND_##k] = &v,
    OP_IMPLS(X)
#undef X
};

const OpVtbl *op_vtbl_for(OpKind k)
{
    if ((unsigned)k >= OP_KIND_COUNT)
        return NULL;
    return op_vtbls[k];
}

/* ---- calls ------------------------------------------------------------ */

int op_call_push(OpState *s, Batch *b, uint32_t port)
{
    if (b->n_rows == 0 && b->flags == 0)
        return FSQL_OK;
    s->rows_in += b->n_rows;
    if (unlikely(s->metrics != NULL)) /* a sink, metrics on (issue 10) */
        metrics_sink_rows(s, b);
    int rc = s->v->push(s, b, port);
    if (rc < 0 && !job_failed(s->job))
        job_fail(s->job, rc, "an operator failed without a message");
    return rc;
}

int op_call_watermark(OpState *s, int64_t wm, uint32_t port)
{
    if (s->v->watermark)
        return s->v->watermark(s, wm, port);
    return op_default_watermark(s, wm, port);
}

int op_call_finish(OpState *s, uint32_t port)
{
    if (s->v->finish)
        return s->v->finish(s, port);
    return op_default_finish(s, port);
}

/* ---- emitting --------------------------------------------------------- */

int op_flush(OpState *s)
{
    if (s->out.n_rows == 0 && s->out.flags == 0)
        return FSQL_OK;
    int rc = FSQL_OK;
    s->rows_out += s->out.n_rows;
    for (uint32_t i = 0; i < s->n_cons && rc == FSQL_OK; i++)
        rc = op_call_push(s->cons[i].op, &s->out, s->cons[i].port);
    batch_clear(&s->out);
    return rc;
}

Value *op_emit_row(OpState *s, RowKind kind, int64_t wm)
{
    if (unlikely(batch_is_full(&s->out))) {
        uint32_t split = s->out.split;
        op_flush(s); /* an error is recorded in the job */
        s->out.split = split;
    }
    return batch_add(&s->out, kind, wm);
}

int op_push_batch(OpState *s, Batch *b)
{
    int rc = op_flush(s);
    if (rc < 0)
        return rc;
    s->rows_out += b->n_rows;
    for (uint32_t i = 0; i < s->n_cons && rc == FSQL_OK; i++)
        rc = op_call_push(s->cons[i].op, b, s->cons[i].port);
    return rc;
}

int op_emit_watermark(OpState *s, int64_t wm)
{
    int rc = op_flush(s);
    if (rc < 0 || wm <= s->wm_out)
        return rc;
    s->wm_out = wm;
    for (uint32_t i = 0; i < s->n_cons && rc == FSQL_OK; i++)
        rc = op_call_watermark(s->cons[i].op, wm, s->cons[i].port);
    return rc;
}

int op_emit_finish(OpState *s)
{
    int rc = op_flush(s);
    if (rc < 0 || s->is_finished)
        return rc;
    s->is_finished = true;
    for (uint32_t i = 0; i < s->n_cons && rc == FSQL_OK; i++)
        rc = op_call_finish(s->cons[i].op, s->cons[i].port);
    return rc;
}

/* ---- defaults --------------------------------------------------------- */

int op_default_watermark(OpState *s, int64_t wm, uint32_t port)
{
    uint32_t n = s->def->n_inputs;
    if (n == 0)
        return op_emit_watermark(s, wm);
    if (port < n && wm > s->wm_in[port])
        s->wm_in[port] = wm;
    int64_t m = WM_END;
    for (uint32_t i = 0; i < n; i++)
        if (s->wm_in[i] < m)
            m = s->wm_in[i];
    return op_emit_watermark(s, m);
}

int op_default_finish(OpState *s, uint32_t port)
{
    uint32_t n = s->def->n_inputs;
    if (port < n && !s->ended[port]) {
        s->ended[port] = true;
        s->n_ended++;
    }
    if (s->n_ended < n)
        return FSQL_OK;
    return op_emit_finish(s);
}

void op_set_timer(OpState *s, int64_t at_ms)
{
    s->timer_ms = at_ms;
}

/* ---- errors ----------------------------------------------------------- */

int op_fail(OpState *s, int code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return job_fail(s->job, code, msg);
}

int op_fail_eval(OpState *s, const Batch *in, uint32_t row)
{
    char pos[256], ctx[256], msg[1024];
    const Program *p = NULL;
    p = job_program_of(s->job, s->def);
    if (p)
        program_span_pos(p, s->vm.err_at, pos, sizeof pos);
    else
        snprintf(pos, sizeof pos, "<sql>");
    job_row_context(s->job, in, row, ctx, sizeof ctx);
    if (ctx[0])
        snprintf(msg, sizeof msg, "%s: runtime error: %s\n   = context: %s",
                 pos, s->vm.err_msg[0] ? s->vm.err_msg : "evaluation failed",
                 ctx);
    else
        snprintf(msg, sizeof msg, "%s: runtime error: %s", pos,
                 s->vm.err_msg[0] ? s->vm.err_msg : "evaluation failed");
    return job_fail(s->job, FSQL_E_EVAL, msg);
}
