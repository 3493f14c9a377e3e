/*
 * conn_jdbc.c - the `jdbc` connector: dispatch on the URL, and the SQLite
 * sink.
 *
 * URLs: `jdbc:sqlite:PATH` is served here and by lookup_sqlite.c (lookup
 * reader, bounded scan).  `jdbc:mysql://` and `jdbc:mariadb://` go to the
 * MySQL/MariaDB back end (runtime/jdbc_mysql.h, issue 6: lookup_mysql.c,
 * sink_mysql.c, scan_mysql.c).
 *
 * Exactly-once ('sink.delivery-guarantee', issue 10; runtime/sink_eo.h):
 * the SQLite sink keeps an epoch's rows encoded until commit(N), which
 * writes them and the progress row in one BEGIN IMMEDIATE transaction,
 * skipping the epoch when the progress row already says N or later.
 *
 * The SQLite sink:
 *   - append: `INSERT INTO t (cols) VALUES (?, ...)`;
 *   - upsert when the table has a PRIMARY KEY: `... ON CONFLICT (pk) DO
 *     UPDATE SET c = excluded.c, ...`; -D rows delete by key, -U rows are
 *     skipped (the +U that follows overwrites), as Flink's upsert sink;
 *     without a key, -U/-D delete one row equal in every column;
 *   - rows go into an open transaction right away (nothing is copied);
 *     the transaction commits after sink.buffer-flush.max-rows rows, when
 *     a write finds it older than sink.buffer-flush.interval, and at
 *     flush (end of input, stop);
 *   - a missing table is created from the declared columns (SQLite type
 *     names with the declared affinity, and the PRIMARY KEY), so that a
 *     job can build a SQLite dimension table from scratch;
 *   - SQLITE_BUSY (another process writing) is retried with backoff up to
 *     sink.max-retries times.
 * Memory: statements and the db handle (heap, released in close).
 */
#include "runtime/fsql.h"
#include "runtime/connector.h"
#include "runtime/jdbc_mysql.h"
#include "runtime/log.h"
#include "runtime/lookup.h"
#include "runtime/sink_eo.h"
#include "runtime/timeutil.h"
#include "runtime/value_ops.h"

#include <ctype.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the SQLite sink ------------------------------------------------------ */

/* One write connection per database file, shared by every sink of the
 * process that writes to it: two sinks of one job writing one file through
 * two connections would wait for each other's write lock on the one loop
 * thread.  The open transaction belongs to the connection. */
typedef struct SharedDb {
    struct SharedDb *next;
    char *path;           /* xmalloc */
    sqlite3 *db;
    int refs;
    bool in_txn;
    int64_t buffered;     /* rows written in the open transaction */
    int64_t txn_start_ms; /* monotonic time the transaction began */
} SharedDb;

static SharedDb *shared_dbs; /* loop thread only */

typedef struct SqliteSink {
    SinkWriter base;
    SharedDb *sdb;
    sqlite3 *db;           /* sdb->db */
    sqlite3_stmt *ins;     /* INSERT (or upsert) of every column */
    sqlite3_stmt *del;     /* DELETE by key, or of one equal row */
    const char *url;       /* borrowed (Program arena) */
    const char *table_name;
    const TimeZone *tz;    /* borrowed (RunCtx) */
    int64_t max_rows;      /* sink.buffer-flush.max-rows (0: no limit) */
    int64_t interval_ms;   /* sink.buffer-flush.interval (0: no limit) */
    int64_t max_retries;   /* sink.max-retries */
    /* exactly-once (sink.delivery-guarantee, issue 10) */
    bool eo;
    EpochRows epochs;      /* rows of the open and pending epochs */
    char key[300];         /* sink_table of the progress row */
    const char *job;       /* job_name of the progress row (RunCtx) */
    bool lineage_known;    /* recovered, or committed once since start */
    sqlite3_stmt *prog_get, *prog_upd, *prog_ins;
} SqliteSink;

static int sink_exec(SqliteSink *s, const char *sql, FsqlErr *err)
{
    for (int64_t tries = 0;; tries++) {
        int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
        if (rc == SQLITE_OK)
            return FSQL_OK;
        if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) &&
            tries < s->max_retries) {
            usleep((useconds_t)(20000 << (tries < 6 ? tries : 6)));
            continue;
        }
        return fsql_err_set(err, FSQL_E_IO, "%s: writing table \"%s\": %s",
                            s->url, s->table_name, sqlite3_errmsg(s->db));
    }
}

