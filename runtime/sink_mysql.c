/*
 * sink_mysql.c - the jdbc connector's MySQL/MariaDB sink.
 *
 * Pipeline position: op_sink.c hands batches to write(); flush() comes
 * at end of input and on stop; close() flushes first.
 *
 * Behaviour (as Flink's JDBC sink):
 *   - append (no PRIMARY KEY): +I/+U rows are inserted with multi-row
 *     `INSERT INTO t (cols) VALUES (?, ...), (?, ...)`; -U/-D rows delete
 *     one row equal in every column (`c <=> ?`, LIMIT 1);
 *   - upsert (PRIMARY KEY declared): `... ON DUPLICATE KEY UPDATE c =
 *     VALUES(c)` for +I/+U, -U ignored (the +U that follows overwrites),
 *     -D deletes by key; the MySQL table needs a PRIMARY KEY or UNIQUE
 *     index on those columns;
 *   - rows are copied into a buffer at write() and written in one
 *     transaction when sink.buffer-flush.max-rows rows are buffered, when
 *     a write finds the oldest buffered row older than
 *     sink.buffer-flush.interval, and at flush; order is kept (runs of
 *     inserts go as multi-row statements of 1, 2, 4, ... up to 128 rows,
 *     prepared once per size);
 *   - a failed flush whose error is retriable (connection lost, server
 *     restarting, deadlock, lock wait) is rolled back and replayed whole
 *     after a backoff, up to sink.max-retries times (reconnecting for up
 *     to connection.max-retry-timeout); then the job fails.  A replay
 *     after a COMMIT whose answer was lost can insert an append-mode row
 *     twice; upserts are idempotent.
 *
 * Memory: the buffer (Values, xmalloc) and its strings (an arena reset
 * after each flush); statements and binds (heap).  Freed in close.
 */
#include "runtime/fsql.h"
#include "runtime/jdbc_mysql.h"
#include "runtime/log.h"
#include "runtime/lookup.h"
#include "runtime/sink_eo.h"
#include "runtime/value_ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CHUNK 128
#define N_BUCKETS 8 /* 1, 2, 4, ..., 128 rows */

typedef struct MysqlSink {
    SinkWriter base;
    MyConfig cfg;
    MYSQL *m;
    const TimeZone *tz;
    FILE *log;
    bool is_upsert;
    uint32_t n_cols;
    uint32_t max_chunk; /* rows per INSERT statement at most */
    uint32_t bucket_rows[N_BUCKETS];
    uint32_t n_buckets;
    MYSQL_STMT *ins[N_BUCKETS];
    MYSQL_STMT *del;
    char *del_sql;
    MYSQL_BIND *pbind; /* max_chunk * n_cols */
    MyParam *params;
    /* the buffer */
    Value *buf; /* n * n_cols */
    uint8_t *kinds;
    size_t n, cap;
    Arena a;          /* strings of buffered rows */
    int64_t first_ms; /* when the oldest buffered row came */
    int64_t max_rows, interval_ms, max_retries;
    /* exactly-once (sink.delivery-guarantee, issue 10) */
    bool eo;
    EpochRows epochs;   /* rows of the open and pending epochs */
    char key[300];      /* sink_table of the progress row */
    const char *job;    /* job_name of the progress row (RunCtx) */
    bool lineage_known; /* recovered, or committed once since start */
    char *prog_sql[3];  /* progress SELECT ... FOR UPDATE, UPDATE, INSERT */
    MYSQL_STMT *prog[3];
} MysqlSink;

static void sink_drop(MysqlSink *s)
{
    for (uint32_t b = 0; b < N_BUCKETS; b++)
        if (s->ins[b]) {
            mysql_stmt_close(s->ins[b]);
            s->ins[b] = NULL;
        }
    if (s->del) {
        mysql_stmt_close(s->del);
        s->del = NULL;
    }
    for (int i = 0; i < 3; i++)
        if (s->prog[i]) {
            mysql_stmt_close(s->prog[i]);
            s->prog[i] = NULL;
        }
    if (s->m) {
        mysql_close(s->m);
        s->m = NULL;
    }
}

