/*
 * output.c - the Collect writer: a top-level SELECT's rows on standard
 * output, in one of the --output forms (docs/output.md).
 *
 *   jsonl      {"a":1,"b":"x"} per row (json format encoding); an updating
 *              result puts "op":"+I" / "-U" / "+U" / "-D" first.
 *   changelog  +I[1, x, 2024-01-01 10:00:00.000] per row, values as the
 *              SQL client shows them (NULL as <NULL>).
 *   csv        a header line with the column names, then RFC 4180
 *              records; an updating result adds an "op" column first.
 *   table      the final result (updates applied) as a bordered table,
 *              printed when the input ends, then "N rows in set".
 *
 * Rows are encoded into a buffer and written with one fwrite per batch;
 * the table form formats every cell when the row arrives (the batch arena
 * does not survive the push cycle) into its own arena.
 */
#include "runtime/fsql.h"
#include "runtime/csv.h"
#include "runtime/json.h"
#include "runtime/output.h"
#include "runtime/value_ops.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

typedef struct Cell {
    const char *p;
    uint32_t len;   /* bytes */
    uint32_t width; /* code points */
} Cell;

typedef struct OutWriter {
    SinkWriter base;
    const RtSchema *s;
    OutputFormat form;
    bool is_updating;
    FILE *f;
    ValueFmt fmt;
    StrBuf buf;
    JsonEncoder *je;
    CsvEncoder *ce;
    bool header_done;
    /* table form */
    Arena a;
    Cell *cells; /* n_rows * n_cols */
    bool *live;  /* row not retracted */
    uint32_t n_rows, cap_rows;
    StrBuf cell;
} OutWriter;

static bool is_numeric(const RtType *t)
{
    return t->kind == VK_INT || t->kind == VK_DOUBLE || t->kind == VK_DECIMAL;
}

static int out_fwrite(OutWriter *w, FsqlErr *err)
{
    if (w->buf.len && fwrite(w->buf.ptr, 1, w->buf.len, w->f) != w->buf.len)
        return fsql_err_set(err, FSQL_E_IO,
                            "could not write the query result: %s",
                            strerror(errno));
    strbuf_clear(&w->buf);
    return FSQL_OK;
}

/* ---- table form --------------------------------------------------------- */

static bool row_cells_equal(const OutWriter *w, const Cell *x, const Cell *y)
{
    for (uint32_t c = 0; c < w->s->n_cols; c++)
        if (x[c].len != y[c].len || memcmp(x[c].p, y[c].p, x[c].len) != 0)
            return false;
    return true;
}

static void table_add(OutWriter *w, const Value *row, RowKind k)
{
    uint32_t nc = w->s->n_cols;
    if (w->n_rows == w->cap_rows) {
        w->cap_rows = w->cap_rows ? w->cap_rows * 2 : 64;
        w->cells = xrealloc(w->cells, sizeof(Cell) * w->cap_rows * (nc + 1));
        w->live = xrealloc(w->live, sizeof(bool) * w->cap_rows);
    }
    Cell *cells = w->cells + (size_t)w->n_rows * nc;
    for (uint32_t c = 0; c < nc; c++) {
        strbuf_clear(&w->cell);
        value_format(&w->cell, &row[c], &w->s->cols[c].type, &w->fmt);
        cells[c].len = (uint32_t)w->cell.len;
        cells[c].p = arena_strndup(&w->a, strbuf_cstr(&w->cell), w->cell.len);
        cells[c].width = (uint32_t)utf8_count(cells[c].p, cells[c].len);
    }
    if (k == ROW_UPDATE_BEFORE || k == ROW_DELETE) {
        /* Retract the first live equal row. */
        for (uint32_t r = 0; r < w->n_rows; r++) {
            if (w->live[r] &&
                row_cells_equal(w, w->cells + (size_t)r * nc, cells)) {
                w->live[r] = false;
                break;
            }
        }
        return;
    }
    w->live[w->n_rows++] = true;
}

static void table_rule(StrBuf *b, const uint32_t *wid, uint32_t nc)
{
    for (uint32_t c = 0; c < nc; c++) {
        strbuf_putc(b, '+');
        for (uint32_t i = 0; i < wid[c] + 2; i++)
            strbuf_putc(b, '-');
    }
    strbuf_puts(b, "+\n");
}

static void table_cell(StrBuf *b, const char *p, uint32_t len, uint32_t width,
                       uint32_t colw, bool right)
{
    strbuf_append(b, "| ", 2);
    uint32_t pad = colw > width ? colw - width : 0;
    if (right)
        for (uint32_t i = 0; i < pad; i++)
            strbuf_putc(b, ' ');
    strbuf_append(b, p, len);
    if (!right)
        for (uint32_t i = 0; i < pad; i++)
            strbuf_putc(b, ' ');
    strbuf_putc(b, ' ');
}

static void table_print(OutWriter *w)
{
    uint32_t nc = w->s->n_cols, live = 0;
    uint32_t *wid = xcalloc(nc + 1, sizeof(uint32_t));
    for (uint32_t c = 0; c < nc; c++)
        wid[c] = (uint32_t)utf8_count(w->s->cols[c].name,
                                      strlen(w->s->cols[c].name));
    for (uint32_t r = 0; r < w->n_rows; r++) {
        if (!w->live[r])
            continue;
        live++;
        const Cell *cells = w->cells + (size_t)r * nc;
        for (uint32_t c = 0; c < nc; c++)
            if (cells[c].width > wid[c])
                wid[c] = cells[c].width;
    }
    StrBuf *b = &w->buf;
    if (live == 0) {
        strbuf_puts(b, "Empty set\n");
        xfree(wid);
        return;
    }
    table_rule(b, wid, nc);
    for (uint32_t c = 0; c < nc; c++) {
        const char *n = w->s->cols[c].name;
        table_cell(b, n, (uint32_t)strlen(n),
                   (uint32_t)utf8_count(n, strlen(n)), wid[c],
                   is_numeric(&w->s->cols[c].type));
    }
    strbuf_puts(b, "|\n");
    table_rule(b, wid, nc);
    for (uint32_t r = 0; r < w->n_rows; r++) {
        if (!w->live[r])
            continue;
        const Cell *cells = w->cells + (size_t)r * nc;
        for (uint32_t c = 0; c < nc; c++)
            table_cell(b, cells[c].p, cells[c].len, cells[c].width, wid[c],
                       is_numeric(&w->s->cols[c].type));
        strbuf_puts(b, "|\n");
    }
    table_rule(b, wid, nc);
    strbuf_printf(b, "%u row%s in set\n", live, live == 1 ? "" : "s");
    xfree(wid);
}