static int sink_commit(SqliteSink *s, FsqlErr *err)
{
    if (!s->sdb->in_txn)
        return FSQL_OK;
    int rc = sink_exec(s, "COMMIT", err);
    if (rc < 0)
        return rc;
    s->sdb->in_txn = false;
    s->sdb->buffered = 0;
    return FSQL_OK;
}

/* Step a bound statement, retrying on BUSY. */
static int sink_step(SqliteSink *s, sqlite3_stmt *st, FsqlErr *err)
{
    for (int64_t tries = 0;; tries++) {
        int rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc == SQLITE_DONE || rc == SQLITE_ROW)
            return FSQL_OK;
        if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) &&
            tries < s->max_retries) {
            usleep((useconds_t)(20000 << (tries < 6 ? tries : 6)));
            continue;
        }
        return fsql_err_set(err, FSQL_E_IO, "%s: writing table \"%s\": %s",
                            s->url, s->table_name, sqlite3_errmsg(s->db));
    }
}

/* The shared write connection for t's database file (opened, and the
 * file created, on first use). */
static int shared_db_get(const TableDef *t, SharedDb **out, FsqlErr *err)
{
    char path[4096];
    jdbc_sqlite_path(table_def_option_or(t, "url", ""), t->base_dir, path,
                     sizeof path);
    for (SharedDb *d = shared_dbs; d; d = d->next)
        if (strcmp(d->path, path) == 0) {
            d->refs++;
            *out = d;
            return FSQL_OK;
        }
    sqlite3 *db;
    int rc = jdbc_sqlite_open(t, true, &db, err);
    if (rc < 0)
        return rc;
    SharedDb *d = xcalloc(1, sizeof *d);
    d->path = xstrdup(path);
    d->db = db;
    d->refs = 1;
    d->next = shared_dbs;
    shared_dbs = d;
    *out = d;
    return FSQL_OK;
}

