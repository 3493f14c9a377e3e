/*
 * op_sink.c - Sink (INSERT INTO a table) and Collect (a top-level SELECT):
 * hands rows to a SinkWriter.
 *
 * Input: one port.  Output: none.  A Sink's input column i goes to the
 * table's schema column cols[i]; when that mapping is the identity the
 * input batch is written as it is, otherwise the rows are rearranged into
 * the operator's own batch (unwritten columns NULL).  Collect writes to
 * the job's --output (runtime/output.c).
 * finish (end of input): the writer is flushed.  The writer must have
 * encoded or copied every row before write() returns: the batch arena is
 * reset right after the push cycle.
 */
#include "runtime/fsql.h"
#include "runtime/checkpoint_int.h"
#include "runtime/connector.h"
#include "runtime/job.h"
#include "runtime/op.h"
#include "runtime/output.h"

typedef struct SinkState {
    SinkWriter *w;
    const TableDef *table; /* NULL for Collect */
    bool identity;
    Batch mapped; /* rows rearranged to the table schema */
} SinkState;

static int sink_open(OpState *s)
{
    SinkState *st = ARENA_NEW(&s->a, SinkState);
    s->priv = st;
    const OpDef *d = s->def;
    const RunCtx *ctx = op_run_ctx(s);
    FsqlErr err;
    fsql_err_clear(&err);
    if (d->kind == OP_KIND_COLLECT) {
        const JobConfig *cfg = job_config(s->job);
        if (cfg->collect_writer)
            st->w = cfg->collect_writer(cfg->collect_arg, &d->out,
                                        d->u.sink.is_updating, ctx);
        else
            st->w = output_writer_new(&d->out, job_output_format(s->job),
                                      d->u.sink.is_updating, ctx);
        st->identity = true;
        return FSQL_OK;
    }
    const Program *p = job_program_of(s->job, d);
    st->table = &p->tables[d->u.sink.table];
    int rc = connector_open_sink(st->table, ctx, &st->w, &err);
    if (rc < 0)
        return job_fail(s->job, rc, err.msg);
    uint32_t n_in = p->ops[d->inputs[0]].out.n_cols;
    uint32_t n_t = st->table->schema.n_cols;
    st->identity = n_in == n_t;
    for (uint32_t i = 0; i < n_in && st->identity; i++)
        st->identity = d->u.sink.cols[i] == i;
    if (!st->identity)
        batch_init(&st->mapped, n_t, BATCH_ROWS, job_batch_arena(s->job));
    return FSQL_OK;
}

static int sink_push(OpState *s, Batch *in, uint32_t port)
{
    SinkState *st = s->priv;
    FsqlErr err;
    (void)port;
    if (in->n_rows == 0)
        return FSQL_OK;
    const Batch *b = in;
    if (!st->identity) {
        const uint32_t *cols = s->def->u.sink.cols;
        uint32_t n_t = st->mapped.n_cols;
        batch_clear(&st->mapped);
        if (in->n_rows > st->mapped.cap) {
            Arena *a = st->mapped.a;
            batch_fini(&st->mapped);
            batch_init(&st->mapped, n_t, in->n_rows, a);
        }
        for (uint32_t r = 0; r < in->n_rows; r++) {
            Value *o = batch_add(&st->mapped, (RowKind)in->kinds[r], in->wm[r]);
            for (uint32_t c = 0; c < n_t; c++)
                o[c] = value_null(st->table->schema.cols[c].type.kind);
            const Value *row = batch_row(in, r);
            for (uint32_t c = 0; c < in->n_cols; c++)
                o[cols[c]] = row[c];
        }
        b = &st->mapped;
    }
    fsql_err_clear(&err);
    int rc = st->w->v->write(st->w, b, &err);
    if (rc < 0)
        return job_fail(s->job, rc, err.msg);
    st->w->rows_written += b->n_rows;
    /* sink.buffer-flush.interval without new rows (eo-sinks, issue 6). */
    if (st->w->v->flush_due_ms)
        op_set_timer(s, st->w->v->flush_due_ms(st->w));
    return FSQL_OK;
}

/* The writer's buffered rows are due: flush them (eo-sinks, issue 6). */
static int sink_timer(OpState *s, int64_t now_ms)
{
    SinkState *st = s->priv;
    FsqlErr err;
    fsql_err_clear(&err);
    if (s->is_finished || !st->w->v->flush_due_ms)
        return FSQL_OK;
    int64_t due = st->w->v->flush_due_ms(st->w);
    if (due <= now_ms) {
        int rc = st->w->v->flush(st->w, &err);
        if (rc < 0)
            return job_fail(s->job, rc, err.msg);
        due = st->w->v->flush_due_ms(st->w);
    }
    op_set_timer(s, due);
    return FSQL_OK;
}

static int sink_finish(OpState *s, uint32_t port)
{
    SinkState *st = s->priv;
    (void)port;
    if (s->is_finished)
        return FSQL_OK;
    s->is_finished = true;
    FsqlErr err;
    fsql_err_clear(&err);
    int rc = st->w->v->flush ? st->w->v->flush(st->w, &err) : FSQL_OK;
    if (rc < 0)
        return job_fail(s->job, rc, err.msg);
    op_set_timer(s, INT64_MAX); /* nothing left for sink_timer */
    return FSQL_OK;
}

static int sink_watermark(OpState *s, int64_t wm, uint32_t port)
{
    (void)s;
    (void)wm;
    (void)port;
    return FSQL_OK;
}

static void sink_close(OpState *s)
{
    SinkState *st = s->priv;
    if (!st)
        return;
    if (st->w)
        st->w->v->close(st->w);
    if (st->mapped.rows)
        batch_fini(&st->mapped);
}

/* For checkpoint.c: the writer that flushes, precommits and commits. */
SinkWriter *op_sink_writer(OpState *s)
{
    SinkState *st = s->priv;
    return st ? st->w : NULL;
}

const OpVtbl op_sink_vtbl = {
    .name = "Sink",
    .open = sink_open,
    .push = sink_push,
    .watermark = sink_watermark,
    .finish = sink_finish,
    .timer = sink_timer,
    .close = sink_close,
};