/* ---- writer ------------------------------------------------------------- */

static int out_write(SinkWriter *base, const Batch *b, FsqlErr *err)
{
    OutWriter *w = (OutWriter *)base;
    uint32_t nc = w->s->n_cols;
    if (w->form == OUTPUT_TABLE) {
        for (uint32_t r = 0; r < b->n_rows; r++)
            table_add(w, batch_row(b, r), (RowKind)b->kinds[r]);
        return FSQL_OK;
    }
    if (w->form == OUTPUT_CSV && !w->header_done) {
        w->header_done = true;
        if (w->is_updating)
            strbuf_puts(&w->buf, "op,");
        csv_encoder_header(w->ce, &w->buf);
        strbuf_putc(&w->buf, '\n');
    }
    for (uint32_t r = 0; r < b->n_rows; r++) {
        const Value *row = batch_row(b, r);
        const char *op = row_kind_short((RowKind)b->kinds[r]);
        switch (w->form) {
        case OUTPUT_JSONL:
            if (w->is_updating) {
                /* {"op":"+I", then the object without its '{' */
                size_t at = w->buf.len;
                json_encoder_row(w->je, &w->buf, row);
                char head[16];
                int n = snprintf(head, sizeof head, "{\"op\":\"%s\"%s", op,
                                 nc ? "," : "");
                strbuf_reserve(&w->buf, (size_t)n);
                memmove(w->buf.ptr + at + n - 1, w->buf.ptr + at,
                        w->buf.len - at + 1);
                memcpy(w->buf.ptr + at, head, (size_t)n);
                w->buf.len += (size_t)n - 1;
            } else {
                json_encoder_row(w->je, &w->buf, row);
            }
            break;
        case OUTPUT_CHANGELOG:
            strbuf_append(&w->buf, op, 2);
            strbuf_putc(&w->buf, '[');
            for (uint32_t c = 0; c < nc; c++) {
                if (c)
                    strbuf_append(&w->buf, ", ", 2);
                value_format(&w->buf, &row[c], &w->s->cols[c].type, &w->fmt);
            }
            strbuf_putc(&w->buf, ']');
            break;
        case OUTPUT_CSV:
            if (w->is_updating) {
                strbuf_append(&w->buf, op, 2);
                strbuf_putc(&w->buf, ',');
            }
            csv_encoder_row(w->ce, &w->buf, row);
            break;
        case OUTPUT_TABLE:
            break;
        }
        strbuf_putc(&w->buf, '\n');
    }
    return out_fwrite(w, err);
}

static int out_flush(SinkWriter *base, FsqlErr *err)
{
    OutWriter *w = (OutWriter *)base;
    if (w->form == OUTPUT_CSV && !w->header_done) {
        w->header_done = true;
        if (w->is_updating)
            strbuf_puts(&w->buf, "op,");
        csv_encoder_header(w->ce, &w->buf);
        strbuf_putc(&w->buf, '\n');
    }
    if (w->form == OUTPUT_TABLE) {
        table_print(w);
        w->n_rows = 0;
    }
    int rc = out_fwrite(w, err);
    if (rc < 0)
        return rc;
    if (fflush(w->f) != 0)
        return fsql_err_set(err, FSQL_E_IO,
                            "could not write the query result: %s",
                            strerror(errno));
    return FSQL_OK;
}

static void out_close(SinkWriter *base)
{
    OutWriter *w = (OutWriter *)base;
    fflush(w->f);
    strbuf_fini(&w->buf);
    strbuf_fini(&w->cell);
    if (w->je)
        json_encoder_free(w->je);
    if (w->ce)
        csv_encoder_free(w->ce);
    xfree(w->cells);
    xfree(w->live);
    arena_fini(&w->a);
    xfree(w);
}

static const SinkVtbl out_vtbl = {
    .write = out_write,
    .flush = out_flush,
    .close = out_close,
};

SinkWriter *output_writer_new(const RtSchema *s, OutputFormat f,
                              bool is_updating, const RunCtx *ctx)
{
    OutWriter *w = xcalloc(1, sizeof *w);
    w->base.v = &out_vtbl;
    w->s = s;
    w->form = f;
    w->is_updating = is_updating;
    w->f = ctx->out ? ctx->out : stdout;
    w->fmt.tz = ctx->tz;
    w->fmt.style = VALUE_STYLE_SQL;
    w->fmt.null_text = NULL;
    strbuf_init(&w->buf);
    strbuf_init(&w->cell);
    arena_init(&w->a, 65536);
    if (f == OUTPUT_JSONL)
        w->je = json_encoder_new(s, &w->fmt);
    if (f == OUTPUT_CSV) {
        CsvOptions o;
        csv_options_init(&o);
        ValueFmt vf = w->fmt;
        vf.null_text = "";
        w->ce = csv_encoder_new(s, &o, &vf);
    }
    return &w->base;
}
