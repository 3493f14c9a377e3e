/*
 * scan_mysql.c - a MySQL/MariaDB table read as a bounded source (the
 * jdbc connector with a jdbc:mysql:// URL in a FROM clause; issue 6).
 *
 * Pipeline position: the source operator polls batches; the job's
 * projection has already pruned the TableDef to the columns the query
 * uses, so the scan is `SELECT <those columns> FROM <table-name>` (no
 * parameters: identifiers quoted, nothing from the data in the text).
 *
 * Streaming: the result is read with mysql_use_result(), row by row from
 * the socket as batches are filled, so memory stays one batch whatever
 * the table's size (scan.fetch-size is accepted for Flink compatibility;
 * the server streams the whole result on its own).  The connection is the
 * scan's own; its session's net_write_timeout is raised so that a slow
 * pipeline does not make the server give up sending.
 *
 * Checkpoints: the position is the number of rows delivered; a restore
 * runs the query again and skips that many rows, which is exact when the
 * table did not change (InnoDB returns a full scan in primary key order).
 *
 * Errors: a lost connection or a value that does not convert fails the
 * job naming the URL (without its query string) and the table; the
 * password never appears.
 *
 * Memory: strings of the rows are copied into the batch arena.
 */
#include "runtime/fsql.h"
#include "runtime/checkpoint.h"
#include "runtime/jdbc_mysql.h"

#include <stdio.h>
#include <string.h>

typedef struct MysqlScan {
    SourceReader base;
    MyConfig cfg;
    MYSQL *m;
    MYSQL_RES *res;
    enum enum_field_types *ft; /* per column */
    const TimeZone *tz;
    uint64_t row_no;    /* rows delivered */
    uint64_t skip;      /* rows still to skip after a restore */
    bool is_done;
} MysqlScan;

static int scan_query(MysqlScan *s, FsqlErr *err)
{
    const TableDef *t = s->base.table;
    StrBuf sql;
    strbuf_init(&sql);
    strbuf_puts(&sql, "SELECT ");
    for (uint32_t i = 0; i < t->schema.n_cols; i++) {
        if (i)
            strbuf_puts(&sql, ", ");
        jdbc_mysql_quote_ident(&sql, t->schema.cols[i].name);
    }
    if (t->schema.n_cols == 0)
        strbuf_puts(&sql, "1");
    strbuf_puts(&sql, " FROM ");
    jdbc_mysql_quote_ident(&sql, s->cfg.table_name);
    static const char sess[] = "SET SESSION net_write_timeout = 3600";
    int bad = mysql_real_query(s->m, sess, sizeof sess - 1) ||
              mysql_real_query(s->m, sql.ptr, (unsigned long)sql.len);
    strbuf_fini(&sql);
    if (!bad)
        s->res = mysql_use_result(s->m);
    if (bad || !s->res)
        return fsql_err_set(err, FSQL_E_IO,
                            "%s: cannot read table \"%s\": %s",
                            s->cfg.url_safe, s->cfg.table_name,
                            mysql_error(s->m));
    MYSQL_FIELD *fl = mysql_fetch_fields(s->res);
    uint32_t nf = mysql_num_fields(s->res);
    for (uint32_t i = 0; i < t->schema.n_cols && i < nf; i++)
        s->ft[i] = fl[i].type;
    return FSQL_OK;
}

static int scan_poll(SourceReader *r, Batch *b, int64_t *wait_ms, FsqlErr *err)
{
    MysqlScan *s = (MysqlScan *)r;
    const RtSchema *sc = &s->base.table->schema;
    *wait_ms = 0;
    if (s->is_done)
        return SRC_END;
    while (!batch_is_full(b)) {
        MYSQL_ROW row = mysql_fetch_row(s->res);
        if (!row) {
            if (mysql_errno(s->m)) {
                fsql_err_set(err, FSQL_E_IO,
                             "%s: reading table \"%s\" failed after %llu "
                             "rows: %s",
                             s->cfg.url_safe, s->cfg.table_name,
                             (unsigned long long)s->row_no, mysql_error(s->m));
                return SRC_ERROR;
            }
            s->is_done = true;
            b->flags |= BATCH_F_SPLIT_END;
            return SRC_END;
        }
        if (s->skip) { /* restored: these rows were delivered before */
            s->skip--;
            continue;
        }
        unsigned long *len = mysql_fetch_lengths(s->res);
        Value *out = batch_add(b, ROW_INSERT, WM_NONE);
        s->row_no++;
        for (uint32_t c = 0; c < sc->n_cols; c++) {
            if (!row[c]) {
                out[c] = value_null(sc->cols[c].type.kind);
                continue;
            }
            char why[160];
            const char *m =
                jdbc_mysql_value(row[c], len[c], s->ft[c], &sc->cols[c].type,
                                 b->a, s->tz, &out[c], why, sizeof why);
            if (m) {
                fsql_err_set(err, FSQL_E_DATA,
                             "%s: table \"%s\", row %llu, column \"%s\": %s",
                             s->cfg.url_safe, s->cfg.table_name,
                             (unsigned long long)s->row_no, sc->cols[c].name,
                             m);
                return SRC_ERROR;
            }
        }
        s->base.rows_read++;
    }
    return SRC_OK;
}

static void scan_describe(SourceReader *r, uint32_t row, char *buf, size_t n)
{
    MysqlScan *s = (MysqlScan *)r;
    (void)row;
    snprintf(buf, n, "%s, table \"%s\"", s->cfg.url_safe, s->cfg.table_name);
}

static void scan_close(SourceReader *r)
{
    MysqlScan *s = (MysqlScan *)r;
    if (s->res)
        mysql_free_result(s->res); /* reads what is left of the result */
    if (s->m)
        mysql_close(s->m);
    xfree(s->ft);
    xfree(s);
}

static int scan_snapshot(SourceReader *r, SnapWriter *w)
{
    MysqlScan *s = (MysqlScan *)r;
    conn_scan_pos_snapshot(w, s->row_no, s->is_done);
    return FSQL_OK;
}

static int scan_restore(SourceReader *r, SnapReader *rd, FsqlErr *err)
{
    MysqlScan *s = (MysqlScan *)r;
    return conn_scan_pos_restore(rd, s->base.table, &s->row_no, &s->skip,
                                 &s->is_done, err);
}

static const SourceVtbl mysql_scan_vtbl = {
    .poll = scan_poll,
    .describe = scan_describe,
    .close = scan_close,
    .snapshot = scan_snapshot,
    .restore = scan_restore,
};

int jdbc_mysql_open_source(const TableDef *t, const RunCtx *ctx,
                           SourceReader **out, FsqlErr *err)
{
    *out = NULL;
    MysqlScan *s = xcalloc(1, sizeof *s);
    s->base.v = &mysql_scan_vtbl;
    s->base.table = t;
    s->base.n_splits = 1;
    s->tz = ctx ? ctx->tz : NULL;
    s->ft = xcalloc(t->schema.n_cols ? t->schema.n_cols : 1, sizeof *s->ft);
    int rc = jdbc_mysql_config(t, &s->cfg, err);
    if (rc == FSQL_OK)
        rc = jdbc_mysql_connect_retry(&s->cfg, "scan", &s->m, err);
    if (rc == FSQL_OK)
        rc = scan_query(s, err);
    if (rc < 0) {
        char msg[sizeof err->msg];
        snprintf(msg, sizeof msg, "%s", err->msg);
        fsql_err_set(err, rc, "table \"%s\": %s", t->name, msg);
        scan_close(&s->base);
        return rc;
    }
    *out = &s->base;
    return FSQL_OK;
}