static char *insert_sql(const MysqlSink *s, uint32_t rows)
{
    const TableDef *t = s->base.table;
    const RtSchema *sc = &t->schema;
    StrBuf sql;
    strbuf_init(&sql);
    strbuf_puts(&sql, "INSERT INTO ");
    jdbc_mysql_quote_ident(&sql, s->cfg.table_name);
    strbuf_puts(&sql, " (");
    for (uint32_t c = 0; c < sc->n_cols; c++) {
        if (c)
            strbuf_puts(&sql, ", ");
        jdbc_mysql_quote_ident(&sql, sc->cols[c].name);
    }
    strbuf_puts(&sql, ") VALUES ");
    for (uint32_t r = 0; r < rows; r++) {
        strbuf_puts(&sql, r ? ", (" : "(");
        for (uint32_t c = 0; c < sc->n_cols; c++)
            strbuf_puts(&sql, c ? ", ?" : "?");
        strbuf_putc(&sql, ')');
    }
    if (s->is_upsert) {
        strbuf_puts(&sql, " ON DUPLICATE KEY UPDATE ");
        bool any = false;
        for (uint32_t c = 0; c < sc->n_cols; c++) {
            bool is_key = false;
            for (uint32_t i = 0; i < t->n_pk; i++)
                is_key |= t->pk[i] == c;
            if (is_key)
                continue;
            if (any)
                strbuf_puts(&sql, ", ");
            jdbc_mysql_quote_ident(&sql, sc->cols[c].name);
            strbuf_puts(&sql, " = VALUES(");
            jdbc_mysql_quote_ident(&sql, sc->cols[c].name);
            strbuf_putc(&sql, ')');
            any = true;
        }
        if (!any) { /* every column is key: nothing to update */
            jdbc_mysql_quote_ident(&sql, sc->cols[t->pk[0]].name);
            strbuf_puts(&sql, " = ");
            jdbc_mysql_quote_ident(&sql, sc->cols[t->pk[0]].name);
        }
    }
    char *r = xstrdup(strbuf_cstr(&sql));
    strbuf_fini(&sql);
    return r;
}

static char *delete_sql(const MysqlSink *s)
{
    const TableDef *t = s->base.table;
    const RtSchema *sc = &t->schema;
    StrBuf sql;
    strbuf_init(&sql);
    strbuf_puts(&sql, "DELETE FROM ");
    jdbc_mysql_quote_ident(&sql, s->cfg.table_name);
    if (s->is_upsert) {
        for (uint32_t i = 0; i < t->n_pk; i++) {
            strbuf_puts(&sql, i ? " AND " : " WHERE ");
            jdbc_mysql_quote_ident(&sql, sc->cols[t->pk[i]].name);
            strbuf_puts(&sql, " = ?");
        }
    } else {
        for (uint32_t c = 0; c < sc->n_cols; c++) {
            strbuf_puts(&sql, c ? " AND " : " WHERE ");
            jdbc_mysql_quote_ident(&sql, sc->cols[c].name);
            strbuf_puts(&sql, " <=> ?");
        }
        strbuf_puts(&sql, " LIMIT 1");
    }
    char *r = xstrdup(strbuf_cstr(&sql));
    strbuf_fini(&sql);
    return r;
}

static int stmt_error(MysqlSink *s, MYSQL_STMT *st, FsqlErr *err)
{
    unsigned code = mysql_stmt_errno(st);
    fsql_err_set(err, FSQL_E_IO, "%s: writing table \"%s\" failed: %s",
                 s->cfg.url_safe, s->cfg.table_name, mysql_stmt_error(st));
    if (err)
        err->retriable = jdbc_mysql_err_is_retriable(code);
    if (jdbc_mysql_err_is_conn(code) || code == 0)
        sink_drop(s);
    return FSQL_E_IO;
}