static void shared_db_unref(SharedDb *d)
{
    if (!d || --d->refs > 0)
        return;
    if (d->in_txn)
        sqlite3_exec(d->db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(d->db);
    for (SharedDb **pp = &shared_dbs; *pp; pp = &(*pp)->next)
        if (*pp == d) {
            *pp = d->next;
            break;
        }
    xfree(d->path);
    xfree(d);
}

/* Apply one row (insert/upsert or delete) inside the open transaction;
 * *skipped when it was a -U of an upsert table. */
static int apply_row(SqliteSink *s, RowKind k, const Value *row,
                     bool *skipped, FsqlErr *err)
{
    const TableDef *t = s->base.table;
    const RtSchema *sc = &t->schema;
    sqlite3_stmt *st;
    *skipped = false;
    if (k == ROW_INSERT || k == ROW_UPDATE_AFTER) {
        st = s->ins;
        for (uint32_t c = 0; c < sc->n_cols; c++)
            jdbc_sqlite_bind(st, (int)c + 1, &row[c], &sc->cols[c].type,
                             s->tz);
    } else if (k == ROW_UPDATE_BEFORE && t->n_pk > 0) {
        *skipped = true;
        return FSQL_OK;
    } else {
        st = s->del;
        if (t->n_pk > 0)
            for (uint32_t c = 0; c < t->n_pk; c++)
                jdbc_sqlite_bind(st, (int)c + 1, &row[t->pk[c]],
                                 &sc->cols[t->pk[c]].type, s->tz);
        else
            for (uint32_t c = 0; c < sc->n_cols; c++)
                jdbc_sqlite_bind(st, (int)c + 1, &row[c], &sc->cols[c].type,
                                 s->tz);
    }
    return sink_step(s, st, err);
}

static int sqlite_sink_write(SinkWriter *w, const Batch *b, FsqlErr *err)
{
    SqliteSink *s = (SqliteSink *)w;
    if (s->eo) {
        /* Exactly-once: the rows wait in the epoch buffer for commit. */
        bool upsert = s->base.table->n_pk > 0;
        for (uint32_t r = 0; r < b->n_rows; r++)
            if (!(upsert && b->kinds[r] == ROW_UPDATE_BEFORE))
                epoch_rows_add(&s->epochs, (RowKind)b->kinds[r],
                               batch_row(b, r));
        return FSQL_OK;
    }
    for (uint32_t r = 0; r < b->n_rows; r++) {
        SharedDb *sdb = s->sdb;
        if (!sdb->in_txn) {
            int rc = sink_exec(s, "BEGIN", err);
            if (rc < 0)
                return rc;
            sdb->in_txn = true;
            sdb->txn_start_ms = mono_ms();
        }
        bool skipped;
        int rc = apply_row(s, (RowKind)b->kinds[r], batch_row(b, r), &skipped,
                           err);
        if (rc < 0)
            return rc;
        if (skipped)
            continue;
        s->base.rows_written++;
        sdb->buffered++;
        if (s->max_rows > 0 && sdb->buffered >= s->max_rows) {
            rc = sink_commit(s, err);
            if (rc < 0)
                return rc;
        }
    }
    /* The interval is checked once per batch of rows, and by the sink
     * operator's timer (sqlite_sink_flush_due) when no rows come. */
    if (s->sdb->in_txn && s->interval_ms > 0 &&
        mono_ms() - s->sdb->txn_start_ms >= s->interval_ms)
        return sink_commit(s, err);
    return FSQL_OK;
}

static int64_t sqlite_sink_flush_due(SinkWriter *w)
{
    SqliteSink *s = (SqliteSink *)w;
    if (!s->sdb->in_txn || s->interval_ms <= 0)
        return INT64_MAX;
    return s->sdb->txn_start_ms + s->interval_ms;
}

/* ---- exactly-once (issue 10) ---------------------------------------------- */

static int eo_stmt_err(SqliteSink *s, const char *what, FsqlErr *err)
{
    return fsql_err_set(err, FSQL_E_IO, "%s: %s progress table: %s", s->url,
                        what, sqlite3_errmsg(s->db));
}

/* The checkpoint id of this sink's progress row into *done: 1 when the
 * row exists, 0 (and *done 0) when not, or an error. */
static int progress_get(SqliteSink *s, uint64_t *done, FsqlErr *err)
{
    sqlite3_bind_text(s->prog_get, 1, s->job, -1, SQLITE_STATIC);
    sqlite3_bind_text(s->prog_get, 2, s->key, -1, SQLITE_STATIC);
    int src = sqlite3_step(s->prog_get);
    *done =
        src == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(s->prog_get, 0) : 0;
    sqlite3_reset(s->prog_get);
    if (src != SQLITE_ROW && src != SQLITE_DONE)
        return eo_stmt_err(s, "reading the", err);
    return src == SQLITE_ROW;
}

/* Set this sink's progress row to id: an UPDATE of the row when it
 * exists (have), else an INSERT.  what names the step in the error
 * ("writing the" progress table). */
static int progress_put(SqliteSink *s, bool have, uint64_t id, const char *what,
                        FsqlErr *err)
{
    sqlite3_stmt *st = have ? s->prog_upd : s->prog_ins;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
    sqlite3_bind_text(st, 2, s->job, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, s->key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? FSQL_OK : eo_stmt_err(s, what, err);
}

static int sqlite_sink_precommit(SinkWriter *w, uint64_t id, SnapWriter *out,
                                 FsqlErr *err)
{
    SqliteSink *s = (SqliteSink *)w;
    (void)err;
    epoch_rows_precommit(&s->epochs, id, s->key, out);
    return FSQL_OK;
}

/* The first commit of a run that started without a checkpoint: its ids
 * begin again at 1, so a progress row left by an earlier run (the same
 * job name) is set back to 0 first - else its epochs would be taken for
 * committed ones. */
static int sqlite_progress_reset(SqliteSink *s, uint64_t id, FsqlErr *err)
{
    uint64_t done;
    int have = progress_get(s, &done, err);
    if (have < 0)
        return have;
    if (done > 0) {
        log_warn("table \"%s\": the progress row of job \"%s\" says "
                 "checkpoint %llu, but this run started without a "
                 "checkpoint; it starts over from %llu",
                 s->base.table->name, s->job, (unsigned long long)done,
                 (unsigned long long)id);
        int rc = progress_put(s, true, 0, "resetting the", err);
        if (rc < 0)
            return rc;
    }
    s->lineage_known = true;
    return FSQL_OK;
}

/* Epochs up to id, and the progress row saying id, in one transaction;
 * nothing when the progress row already says id or later. */
static int sqlite_sink_commit(SinkWriter *w, uint64_t id, FsqlErr *err)
{
    SqliteSink *s = (SqliteSink *)w;
    fsql_fault("sink.before-commit");
    uint64_t n_rows = epoch_rows_pending(&s->epochs, id);
    if (n_rows == 0) {
        /* Nothing to make visible; the progress row may stay behind. */
        epoch_rows_drop(&s->epochs, id);
        return FSQL_OK;
    }
    /* Rows another (at-least-once) sink left in the shared connection's
     * transaction go first. */
    int rc = sink_commit(s, err);
    if (rc == FSQL_OK && !s->lineage_known)
        rc = sqlite_progress_reset(s, id, err);
    if (rc < 0)
        return rc;
    rc = sink_exec(s, "BEGIN IMMEDIATE", err);
    if (rc < 0)
        return rc;
    uint64_t done;
    int have = progress_get(s, &done, err);
    if (have < 0) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return have;
    }
    if (have && done >= id) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        if (done > id) /* restored from an older checkpoint than committed */
            log_warn("table \"%s\": the database already has checkpoint "
                     "%llu, newer than %llu; epoch %llu is skipped",
                     s->base.table->name, (unsigned long long)done,
                     (unsigned long long)id, (unsigned long long)id);
        epoch_rows_drop(&s->epochs, id);
        return FSQL_OK;
    }
    EpochCursor c;
    epoch_cursor_init(&c, &s->epochs, id);
    Value *row = xmalloc(sizeof(Value) * (s->epochs.n_cols + 1));
    uint8_t kind;
    bool bad = false;
    uint64_t applied = 0;
    while (rc == FSQL_OK && epoch_cursor_next(&c, &kind, row, &bad)) {
        bool skipped;
        rc = apply_row(s, (RowKind)kind, row, &skipped, err);
        if (++applied == (n_rows + 1) / 2)
            fsql_fault("sink.during-commit");
    }
    xfree(row);
    if (rc == FSQL_OK && bad)
        rc = fsql_err_set(err, FSQL_E_STATE,
                          "%s: table \"%s\": pending rows are malformed",
                          s->url, s->table_name);
    if (rc == FSQL_OK)
        rc = progress_put(s, have, id, "writing the", err);
    if (rc == FSQL_OK)
        rc = sink_exec(s, "COMMIT", err);
    if (rc < 0) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    fsql_fault("sink.after-commit");
    s->base.rows_written += n_rows;
    epoch_rows_drop(&s->epochs, id);
    return FSQL_OK;
}

