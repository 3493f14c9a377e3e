/*
 * late_out.c - counting late rows and writing them to the late-data sink
 * (late_out.h).
 */
#include "runtime/fsql.h"
#include "runtime/late_out.h"
#include "runtime/job.h"
#include "runtime/value_ops.h"

#include <stdio.h>
#include <string.h>

static Value ts_value(const RtType *t, int64_t ms)
{
    bool is_ts = t->kind == VK_TIMESTAMP || t->kind == VK_TIMESTAMP_LTZ;
    Value v = value_null(is_ts ? t->kind : VK_TIMESTAMP);
    v.is_null = false;
    v.u.i = ms;
    return v;
}

static int32_t col_named(const TableDef *t, const char *name)
{
    for (uint32_t c = 0; c < t->schema.n_cols; c++)
        if (str_ieq_cstr(str_from_cstr(t->schema.cols[c].name), name))
            return (int32_t)c;
    return -1;
}

int late_out_open(OpState *s, LateOut *lo, const OpLateDef *def)
{
    const OpDef *d = s->def;
    const Program *p = job_program_of(s->job, d);
    lo->def = def;
    lo->in = &p->ops[d->inputs[0]].out;
    snprintf(lo->name, sizeof lo->name, "%s#%u", op_kind_name(d->kind),
             d->plan_id);
    if (def->sink_table == UINT32_MAX)
        return FSQL_OK;
    lo->table = &p->tables[def->sink_table];
    FsqlErr err;
    fsql_err_clear(&err);
    int rc = connector_open_sink(lo->table, op_run_ctx(s), &lo->w, &err);
    if (rc < 0)
        return job_fail(s->job, rc, err.msg);
    const RtSchema *ts = &lo->table->schema;
    batch_init(&lo->b, ts->n_cols, 256, job_batch_arena(s->job));
    lo->col_op = col_named(lo->table, "operator_name");
    lo->col_json = col_named(lo->table, "row_json");
    lo->col_time = col_named(lo->table, "row_time");
    lo->col_wm = col_named(lo->table, "watermark_time");
    lo->from_in = ARENA_NEW_ARRAY(&s->a, int32_t, ts->n_cols + 1);
    for (uint32_t c = 0; c < ts->n_cols; c++) {
        lo->from_in[c] = -1;
        for (uint32_t i = 0; i < lo->in->n_cols; i++)
            if (str_ieq_cstr(str_from_cstr(ts->cols[c].name),
                             lo->in->cols[i].name) &&
                ts->cols[c].type.kind == lo->in->cols[i].type.kind)
                lo->from_in[c] = (int32_t)i;
    }
    strbuf_init(&lo->sb);
    return FSQL_OK;
}

int late_out_flush(OpState *s, LateOut *lo)
{
    if (!lo->w || lo->b.n_rows == 0)
        return FSQL_OK;
    FsqlErr err;
    fsql_err_clear(&err);
    int rc = lo->w->v->write(lo->w, &lo->b, &err);
    lo->w->rows_written += lo->b.n_rows;
    batch_clear(&lo->b);
    if (rc < 0)
        return job_fail(s->job, rc, err.msg);
    return FSQL_OK;
}

/* Write the buffered late rows and make them durable (finish, and every
 * checkpoint: the late-data sink is at-least-once, so a row dropped
 * before a checkpoint must be in the sink when the checkpoint is). */
int late_out_sync(OpState *s, LateOut *lo)
{
    int rc = late_out_flush(s, lo);
    if (rc == FSQL_OK && lo->w && lo->w->v->flush) {
        FsqlErr err;
        fsql_err_clear(&err);
        rc = lo->w->v->flush(lo->w, &err);
        if (rc < 0)
            return job_fail(s->job, rc, err.msg);
    }
    return rc;
}

/* Row r of in was dropped as late (time ts; LATE_NO_TIME when the row
 * has none). */
void late_out_drop(OpState *s, LateOut *lo, const Batch *in, uint32_t r,
                   int64_t ts)
{
    s->rows_late++;
    if (!lo->w)
        return;
    if (batch_is_full(&lo->b))
        late_out_flush(s, lo);
    const RtSchema *tsch = &lo->table->schema;
    const Value *row = batch_row(in, r);
    Value *o = batch_add(&lo->b, ROW_INSERT, in->wm[r]);
    Arena *a = job_batch_arena(s->job);
    for (uint32_t c = 0; c < tsch->n_cols; c++) {
        o[c] = value_null(tsch->cols[c].type.kind);
        if (lo->from_in[c] >= 0)
            o[c] = row[lo->from_in[c]];
    }
    if (lo->col_op >= 0) {
        Value *v = &o[lo->col_op];
        v->kind = VK_STRING;
        v->is_null = false;
        v->u.s.ptr = lo->name;
        v->u.s.len = (uint32_t)strlen(lo->name);
    }
    if (lo->col_json >= 0) {
        strbuf_clear(&lo->sb);
        strbuf_putc(&lo->sb, '{');
        for (uint32_t i = 0; i < lo->in->n_cols; i++) {
            if (i)
                strbuf_puts(&lo->sb, ", ");
            const char *nm = lo->in->cols[i].name;
            value_json_escape(&lo->sb, nm, strlen(nm));
            strbuf_puts(&lo->sb, ": ");
            value_format_json(&lo->sb, &row[i], &lo->in->cols[i].type, NULL);
        }
        strbuf_putc(&lo->sb, '}');
        Value *v = &o[lo->col_json];
        v->kind = VK_STRING;
        v->is_null = false;
        v->u.s.ptr = arena_strndup(a, lo->sb.ptr, lo->sb.len);
        v->u.s.len = (uint32_t)lo->sb.len;
    }
    if (lo->col_time >= 0 && ts != LATE_NO_TIME)
        o[lo->col_time] = ts_value(&tsch->cols[lo->col_time].type, ts);
    if (lo->col_wm >= 0 && in->wm[r] != WM_NONE)
        o[lo->col_wm] = ts_value(&tsch->cols[lo->col_wm].type, in->wm[r]);
}

void late_out_close(LateOut *lo)
{
    if (lo->w) {
        lo->w->v->close(lo->w);
        lo->w = NULL;
        batch_fini(&lo->b);
        strbuf_fini(&lo->sb);
    }
}

