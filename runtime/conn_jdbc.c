/*
 * conn_jdbc.c - the `jdbc` connector: dispatch on the URL, and the SQLite
 * sink.
 *
 * URLs: `jdbc:sqlite:PATH` is served here and by lookup_sqlite.c (lookup
 * reader, bounded scan).  `jdbc:mysql://` and `jdbc:mariadb://` go to the
 * MySQL/MariaDB back end (runtime/jdbc_mysql.h, issue 6); what it does
 * not serve fails at job open - never at validate time, so rule files
 * written for production still compile.
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
#include "runtime/lookup.h"
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

static int sqlite_sink_write(SinkWriter *w, const Batch *b, FsqlErr *err)
{
    SqliteSink *s = (SqliteSink *)w;
    const TableDef *t = s->base.table;
    const RtSchema *sc = &t->schema;
    for (uint32_t r = 0; r < b->n_rows; r++) {
        SharedDb *sdb = s->sdb;
        if (!sdb->in_txn) {
            int rc = sink_exec(s, "BEGIN", err);
            if (rc < 0)
                return rc;
            sdb->in_txn = true;
            sdb->txn_start_ms = mono_ms();
        }
        const Value *row = batch_row(b, r);
        RowKind k = (RowKind)b->kinds[r];
        sqlite3_stmt *st;
        if (k == ROW_INSERT || k == ROW_UPDATE_AFTER) {
            st = s->ins;
            for (uint32_t c = 0; c < sc->n_cols; c++)
                jdbc_sqlite_bind(st, (int)c + 1, &row[c], &sc->cols[c].type,
                                 s->tz);
        } else if (k == ROW_UPDATE_BEFORE && t->n_pk > 0) {
            continue;
        } else {
            st = s->del;
            if (t->n_pk > 0)
                for (uint32_t c = 0; c < t->n_pk; c++)
                    jdbc_sqlite_bind(st, (int)c + 1, &row[t->pk[c]],
                                     &sc->cols[t->pk[c]].type, s->tz);
            else
                for (uint32_t c = 0; c < sc->n_cols; c++)
                    jdbc_sqlite_bind(st, (int)c + 1, &row[c],
                                     &sc->cols[c].type, s->tz);
        }
        int rc = sink_step(s, st, err);
        if (rc < 0)
            return rc;
        s->base.rows_written++;
        sdb->buffered++;
        if (s->max_rows > 0 && sdb->buffered >= s->max_rows) {
            rc = sink_commit(s, err);
            if (rc < 0)
                return rc;
        }
    }
    /* The interval is checked once per batch of rows. */
    if (s->sdb->in_txn && s->interval_ms > 0 &&
        mono_ms() - s->sdb->txn_start_ms >= s->interval_ms)
        return sink_commit(s, err);
    return FSQL_OK;
}

static int sqlite_sink_flush(SinkWriter *w, FsqlErr *err)
{
    return sink_commit((SqliteSink *)w, err);
}

static void sqlite_sink_close(SinkWriter *w)
{
    SqliteSink *s = (SqliteSink *)w;
    FsqlErr err = {0};
    if (sink_commit(s, &err) < 0)
        fprintf(stderr, "fsql: %s\n", err.msg);
    sqlite3_finalize(s->ins);
    sqlite3_finalize(s->del);
    shared_db_unref(s->sdb);
    xfree(s);
}

static const SinkVtbl sqlite_sink_vtbl = {
    .write = sqlite_sink_write,
    .flush = sqlite_sink_flush,
    .close = sqlite_sink_close,
};

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
    int rc = table_opt_int(t, "sink.buffer-flush.max-rows", 100, &max_rows,
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