static int prepare(MysqlSink *s, MYSQL_STMT **out, const char *sql,
                   FsqlErr *err)
{
    if (*out)
        return FSQL_OK;
    MYSQL_STMT *st = mysql_stmt_init(s->m);
    if (!st)
        return fsql_err_set(err, FSQL_E_IO, "%s: out of memory",
                            s->cfg.url_safe);
    if (mysql_stmt_prepare(st, sql, (unsigned long)strlen(sql))) {
        int rc = FSQL_E_IO;
        unsigned code = mysql_stmt_errno(st);
        fsql_err_set(err, FSQL_E_IO, "%s: cannot write table \"%s\": %s",
                     s->cfg.url_safe, s->cfg.table_name, mysql_stmt_error(st));
        if (err)
            err->retriable = jdbc_mysql_err_is_retriable(code);
        mysql_stmt_close(st);
        if (jdbc_mysql_err_is_conn(code))
            sink_drop(s);
        return rc;
    }
    *out = st;
    return FSQL_OK;
}

static int prepare_insert(MysqlSink *s, uint32_t b, FsqlErr *err)
{
    if (s->ins[b])
        return FSQL_OK;
    char *sql = insert_sql(s, s->bucket_rows[b]);
    int rc = prepare(s, &s->ins[b], sql, err);
    xfree(sql);
    return rc;
}

static int sink_connect(MysqlSink *s, FsqlErr *err)
{
    if (s->m)
        return FSQL_OK;
    int rc = jdbc_mysql_connect(&s->cfg, &s->m, err);
    if (rc < 0)
        return rc;
    mysql_autocommit(s->m, 0);
    return FSQL_OK;
}

/* Execute st with rows first..first+nrows of the buffer bound (all
 * columns, or the key columns when keys_only). */
static int exec_rows(MysqlSink *s, MYSQL_STMT *st, size_t first, uint32_t nrows,
                     bool keys_only, FsqlErr *err)
{
    const TableDef *t = s->base.table;
    const RtSchema *sc = &t->schema;
    uint32_t np = 0;
    for (uint32_t r = 0; r < nrows; r++) {
        const Value *row = s->buf + (first + r) * s->n_cols;
        if (keys_only) {
            for (uint32_t i = 0; i < t->n_pk; i++, np++)
                jdbc_mysql_bind_value(&s->pbind[np], &s->params[np],
                                      &row[t->pk[i]], &sc->cols[t->pk[i]].type,
                                      s->tz);
        } else {
            for (uint32_t c = 0; c < s->n_cols; c++, np++)
                jdbc_mysql_bind_value(&s->pbind[np], &s->params[np], &row[c],
                                      &sc->cols[c].type, s->tz);
        }
    }
    if (mysql_stmt_bind_param(st, s->pbind) || mysql_stmt_execute(st))
        return stmt_error(s, st, err);
    return FSQL_OK;
}

static bool is_insert_kind(uint8_t k)
{
    return k == ROW_INSERT || k == ROW_UPDATE_AFTER;
}

/* Bind the two strings job and key (params 1 and 2 of b). */
static void bind_job_key(MysqlSink *s, MYSQL_BIND *b, unsigned long *len)
{
    len[0] = (unsigned long)strlen(s->job);
    len[1] = (unsigned long)strlen(s->key);
    b[0].buffer_type = MYSQL_TYPE_STRING;
    b[0].buffer = (void *)s->job;
    b[0].buffer_length = len[0];
    b[0].length = &len[0];
    b[1].buffer_type = MYSQL_TYPE_STRING;
    b[1].buffer = s->key;
    b[1].buffer_length = len[1];
    b[1].length = &len[1];
}

/* Inside the open transaction: the checkpoint id of this sink's progress
 * row (row locked), *have false when there is none. */
