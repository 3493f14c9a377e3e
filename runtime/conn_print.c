/*
 * conn_print.c - the 'print' connector: Flink's print sink.
 *
 * Every row becomes one line `+I[1, abc, null]` (the row kind, then the
 * values as Flink's Row.toString shows them: VALUE_STYLE_PRINT), prefixed
 * with `<print-identifier>> ` when that option is set, on standard output
 * or, with 'standard-error' = 'true', standard error.  A batch is encoded
 * into one buffer and written with one fwrite; flush() flushes the stream.
 */
#include "runtime/fsql.h"
#include "runtime/connector.h"
#include "runtime/value_ops.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

typedef struct PrintWriter {
    SinkWriter base;
    FILE *f;
    const char *prefix; /* "id> " or "" (Program arena / static) */
    size_t prefix_len;
    char *prefix_buf;
    ValueFmt fmt;
    StrBuf buf;
} PrintWriter;

static int print_write(SinkWriter *w, const Batch *b, FsqlErr *err)
{
    PrintWriter *p = (PrintWriter *)w;
    const RtSchema *s = &w->table->schema;
    strbuf_clear(&p->buf);
    for (uint32_t r = 0; r < b->n_rows; r++) {
        const Value *row = batch_row(b, r);
        strbuf_append(&p->buf, p->prefix, p->prefix_len);
        strbuf_append(&p->buf, row_kind_short((RowKind)b->kinds[r]), 2);
        strbuf_putc(&p->buf, '[');
        for (uint32_t c = 0; c < s->n_cols; c++) {
            if (c)
                strbuf_append(&p->buf, ", ", 2);
            value_format(&p->buf, &row[c], &s->cols[c].type, &p->fmt);
        }
        strbuf_append(&p->buf, "]\n", 2);
    }
    if (p->buf.len && fwrite(p->buf.ptr, 1, p->buf.len, p->f) != p->buf.len)
        return fsql_err_set(err, FSQL_E_IO,
                            "could not write to the print sink \"%s\": %s",
                            w->table->name, strerror(errno));
    return FSQL_OK;
}

static int print_flush(SinkWriter *w, FsqlErr *err)
{
    PrintWriter *p = (PrintWriter *)w;
    if (fflush(p->f) != 0)
        return fsql_err_set(err, FSQL_E_IO,
                            "could not write to the print sink \"%s\": %s",
                            w->table->name, strerror(errno));
    return FSQL_OK;
}

static void print_close(SinkWriter *w)
{
    PrintWriter *p = (PrintWriter *)w;
    fflush(p->f);
    strbuf_fini(&p->buf);
    xfree(p->prefix_buf);
    xfree(p);
}

static const SinkVtbl print_vtbl = {
    .write = print_write,
    .flush = print_flush,
    .close = print_close,
};

static int print_open_sink(const TableDef *t, const RunCtx *ctx,
                           SinkWriter **out, FsqlErr *err)
{
    bool to_stderr;
    int rc = table_opt_bool(t, "standard-error", false, &to_stderr, err);
    if (rc < 0)
        return rc;
    PrintWriter *p = xcalloc(1, sizeof *p);
    p->base.v = &print_vtbl;
    p->base.table = t;
    p->f = to_stderr ? (ctx->err_out ? ctx->err_out : stderr)
                     : (ctx->out ? ctx->out : stdout);
    const char *id = table_def_option(t, "print-identifier");
    if (id && *id) {
        size_t n = strlen(id);
        p->prefix_buf = xmalloc(n + 3);
        memcpy(p->prefix_buf, id, n);
        memcpy(p->prefix_buf + n, "> ", 3);
        p->prefix = p->prefix_buf;
        p->prefix_len = n + 2;
    } else {
        p->prefix = "";
        p->prefix_len = 0;
    }
    p->fmt.tz = ctx->tz;
    p->fmt.style = VALUE_STYLE_PRINT;
    p->fmt.null_text = NULL;
    strbuf_init(&p->buf);
    *out = &p->base;
    return FSQL_OK;
}

const ConnectorImpl conn_print_impl = {
    .name = "print",
    .open_sink = print_open_sink,
};