static int sqlite_sink_recover(SinkWriter *w, uint64_t id, SnapReader *pending,
                               FsqlErr *err)
{
    SqliteSink *s = (SqliteSink *)w;
    /* A crashed process's open transaction was rolled back by SQLite
     * (its journal); what remains is the checkpoint's epoch. */
    int rc = epoch_rows_load(&s->epochs, pending, s->key,
                             s->base.table->name, err);
    if (rc < 0)
        return rc;
    s->lineage_known = true;
    return sqlite_sink_commit(w, id, err);
}

static int sqlite_sink_flush(SinkWriter *w, FsqlErr *err)
{
    return sink_commit((SqliteSink *)w, err);
}

static void sqlite_sink_close(SinkWriter *w)
{
    SqliteSink *s = (SqliteSink *)w;
    FsqlErr err = {0};
    /* Exactly-once: rows after the last checkpoint are dropped (a restart
     * replays them); another sink's open transaction still commits. */
    if (s->sdb && sink_commit(s, &err) < 0)
        fprintf(stderr, "fsql: %s\n", err.msg);
    sqlite3_finalize(s->ins);
    sqlite3_finalize(s->del);
    sqlite3_finalize(s->prog_get);
    sqlite3_finalize(s->prog_upd);
    sqlite3_finalize(s->prog_ins);
    if (s->eo) {
        sink_key_release("jdbc", s->job, s->key);
        epoch_rows_fini(&s->epochs);
    }
    shared_db_unref(s->sdb);
    xfree(s);
}