static int progress_get(MysqlSink *s, bool *have, uint64_t *done,
                        FsqlErr *err)
{
    int rc = prepare(s, &s->prog[0], s->prog_sql[0], err);
    if (rc < 0)
        return rc;
    MYSQL_STMT *st = s->prog[0];
    MYSQL_BIND pb[2], rb[1];
    unsigned long len[2];
    long long v = 0;
    my_bool is_null = 0;
    memset(pb, 0, sizeof pb);
    memset(rb, 0, sizeof rb);
    bind_job_key(s, pb, len);
    rb[0].buffer_type = MYSQL_TYPE_LONGLONG;
    rb[0].buffer = &v;
    rb[0].is_null = &is_null;
    if (mysql_stmt_bind_param(st, pb) || mysql_stmt_execute(st) ||
        mysql_stmt_bind_result(st, rb) || mysql_stmt_store_result(st))
        return stmt_error(s, st, err);
    int f = mysql_stmt_fetch(st);
    *have = f == 0 || f == MYSQL_DATA_TRUNCATED;
    *done = *have && !is_null ? (uint64_t)v : 0;
    mysql_stmt_free_result(st);
    if (f == 1)
        return stmt_error(s, st, err);
    return FSQL_OK;
}

static int progress_put(MysqlSink *s, bool have, uint64_t id, FsqlErr *err)
{
    int k = have ? 1 : 2;
    int rc = prepare(s, &s->prog[k], s->prog_sql[k], err);
    if (rc < 0)
        return rc;
    MYSQL_BIND pb[3];
    unsigned long len[2];
    long long v = (long long)id;
    memset(pb, 0, sizeof pb);
    pb[0].buffer_type = MYSQL_TYPE_LONGLONG;
    pb[0].buffer = &v;
    bind_job_key(s, pb + 1, len);
    if (mysql_stmt_bind_param(s->prog[k], pb) ||
        mysql_stmt_execute(s->prog[k]))
        return stmt_error(s, s->prog[k], err);
    return FSQL_OK;
}

/* One attempt at writing the whole buffer in one transaction.  With
 * progress_id (exactly-once) the progress row is checked first - *skipped
 * and nothing written when it already says progress_id or later - and
 * set to progress_id in the same transaction. */
static int flush_once(MysqlSink *s, uint64_t progress_id, bool *skipped,
                      bool *conn_failed, FsqlErr *err)
{
    *conn_failed = false;
    *skipped = false;
    int rc = sink_connect(s, err);
    if (rc < 0) {
        *conn_failed = true;
        return rc;
    }
    bool have = false;
    if (progress_id) {
        uint64_t done = 0;
        rc = progress_get(s, &have, &done, err);
        if (rc < 0)
            return rc;
        if (have && done >= progress_id) {
            mysql_rollback(s->m);
            if (done > progress_id) /* restored from an older checkpoint */
                log_warn("table \"%s\": the database already has "
                         "checkpoint %llu, newer than %llu; epoch %llu is "
                         "skipped",
                         s->base.table->name, (unsigned long long)done,
                         (unsigned long long)progress_id,
                         (unsigned long long)progress_id);
            *skipped = true;
            return FSQL_OK;
        }
    }
    size_t i = 0;
    while (i < s->n) {
        uint8_t k = s->kinds[i];
        if (is_insert_kind(k)) {
            size_t j = i;
            while (j < s->n && is_insert_kind(s->kinds[j]) &&
                   j - i < s->max_chunk)
                j++;
            /* Pieces of bucket sizes: the largest bucket that fits. */
            while (i < j) {
                uint32_t b = s->n_buckets - 1;
                while (b > 0 && s->bucket_rows[b] > j - i)
                    b--;
                rc = prepare_insert(s, b, err);
                if (rc < 0)
                    return rc;
                rc = exec_rows(s, s->ins[b], i, s->bucket_rows[b], false, err);
                if (rc < 0)
                    return rc;
                i += s->bucket_rows[b];
            }
            continue;
        }
        if (k == ROW_UPDATE_BEFORE && s->is_upsert) {
            i++;
            continue;
        }
        rc = prepare(s, &s->del, s->del_sql, err);
        if (rc < 0)
            return rc;
        rc = exec_rows(s, s->del, i, 1, s->is_upsert, err);
        if (rc < 0)
            return rc;
        i++;
    }
    if (progress_id) {
        fsql_fault("sink.during-commit");
        rc = progress_put(s, have, progress_id, err);
        if (rc < 0)
            return rc;
    }
    if (mysql_commit(s->m)) {
        unsigned code = mysql_errno(s->m);
        fsql_err_set(err, FSQL_E_IO, "%s: writing table \"%s\" failed: %s",
                     s->cfg.url_safe, s->cfg.table_name, mysql_error(s->m));
        if (err)
            err->retriable = jdbc_mysql_err_is_retriable(code);
        sink_drop(s);
        return FSQL_E_IO;
    }
    return FSQL_OK;
}

/* Write the buffer in one transaction (with the progress row when
 * progress_id is not 0), retrying retriable failures. */
static int write_buffer(MysqlSink *s, uint64_t progress_id, FsqlErr *err)
{
    int64_t conn_fail_start = -1;
    int64_t fails = 0;
    for (int attempt = 1;; attempt++) {
        bool conn_failed, skipped;
        int rc = flush_once(s, progress_id, &skipped, &conn_failed, err);
        if (rc == FSQL_OK)
            break;
        if (s->m && !conn_failed)
            mysql_rollback(s->m);
        bool give_up;
        if (!err || !err->retriable) {
            give_up = true;
        } else if (conn_failed) {
            int64_t now = jdbc_mysql_now_ms();
            if (conn_fail_start < 0)
                conn_fail_start = now;
            give_up = now - conn_fail_start >= s->cfg.max_retry_timeout_ms;
        } else {
            conn_fail_start = -1;
            give_up = ++fails > s->max_retries;
        }
        if (give_up) {
            char msg[sizeof err->msg];
            snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
            return fsql_err_set(err, FSQL_E_IO, "table \"%s\": %s",
                                s->base.table->name, msg);
        }
        int64_t b = jdbc_mysql_backoff_ms(attempt);
        fprintf(s->log,
                "fsql: warning: table \"%s\": %s; writing %zu buffered "
                "row%s again in %lld ms\n",
                s->base.table->name, err->msg, s->n, s->n == 1 ? "" : "s",
                (long long)b);
        jdbc_mysql_sleep_ms(b);
    }
    return FSQL_OK;
}

static int flush_buffer(MysqlSink *s, FsqlErr *err)
{
    if (s->n == 0)
        return FSQL_OK;
    int rc = write_buffer(s, 0, err);
    if (rc < 0)
        return rc;
    s->base.rows_written += s->n;
    s->n = 0;
    arena_reset(&s->a);
    return FSQL_OK;
}

static void buf_reserve(MysqlSink *s, size_t n)
{
    if (n <= s->cap)
        return;
    while (s->cap < n)
        s->cap = s->cap ? s->cap * 2 : 256;
    s->buf = xrealloc(s->buf, sizeof(Value) * s->cap * s->n_cols);
    s->kinds = xrealloc(s->kinds, s->cap);
}

/* ---- exactly-once (issue 10) ---------------------------------------------- */

/* The first commit of a run that started without a checkpoint: its ids
 * begin again at 1, so a progress row left by an earlier run (the same
 * job name) is set back to 0 first, in a transaction of its own - else
 * its epochs would be taken for committed ones. */
static int progress_reset(MysqlSink *s, uint64_t id, FsqlErr *err)
{
    bool have = false;
    uint64_t done = 0;
    int rc = sink_connect(s, err);
    if (rc == FSQL_OK)
        rc = progress_get(s, &have, &done, err);
    if (rc == FSQL_OK && have && done > 0) {
        log_warn("table \"%s\": the progress row of job \"%s\" says "
                 "checkpoint %llu, but this run started without a "
                 "checkpoint; it starts over from %llu",
                 s->base.table->name, s->job, (unsigned long long)done,
                 (unsigned long long)id);
        rc = progress_put(s, true, 0, err);
    }
    if (rc == FSQL_OK && mysql_commit(s->m))
        rc = fsql_err_set(err, FSQL_E_IO, "%s: table \"%s\": %s",
                          s->cfg.url_safe, s->cfg.table_name,
                          mysql_error(s->m));
    if (rc < 0) {
        if (s->m)
            mysql_rollback(s->m);
        return rc;
    }
    s->lineage_known = true;
    return FSQL_OK;
}