static const SinkVtbl sqlite_sink_vtbl = {
    .write = sqlite_sink_write,
    .flush = sqlite_sink_flush,
    .close = sqlite_sink_close,
    .flush_due_ms = sqlite_sink_flush_due,
};

/* No flush: an exactly-once sink's rows become visible at commit only. */
static const SinkVtbl sqlite_sink_eo_vtbl = {
    .write = sqlite_sink_write,
    .close = sqlite_sink_close,
    .precommit = sqlite_sink_precommit,
    .commit = sqlite_sink_commit,
    .recover = sqlite_sink_recover,
};

/* The progress table (created when missing) and its statements. */
static int sqlite_eo_open(SqliteSink *s, const TableDef *t, FsqlErr *err)
{
    const char *ptab =
        table_def_option_or(t, "sink.progress-table", "fsql_sink_progress");
    StrBuf sql;
    strbuf_init(&sql);
    strbuf_puts(&sql, "CREATE TABLE IF NOT EXISTS ");
    jdbc_sqlite_quote_ident(&sql, ptab);
    strbuf_puts(&sql, " (job_name TEXT NOT NULL, sink_table TEXT NOT NULL, "
                      "checkpoint_id BIGINT NOT NULL, committed_at TEXT, "
                      "PRIMARY KEY (job_name, sink_table))");
    int rc = sink_exec(s, strbuf_cstr(&sql), err);
    const char *fmt[3] = {
        "SELECT checkpoint_id FROM %s WHERE job_name = ?1 AND "
        "sink_table = ?2",
        "UPDATE %s SET checkpoint_id = ?1, committed_at = "
        "strftime('%%Y-%%m-%%d %%H:%%M:%%f', 'now') WHERE job_name = ?2 AND "
        "sink_table = ?3",
        "INSERT INTO %s (checkpoint_id, job_name, sink_table, committed_at) "
        "VALUES (?1, ?2, ?3, strftime('%%Y-%%m-%%d %%H:%%M:%%f', 'now'))"};
    sqlite3_stmt **dst[3] = {&s->prog_get, &s->prog_upd, &s->prog_ins};
    StrBuf q;
    strbuf_init(&q);
    strbuf_clear(&sql);
    jdbc_sqlite_quote_ident(&sql, ptab);
    for (int i = 0; i < 3 && rc == FSQL_OK; i++) {
        strbuf_clear(&q);
        strbuf_printf(&q, fmt[i], strbuf_cstr(&sql));
        if (sqlite3_prepare_v3(s->db, strbuf_cstr(&q), -1,
                               SQLITE_PREPARE_PERSISTENT, dst[i],
                               NULL) != SQLITE_OK)
            rc = fsql_err_set(err, FSQL_E_IO,
                              "%s: progress table \"%s\" of table \"%s\": "
                              "%s (it needs the columns job_name, "
                              "sink_table, checkpoint_id, committed_at)",
                              s->url, ptab, t->name, sqlite3_errmsg(s->db));
    }
    strbuf_fini(&q);
    strbuf_fini(&sql);
    return rc;
}

/* The SQLite column type for a declared column (keeps the affinity a
 * reader of the file expects: INTEGER, REAL, NUMERIC for DECIMAL, TEXT). */
static void sqlite_type_name(StrBuf *sb, const RtType *t)
{
    switch (t->kind) {
    case VK_BOOL:
        strbuf_puts(sb, "BOOLEAN");
        return;
    case VK_INT:
        switch (t->sql_kind) {
        case RT_SQL_TINYINT:
            strbuf_puts(sb, "TINYINT");
            return;
        case RT_SQL_SMALLINT:
            strbuf_puts(sb, "SMALLINT");
            return;
        case RT_SQL_INT:
            strbuf_puts(sb, "INTEGER");
            return;
        default:
            strbuf_puts(sb, "BIGINT");
            return;
        }
    case VK_DOUBLE:
        strbuf_puts(sb, t->sql_kind == RT_SQL_FLOAT ? "FLOAT" : "DOUBLE");
        return;
    case VK_DECIMAL:
        /* NUMERIC affinity keeps only 15 significant digits of a real
         * literal; wider decimals are kept as exact text. */
        if (t->precision > 15)
            strbuf_printf(sb, "TEXT /* DECIMAL(%d, %d), exact text */",
                          (int)t->precision, (int)t->scale);
        else
            strbuf_printf(sb, "DECIMAL(%d, %d)", (int)t->precision,
                          (int)t->scale);
        return;
    case VK_STRING:
        strbuf_puts(sb, "TEXT");
        return;
    case VK_BYTES:
        strbuf_puts(sb, "BLOB");
        return;
    case VK_DATE:
        strbuf_puts(sb, "DATE");
        return;
    case VK_TIME:
        strbuf_puts(sb, "TIME");
        return;
    case VK_TIMESTAMP:
    case VK_TIMESTAMP_LTZ:
        strbuf_puts(sb, "TIMESTAMP");
        return;
    default:
        strbuf_puts(sb, "INTEGER"); /* intervals: a number */
        return;
    }
}