static int mysql_sink_precommit(SinkWriter *w, uint64_t id, SnapWriter *out,
                                FsqlErr *err)
{
    MysqlSink *s = (MysqlSink *)w;
    (void)err;
    epoch_rows_precommit(&s->epochs, id, s->key, out);
    return FSQL_OK;
}

/* The pending epochs up to id and the progress row in one transaction;
 * nothing when the progress row already says id or later. */
static int mysql_sink_commit(SinkWriter *w, uint64_t id, FsqlErr *err)
{
    MysqlSink *s = (MysqlSink *)w;
    fsql_fault("sink.before-commit");
    uint64_t n = epoch_rows_pending(&s->epochs, id);
    if (n == 0) {
        epoch_rows_drop(&s->epochs, id);
        return FSQL_OK;
    }
    /* The buffer views the epochs' bytes (no copy). */
    buf_reserve(s, (size_t)n);
    EpochCursor c;
    epoch_cursor_init(&c, &s->epochs, id);
    bool bad = false;
    s->n = 0;
    while (s->n < n && epoch_cursor_next(&c, &s->kinds[s->n],
                                         s->buf + s->n * s->n_cols, &bad))
        s->n++;
    if (bad || s->n != n) {
        s->n = 0;
        return fsql_err_set(err, FSQL_E_STATE,
                            "table \"%s\": pending rows are malformed",
                            s->base.table->name);
    }
    int rc = s->lineage_known ? FSQL_OK : progress_reset(s, id, err);
    if (rc == FSQL_OK)
        rc = write_buffer(s, id, err);
    s->n = 0;
    if (rc < 0)
        return rc;
    fsql_fault("sink.after-commit");
    s->base.rows_written += n;
    epoch_rows_drop(&s->epochs, id);
    return FSQL_OK;
}

static int mysql_sink_recover(SinkWriter *w, uint64_t id, SnapReader *pending,
                              FsqlErr *err)
{
    MysqlSink *s = (MysqlSink *)w;
    /* The server rolled back the crashed process's open transaction when
     * its connection died; what remains is the checkpoint's epoch. */
    int rc = epoch_rows_load(&s->epochs, pending, s->key, s->base.table->name,
                             err);
    if (rc < 0)
        return rc;
    s->lineage_known = true;
    return mysql_sink_commit(w, id, err);
}

static int mysql_sink_write(SinkWriter *w, const Batch *b, FsqlErr *err)
{
    MysqlSink *s = (MysqlSink *)w;
    uint32_t nc = s->n_cols;
    for (uint32_t r = 0; r < b->n_rows; r++) {
        uint8_t k = b->kinds[r];
        if (k == ROW_UPDATE_BEFORE && s->is_upsert)
            continue;
        if (s->eo) { /* the rows wait for their checkpoint's commit */
            epoch_rows_add(&s->epochs, (RowKind)k, batch_row(b, r));
            continue;
        }
        buf_reserve(s, s->n + 1);
        if (s->n == 0)
            s->first_ms = jdbc_mysql_now_ms();
        const Value *row = batch_row(b, r);
        Value *dst = s->buf + s->n * nc;
        for (uint32_t c = 0; c < nc; c++)
            value_copy_to(&s->a, &dst[c], &row[c]);
        s->kinds[s->n++] = k;
        if (s->max_rows > 0 && (int64_t)s->n >= s->max_rows) {
            int rc = flush_buffer(s, err);
            if (rc < 0)
                return rc;
        }
    }
    if (s->n > 0 && s->interval_ms > 0 &&
        jdbc_mysql_now_ms() - s->first_ms >= s->interval_ms)
        return flush_buffer(s, err);
    return FSQL_OK;
}

static int mysql_sink_flush(SinkWriter *w, FsqlErr *err)
{
    return flush_buffer((MysqlSink *)w, err);
}

static int64_t mysql_sink_flush_due(SinkWriter *w)
{
    MysqlSink *s = (MysqlSink *)w;
    if (s->n == 0 || s->interval_ms <= 0)
        return INT64_MAX;
    return s->first_ms + s->interval_ms;
}

static void mysql_sink_free(MysqlSink *s)
{
    sink_drop(s);
    for (int i = 0; i < 3; i++)
        xfree(s->prog_sql[i]);
    if (s->eo) {
        sink_key_release("jdbc", s->job, s->key);
        epoch_rows_fini(&s->epochs);
    }
    xfree(s->del_sql);
    xfree(s->pbind);
    xfree(s->params);
    xfree(s->buf);
    xfree(s->kinds);
    arena_fini(&s->a);
    xfree(s);
}

static void mysql_sink_close(SinkWriter *w)
{
    MysqlSink *s = (MysqlSink *)w;
    FsqlErr err = {0};
    /* Exactly-once: rows after the last checkpoint are dropped (a restart
     * replays them). */
    if (!s->eo && flush_buffer(s, &err) < 0)
        fprintf(s->log, "fsql: %s\n", err.msg);
    mysql_sink_free(s);
}

static const SinkVtbl mysql_sink_vtbl = {
    .write = mysql_sink_write,
    .flush = mysql_sink_flush,
    .close = mysql_sink_close,
    .flush_due_ms = mysql_sink_flush_due,
};

/* No flush: an exactly-once sink's rows become visible at commit only. */
static const SinkVtbl mysql_sink_eo_vtbl = {
    .write = mysql_sink_write,
    .close = mysql_sink_close,
    .precommit = mysql_sink_precommit,
    .commit = mysql_sink_commit,
    .recover = mysql_sink_recover,
};

/* The progress table (created when missing) and its statements' text. */
static int mysql_eo_open(MysqlSink *s, const TableDef *t, FsqlErr *err)
{
    const char *ptab =
        table_def_option_or(t, "sink.progress-table", "fsql_sink_progress");
    StrBuf q, sql;
    strbuf_init(&q);
    strbuf_init(&sql);
    jdbc_mysql_quote_ident(&q, ptab);
    const char *qt = strbuf_cstr(&q);
    strbuf_printf(&sql,
                  "CREATE TABLE IF NOT EXISTS %s (job_name VARCHAR(255) NOT "
                  "NULL, sink_table VARCHAR(255) NOT NULL, checkpoint_id "
                  "BIGINT NOT NULL, committed_at TIMESTAMP(3) NULL, PRIMARY "
                  "KEY (job_name, sink_table)) ENGINE=InnoDB",
                  qt);
    int rc = FSQL_OK;
    /* Created only when missing (a pre-created table needs no CREATE
     * privilege). */
    StrBuf probe;
    strbuf_init(&probe);
    strbuf_printf(&probe, "SELECT 1 FROM %s LIMIT 0", qt);
    bool missing = false;
    if (mysql_real_query(s->m, probe.ptr, (unsigned long)probe.len))
        missing = mysql_errno(s->m) == 1146; /* ER_NO_SUCH_TABLE */
    else
        mysql_free_result(mysql_store_result(s->m));
    strbuf_fini(&probe);
    if (missing && (mysql_real_query(s->m, sql.ptr, (unsigned long)sql.len) ||
                    mysql_commit(s->m)))
        rc = fsql_err_set(err, FSQL_E_IO,
                          "%s: could not create the progress table %s: %s",
                          s->cfg.url_safe, qt, mysql_error(s->m));
    const char *fmt[3] = {
        "SELECT checkpoint_id FROM %s WHERE job_name = ? AND sink_table = ? "
        "FOR UPDATE",
        "UPDATE %s SET checkpoint_id = ?, committed_at = NOW(3) WHERE "
        "job_name = ? AND sink_table = ?",
        "INSERT INTO %s (checkpoint_id, job_name, sink_table, committed_at) "
        "VALUES (?, ?, ?, NOW(3))"};
    for (int i = 0; i < 3; i++) {
        strbuf_clear(&sql);
        strbuf_printf(&sql, fmt[i], qt);
        s->prog_sql[i] = xstrdup(strbuf_cstr(&sql));
    }
    /* Prepared now: a progress table of another shape fails here. */
    for (int i = 0; i < 3 && rc == FSQL_OK; i++)
        rc = prepare(s, &s->prog[i], s->prog_sql[i], err);
    strbuf_fini(&q);
    strbuf_fini(&sql);
    return rc;
}