static bool table_exists(sqlite3 *db, const char *name)
{
    sqlite3_stmt *st = NULL;
    bool found = false;
    if (sqlite3_prepare_v2(db,
                           "SELECT 1 FROM sqlite_master WHERE type IN "
                           "('table', 'view') AND name = ?1",
                           -1, &st, NULL) != SQLITE_OK)
        return false;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
}

static int create_table(sqlite3 *db, const TableDef *t, const char *tname,
                        const char *url, FsqlErr *err)
{
    StrBuf sql;
    strbuf_init(&sql);
    strbuf_puts(&sql, "CREATE TABLE ");
    jdbc_sqlite_quote_ident(&sql, tname);
    strbuf_puts(&sql, " (");
    for (uint32_t c = 0; c < t->schema.n_cols; c++) {
        if (c)
            strbuf_puts(&sql, ", ");
        jdbc_sqlite_quote_ident(&sql, t->schema.cols[c].name);
        strbuf_putc(&sql, ' ');
        sqlite_type_name(&sql, &t->schema.cols[c].type);
    }
    if (t->n_pk > 0) {
        strbuf_puts(&sql, ", PRIMARY KEY (");
        for (uint32_t i = 0; i < t->n_pk; i++) {
            if (i)
                strbuf_puts(&sql, ", ");
            jdbc_sqlite_quote_ident(&sql, t->schema.cols[t->pk[i]].name);
        }
        strbuf_putc(&sql, ')');
    }
    strbuf_putc(&sql, ')');
    char *msg = NULL;
    int rc = sqlite3_exec(db, strbuf_cstr(&sql), NULL, NULL, &msg);
    strbuf_fini(&sql);
    if (rc != SQLITE_OK) {
        fsql_err_set(err, FSQL_E_IO, "%s: could not create table \"%s\": %s",
                     url, tname, msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        return FSQL_E_IO;
    }
    return FSQL_OK;
}

/* Create the parent directory of a new database file (one level). */
static void make_parent_dir(const TableDef *t)
{
    char path[4096];
    jdbc_sqlite_path(table_def_option_or(t, "url", ""), t->base_dir, path,
                     sizeof path);
    char *slash = strrchr(path, '/');
    if (!slash || slash == path || strncmp(path, "file:", 5) == 0)
        return;
    *slash = '\0';
    struct stat sb;
    if (stat(path, &sb) != 0)
        mkdir(path, 0777);
}

int jdbc_sqlite_open_sink(const TableDef *t, const RunCtx *ctx,
                          SinkWriter **out, FsqlErr *err)
{
    *out = NULL;
    int64_t max_rows, interval_ms, max_retries;
    SinkGuarantee guar;
    int rc = sink_guarantee_of(t, ctx, &guar, err);
    if (rc == FSQL_OK)
        rc = table_opt_int(t, "sink.buffer-flush.max-rows", 100, &max_rows,
                           err);
    if (rc == FSQL_OK)
        rc = table_opt_duration(t, "sink.buffer-flush.interval", 1000,
                          &interval_ms, err);
    if (rc == FSQL_OK)
        rc = table_opt_int(t, "sink.max-retries", 3, &max_retries, err);
    if (rc < 0)
        return rc;
    make_parent_dir(t);
    SharedDb *sdb;
    rc = shared_db_get(t, &sdb, err);
    if (rc < 0)
        return rc;
    sqlite3 *db = sdb->db;
    const char *url = table_def_option_or(t, "url", "");
    const char *tname = table_def_option_or(t, "table-name", t->name);
    if (!table_exists(db, tname)) {
        rc = create_table(db, t, tname, url, err);
        if (rc < 0) {
            shared_db_unref(sdb);
            return rc;
        }
    }
    const RtSchema *sc = &t->schema;
    StrBuf sql;
    strbuf_init(&sql);
    strbuf_puts(&sql, "INSERT INTO ");
    jdbc_sqlite_quote_ident(&sql, tname);
    strbuf_puts(&sql, " (");
    for (uint32_t c = 0; c < sc->n_cols; c++) {
        if (c)
            strbuf_puts(&sql, ", ");
        jdbc_sqlite_quote_ident(&sql, sc->cols[c].name);
    }
    strbuf_puts(&sql, ") VALUES (");
    for (uint32_t c = 0; c < sc->n_cols; c++)
        strbuf_printf(&sql, "%s?%u", c ? ", " : "", c + 1);
    strbuf_putc(&sql, ')');
    if (t->n_pk > 0) {
        strbuf_puts(&sql, " ON CONFLICT (");
        for (uint32_t i = 0; i < t->n_pk; i++) {
            if (i)
                strbuf_puts(&sql, ", ");
            jdbc_sqlite_quote_ident(&sql, sc->cols[t->pk[i]].name);
        }
        strbuf_puts(&sql, ") DO ");
        bool any = false;
        for (uint32_t c = 0; c < sc->n_cols; c++) {
            bool is_key = false;
            for (uint32_t i = 0; i < t->n_pk; i++)
                is_key |= t->pk[i] == c;
            if (is_key)
                continue;
            strbuf_puts(&sql, any ? ", " : "UPDATE SET ");
            jdbc_sqlite_quote_ident(&sql, sc->cols[c].name);
            strbuf_puts(&sql, " = excluded.");
            jdbc_sqlite_quote_ident(&sql, sc->cols[c].name);
            any = true;
        }
        if (!any)
            strbuf_puts(&sql, "NOTHING");
    }
    sqlite3_stmt *ins = NULL, *del = NULL;
    if (sqlite3_prepare_v3(db, strbuf_cstr(&sql), -1,
                           SQLITE_PREPARE_PERSISTENT, &ins,
                           NULL) != SQLITE_OK) {
        if (t->n_pk > 0)
            fsql_err_set(err, FSQL_E_IO,
                         "%s: cannot upsert into table \"%s\": %s (the "
                         "table needs a PRIMARY KEY or UNIQUE index on the "
                         "declared key columns)",
                         url, tname, sqlite3_errmsg(db));
        else
            fsql_err_set(err, FSQL_E_IO, "%s: %s", url, sqlite3_errmsg(db));
        strbuf_fini(&sql);
        shared_db_unref(sdb);
        return FSQL_E_IO;
    }
    strbuf_clear(&sql);
    strbuf_puts(&sql, "DELETE FROM ");
    jdbc_sqlite_quote_ident(&sql, tname);
    if (t->n_pk > 0) {
        for (uint32_t i = 0; i < t->n_pk; i++) {
            strbuf_puts(&sql, i ? " AND " : " WHERE ");
            jdbc_sqlite_quote_ident(&sql, sc->cols[t->pk[i]].name);
            strbuf_printf(&sql, " = ?%u", i + 1);
        }
    } else {
        strbuf_puts(&sql, " WHERE rowid = (SELECT rowid FROM ");
        jdbc_sqlite_quote_ident(&sql, tname);
        for (uint32_t c = 0; c < sc->n_cols; c++) {
            strbuf_puts(&sql, c ? " AND " : " WHERE ");
            jdbc_sqlite_quote_ident(&sql, sc->cols[c].name);
            strbuf_printf(&sql, " IS ?%u", c + 1);
        }
        strbuf_puts(&sql, " LIMIT 1)");
    }
    if (sqlite3_prepare_v3(db, strbuf_cstr(&sql), -1,
                           SQLITE_PREPARE_PERSISTENT, &del,
                           NULL) != SQLITE_OK) {
        fsql_err_set(err, FSQL_E_IO, "%s: %s", url, sqlite3_errmsg(db));
        strbuf_fini(&sql);
        sqlite3_finalize(ins);
        shared_db_unref(sdb);
        return FSQL_E_IO;
    }
    strbuf_fini(&sql);
    SqliteSink *s = xcalloc(1, sizeof *s);
    s->base.v = &sqlite_sink_vtbl;
    s->base.table = t;
    s->sdb = sdb;
    s->db = db;
    s->ins = ins;
    s->del = del;
    s->url = url;
    s->table_name = tname;
    s->tz = ctx ? ctx->tz : NULL;
    s->max_rows = max_rows;
    s->interval_ms = interval_ms;
    s->max_retries = max_retries;
    if (guar == SINK_GUARANTEE_EXACTLY_ONCE) {
        s->eo = true;
        s->base.v = &sqlite_sink_eo_vtbl;
        s->job = ctx && ctx->job_name ? ctx->job_name : "fsql";
        epoch_rows_init(&s->epochs, sc->n_cols);
        sink_key_acquire("jdbc", s->job, t->name, s->key, sizeof s->key);
        rc = sqlite_eo_open(s, t, err);
        if (rc < 0) {
            sqlite_sink_close(&s->base);
            return rc;
        }
    }
    *out = &s->base;
    return FSQL_OK;
}

/* ---- dispatch on the URL --------------------------------------------------- */

typedef enum JdbcKind { JDBC_SQLITE, JDBC_MYSQL, JDBC_OTHER } JdbcKind;

static JdbcKind jdbc_kind(const TableDef *t)
{
    const char *url = table_def_option_or(t, "url", "");
    if (strncmp(url, "jdbc:sqlite:", 12) == 0)
        return JDBC_SQLITE;
    if (strncmp(url, "jdbc:mysql://", 13) == 0 ||
        strncmp(url, "jdbc:mariadb://", 15) == 0)
        return JDBC_MYSQL;
    return JDBC_OTHER;
}

static int not_yet(const TableDef *t, const char *what, FsqlErr *err)
{
    const char *url = table_def_option_or(t, "url", "");
    /* The URL without its query string (which may hold credentials). */
    int n = (int)strcspn(url, "?;");
    if (jdbc_kind(t) == JDBC_MYSQL)
        return fsql_err_set(err, FSQL_E_UNSUPPORTED,
                            "table \"%s\": cannot %s MySQL/MariaDB yet "
                            "('%.*s'); this build runs jdbc:sqlite: URLs only",
                            t->name, what, n, url);
    return fsql_err_set(err, FSQL_E_CONFIG,
                        "table \"%s\": unsupported JDBC URL '%.*s'", t->name,
                        n, url);
}

static int jdbc_open_source(const TableDef *t, const RunCtx *ctx,
                            SourceReader **out, FsqlErr *err)
{
    *out = NULL;
    if (jdbc_kind(t) == JDBC_MYSQL) /* scan_mysql.c */
        return jdbc_mysql_open_source(t, ctx, out, err);
    if (jdbc_kind(t) != JDBC_SQLITE)
        return not_yet(t, "read from", err);
    return jdbc_sqlite_open_source(t, ctx, out, err);
}

static int jdbc_open_sink(const TableDef *t, const RunCtx *ctx,
                          SinkWriter **out, FsqlErr *err)
{
    *out = NULL;
    if (jdbc_kind(t) == JDBC_MYSQL) /* lookup_mysql.c, sink_mysql.c */
        return jdbc_mysql_open_sink(t, ctx, out, err);
    if (jdbc_kind(t) != JDBC_SQLITE)
        return not_yet(t, "write to", err);
    return jdbc_sqlite_open_sink(t, ctx, out, err);
}

static int jdbc_open_lookup(const TableDef *t, const LookupSpec *spec,
                            const RunCtx *ctx, LookupReader **out,
                            FsqlErr *err)
{
    *out = NULL;
    if (jdbc_kind(t) == JDBC_MYSQL) /* lookup_mysql.c */
        return jdbc_mysql_open_lookup(t, spec, ctx, out, err);
    if (jdbc_kind(t) != JDBC_SQLITE)
        return not_yet(t, "look up rows in", err);
    return jdbc_sqlite_open_lookup(t, spec, ctx, out, err);
}

const ConnectorImpl conn_jdbc_impl = {
    "jdbc",
    jdbc_open_source,
    jdbc_open_sink,
    jdbc_open_lookup,
};