int jdbc_mysql_open_sink(const TableDef *t, const RunCtx *ctx, SinkWriter **out,
                         FsqlErr *err)
{
    *out = NULL;
    MysqlSink *s = xcalloc(1, sizeof *s);
    arena_init(&s->a, 1 << 16);
    s->base.v = &mysql_sink_vtbl;
    s->base.table = t;
    s->tz = ctx ? ctx->tz : NULL;
    s->log = ctx && ctx->err_out ? ctx->err_out : stderr;
    s->is_upsert = t->n_pk > 0;
    s->n_cols = t->schema.n_cols;
    SinkGuarantee guar = SINK_GUARANTEE_AT_LEAST_ONCE;
    int rc = jdbc_mysql_config(t, &s->cfg, err);
    if (rc == FSQL_OK)
        rc = sink_guarantee_of(t, ctx, &guar, err);
    if (rc == FSQL_OK)
        rc = table_opt_int(t, "sink.buffer-flush.max-rows", 100, &s->max_rows,
                           err);
    if (rc == FSQL_OK) {
        const char *iv = table_def_option(t, "sink.buffer-flush.interval");
        s->interval_ms = 1000;
        if (iv && conn_parse_duration_ms(iv, &s->interval_ms) < 0)
            rc = fsql_err_set(err, FSQL_E_CONFIG,
                              "table \"%s\": option "
                              "'sink.buffer-flush.interval' must be a "
                              "duration such as '1 s', not \"%s\"",
                              t->name, iv);
    }
    if (rc == FSQL_OK)
        rc = table_opt_int(t, "sink.max-retries", 3, &s->max_retries, err);
    if (rc < 0) {
        mysql_sink_free(s);
        return rc;
    }
    /* At most 65535 placeholders per statement. */
    uint32_t per = s->n_cols ? 65535 / s->n_cols : MAX_CHUNK;
    s->max_chunk = per < MAX_CHUNK ? (per ? per : 1) : MAX_CHUNK;
    for (uint32_t r = 1; r <= s->max_chunk && s->n_buckets < N_BUCKETS; r *= 2)
        s->bucket_rows[s->n_buckets++] = r;
    s->max_chunk = s->bucket_rows[s->n_buckets - 1];
    size_t np = (size_t)s->max_chunk * (s->n_cols ? s->n_cols : 1);
    s->pbind = xcalloc(np, sizeof *s->pbind);
    s->params = xcalloc(np, sizeof *s->params);
    s->del_sql = delete_sql(s);
    /* Connect and prepare now: a wrong password or a missing table fails
     * the job before any row is read. */
    rc = jdbc_mysql_connect_retry(&s->cfg, "sink", &s->m, err);
    if (rc == FSQL_OK) {
        mysql_autocommit(s->m, 0);
        rc = prepare_insert(s, 0, err);
    }
    if (rc == FSQL_OK)
        rc = prepare(s, &s->del, s->del_sql, err);
    if (rc == FSQL_OK && guar == SINK_GUARANTEE_EXACTLY_ONCE) {
        s->eo = true;
        s->base.v = &mysql_sink_eo_vtbl;
        s->job = ctx && ctx->job_name ? ctx->job_name : "fsql";
        epoch_rows_init(&s->epochs, s->n_cols);
        sink_key_acquire("jdbc", s->job, t->name, s->key, sizeof s->key);
        rc = mysql_eo_open(s, t, err);
    }
    if (rc < 0) {
        char msg[sizeof err->msg];
        snprintf(msg, sizeof msg, "%s", err->msg);
        fsql_err_set(err, FSQL_E_IO, "table \"%s\": %s", t->name, msg);
        mysql_sink_free(s);
        return FSQL_E_IO;
    }
    *out = &s->base;
    return FSQL_OK;
}
