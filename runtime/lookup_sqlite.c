/*
 * lookup_sqlite.c - SQLite behind the jdbc connector: opening the
 * database, binding values, mapping SQLite storage classes to the
 * declared column types, the lookup reader (a prepared, bound statement
 * per key) and the bounded scan source.  The sink is in conn_jdbc.c.
 *
 * Pipeline position: op_lookup_join.c calls get() on a cache miss; the
 * scan source feeds a TableSourceScan.  Both open the database read-only
 * at job open and prepare their statement once, so a missing file, table
 * or column is an error before any row is read:
 *     jdbc:sqlite:data/risk.db: no such table: user_risk_profiles
 *
 * Type mapping (docs/connectors/jdbc.md has the table): a value is read
 * by its storage class.  TEXT is converted by textconv (exact DECIMAL,
 * 'yyyy-mm-dd hh:mm:ss[.fff]' TIMESTAMP, 'hh:mm:ss' TIME ...); INTEGER is
 * taken as the number (epoch milliseconds for TIMESTAMP, milliseconds of
 * the day for TIME, days for DATE); REAL goes through SQLite's own text of
 * the number for DECIMAL (never through a C double conversion of ours);
 * BLOB is BYTES.  A value that does not fit fails the job with the table,
 * column and value.
 *
 * Memory: rows returned by get() live in the reader's row buffer (Values,
 * reused) and the caller's batch arena (strings), as connector.h says.
 */
#include "runtime/fsql.h"
#include "runtime/checkpoint.h"
#include "runtime/lookup.h"
#include "runtime/decimal.h"
#include "runtime/textconv.h"
#include "runtime/timeutil.h"
#include "runtime/value_ops.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- opening ------------------------------------------------------------ */

void jdbc_sqlite_path(const char *url, const char *base_dir, char *buf,
                      size_t n)
{
    const char *p = url;
    if (strncmp(p, "jdbc:sqlite:", 12) == 0)
        p += 12;
    if (strncmp(p, "file://", 7) == 0)
        p += 7;
    if (p[0] == '/' || p[0] == '\0' || strcmp(p, ":memory:") == 0 ||
        strncmp(p, "file:", 5) == 0 || !base_dir || !base_dir[0] ||
        strcmp(base_dir, ".") == 0)
        snprintf(buf, n, "%s", p);
    else
        snprintf(buf, n, "%s/%s", base_dir, p);
}

int jdbc_sqlite_open(const TableDef *t, bool is_write, sqlite3 **db,
                     FsqlErr *err)
{
    const char *url = table_def_option_or(t, "url", "");
    char path[4096];
    jdbc_sqlite_path(url, t->base_dir, path, sizeof path);
    *db = NULL;
    if (!is_write && strcmp(path, ":memory:") != 0 &&
        strncmp(path, "file:", 5) != 0 && access(path, R_OK) != 0)
        return fsql_err_set(err, FSQL_E_IO,
                            "%s: could not open SQLite database \"%s\": %s",
                            url, path, strerror(errno));
    int flags = is_write ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                         : SQLITE_OPEN_READONLY;
    flags |= SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
    sqlite3 *h = NULL;
    int rc = sqlite3_open_v2(path, &h, flags, NULL);
    if (rc != SQLITE_OK) {
        fsql_err_set(err, FSQL_E_IO,
                     "%s: could not open SQLite database \"%s\": %s", url, path,
                     h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
        sqlite3_close(h);
        return FSQL_E_IO;
    }
    /* "name" must be an identifier, never a string literal: a misspelt
     * column is then an error, not a constant. */
#ifdef SQLITE_DBCONFIG_DQS_DML
    sqlite3_db_config(h, SQLITE_DBCONFIG_DQS_DML, 0, (int *)NULL);
    sqlite3_db_config(h, SQLITE_DBCONFIG_DQS_DDL, 0, (int *)NULL);
#endif
    /* Another writer (a make_profiles job) may hold the file briefly. */
    sqlite3_busy_timeout(h, 5000);
    *db = h;
    return FSQL_OK;
}

void jdbc_sqlite_quote_ident(StrBuf *sb, const char *name)
{
    strbuf_putc(sb, '"');
    for (const char *p = name; *p; p++) {
        if (*p == '"')
            strbuf_putc(sb, '"');
        strbuf_putc(sb, *p);
    }
    strbuf_putc(sb, '"');
}

/* ---- values <-> SQLite -------------------------------------------------- */

int jdbc_sqlite_bind(sqlite3_stmt *st, int i, const Value *v, const RtType *t,
                     const TimeZone *tz)
{
    char buf[64];
    size_t n;
    if (v->is_null)
        return sqlite3_bind_null(st, i);
    switch (t->kind) {
    case VK_BOOL:
    case VK_INT:
    case VK_INTERVAL_MS:
    case VK_INTERVAL_MONTHS:
        return sqlite3_bind_int64(st, i, v->u.i);
    case VK_DOUBLE:
        return sqlite3_bind_double(st, i, v->u.f);
    case VK_DECIMAL:
        n = decimal_format(buf, value_get_dec(v), t->scale);
        return sqlite3_bind_text(st, i, buf, (int)n, SQLITE_TRANSIENT);
    case VK_STRING:
        return sqlite3_bind_text(st, i, v->u.s.len ? v->u.s.ptr : "",
                                 (int)v->u.s.len, SQLITE_TRANSIENT);
    case VK_BYTES:
        return sqlite3_bind_blob(st, i, v->u.s.len ? v->u.s.ptr : "",
                                 (int)v->u.s.len, SQLITE_TRANSIENT);
    case VK_DATE:
        n = time_format_date(buf, (int32_t)v->u.i);
        return sqlite3_bind_text(st, i, buf, (int)n, SQLITE_TRANSIENT);
    case VK_TIME:
        n = time_format_time(
            buf, (int32_t)v->u.i,
            t->precision > 0 ? (t->precision > 3 ? 3 : t->precision) : 0);
        return sqlite3_bind_text(st, i, buf, (int)n, SQLITE_TRANSIENT);
    case VK_TIMESTAMP:
        n = time_format_timestamp(buf, v->u.i);
        return sqlite3_bind_text(st, i, buf, (int)n, SQLITE_TRANSIENT);
    case VK_TIMESTAMP_LTZ:
        /* Stored as the wall clock of the session zone, as Flink's JDBC
         * sink writes a java.sql.Timestamp. */
        n = time_format_timestamp(buf,
                                  tz ? tz_utc_to_local(tz, v->u.i) : v->u.i);
        return sqlite3_bind_text(st, i, buf, (int)n, SQLITE_TRANSIENT);
    default:
        return sqlite3_bind_null(st, i);
    }
}

static const char *type_label(const RtType *t)
{
    switch (t->kind) {
    case VK_BOOL:
        return "BOOLEAN";
    case VK_INT:
        switch (t->sql_kind) {
        case RT_SQL_TINYINT:
            return "TINYINT";
        case RT_SQL_SMALLINT:
            return "SMALLINT";
        case RT_SQL_INT:
            return "INT";
        default:
            return "BIGINT";
        }
    case VK_DOUBLE:
        return t->sql_kind == RT_SQL_FLOAT ? "FLOAT" : "DOUBLE";
    case VK_DECIMAL:
        return "DECIMAL";
    case VK_STRING:
        return "STRING";
    case VK_BYTES:
        return "BYTES";
    case VK_DATE:
        return "DATE";
    case VK_TIME:
        return "TIME";
    case VK_TIMESTAMP:
        return "TIMESTAMP";
    case VK_TIMESTAMP_LTZ:
        return "TIMESTAMP_LTZ";
    default:
        return "a value of this type";
    }
}

/* Format a "value is not a TYPE: reason" phrase into why. */
static const char *bad(char *why, size_t whylen, const char *txt, size_t n,
                       const RtType *t, const char *reason)
{
    if (n > 60)
        n = 60;
    snprintf(why, whylen, "'%.*s' is not a valid %s (%s)", (int)n, txt,
             type_label(t), reason);
    return why;
}

static const char *column_value(sqlite3_stmt *st, int i, const RtType *t,
                                Arena *a, const TimeZone *tz, Value *v,
                                char *why, size_t whylen);

const char *jdbc_sqlite_column(sqlite3_stmt *st, int i, const RtType *t,
                               Arena *a, const TimeZone *tz, Value *v,
                               char *why, size_t whylen)
{
    const char *r = column_value(st, i, t, a, tz, v, why, whylen);
    /* TIME(p) / TIMESTAMP(p) with p < 3 keep p fraction digits. */
    if (!r && !v->is_null && t->precision >= 0 && t->precision < 3 &&
        (t->kind == VK_TIME || t->kind == VK_TIMESTAMP ||
         t->kind == VK_TIMESTAMP_LTZ)) {
        int64_t unit = t->precision == 0 ? 1000 : t->precision == 1 ? 100 : 10;
        v->u.i -= time_floor_mod(v->u.i, unit);
    }
    return r;
}

static const char *column_value(sqlite3_stmt *st, int i, const RtType *t,
                                Arena *a, const TimeZone *tz, Value *v,
                                char *why, size_t whylen)
{
    int sc = sqlite3_column_type(st, i);
    v->kind = (uint8_t)t->kind;
    v->is_null = false;
    v->u.d.lo = 0;
    v->u.d.hi = 0;
    if (sc == SQLITE_NULL) {
        *v = value_null(t->kind);
        return NULL;
    }
    if (sc == SQLITE_INTEGER) {
        int64_t x = sqlite3_column_int64(st, i);
        int64_t lo, hi;
        switch (t->kind) {
        case VK_BOOL:
            v->u.i = x != 0;
            return NULL;
        case VK_INT:
            textconv_int_range(t, &lo, &hi);
            if (x < lo || x > hi) {
                char b[24];
                size_t n = value_i64_to_chars(b, x);
                return bad(why, whylen, b, n, t, "out of range");
            }
            v->u.i = x;
            return NULL;
        case VK_DOUBLE:
            v->u.f = (double)x;
            return NULL;
        case VK_DECIMAL: {
            i128 d = (i128)x;
            if (t->scale > 0)
                d *= decimal_pow10(t->scale);
            if (!decimal_fits(d, t->precision)) {
                char b[24];
                size_t n = value_i64_to_chars(b, x);
                return bad(why, whylen, b, n, t, "out of range");
            }
            value_set_dec(v, d);
            return NULL;
        }
        case VK_DATE:
        case VK_TIME:
        case VK_TIMESTAMP:
        case VK_TIMESTAMP_LTZ:
        case VK_INTERVAL_MS:
        case VK_INTERVAL_MONTHS:
            /* days / millis of the day / epoch millis */
            if (t->kind == VK_TIME && (x < 0 || x >= MS_PER_DAY)) {
                char b[24];
                size_t n = value_i64_to_chars(b, x);
                return bad(why, whylen, b, n, t, "out of range");
            }
            v->u.i = x;
            return NULL;
        default:
            break; /* STRING, BYTES: as text below */
        }
    } else if (sc == SQLITE_FLOAT && t->kind == VK_DOUBLE) {
        v->u.f = sqlite3_column_double(st, i);
        return NULL;
    } else if (sc == SQLITE_BLOB || t->kind == VK_BYTES) {
        const void *p = sqlite3_column_blob(st, i);
        int n = sqlite3_column_bytes(st, i);
        if (t->kind != VK_BYTES && t->kind != VK_STRING)
            return bad(why, whylen, "<blob>", 6, t, "a BLOB");
        char *dst = n ? arena_alloc(a, (size_t)n) : NULL;
        if (n)
            memcpy(dst, p, (size_t)n);
        v->u.s.ptr = dst ? dst : "";
        v->u.s.len = (uint32_t)n;
        return NULL;
    }
    /* TEXT, REAL for non-DOUBLE columns, INTEGER for STRING: SQLite's
     * text of the value.  For REAL that is its %!.15g rendering, which a
     * DECIMAL reads exactly as shown. */
    const char *p = (const char *)sqlite3_column_text(st, i);
    int n = sqlite3_column_bytes(st, i);
    if (!p)
        p = "";
    if (t->kind == VK_STRING) {
        char *dst = n ? arena_alloc(a, (size_t)n) : NULL;
        if (n)
            memcpy(dst, p, (size_t)n);
        v->u.s.ptr = dst ? dst : "";
        v->u.s.len = (uint32_t)n;
        return NULL;
    }
    const char *r = textconv_value(t, p, (size_t)n, a, tz, v);
    if (r)
        return bad(why, whylen, p, (size_t)n, t, r);
    return NULL;
}

/* ---- the lookup reader -------------------------------------------------- */

typedef struct SqliteLookup {
    LookupReader base;
    sqlite3 *db;
    sqlite3_stmt *st;     /* SELECT fields FROM t WHERE k1 = ?1 AND ... */
    sqlite3_stmt *begin;  /* BEGIN: one read transaction per batch */
    sqlite3_stmt *commit; /* COMMIT at batch end */
    bool in_txn;
    const TimeZone *tz;     /* borrowed from the RunCtx */
    const char *url;        /* borrowed (Program arena) */
    const char *table_name; /* borrowed */
    RtType *field_types;    /* xmalloc: types of the returned columns */
    uint32_t *key_cols;     /* xmalloc copies for base.spec */
    uint32_t *fields;
    RtType *key_types;
    Value *rows; /* row buffer, cap_rows * n_fields */
    uint32_t cap_rows;
    int64_t max_retries; /* lookup.max-retries */
} SqliteLookup;

/* End the batch's read transaction (so writers can commit). */
static void sqlite_lookup_batch_end(LookupReader *r)
{
    SqliteLookup *s = (SqliteLookup *)r;
    if (!s->in_txn)
        return;
    sqlite3_step(s->commit);
    sqlite3_reset(s->commit);
    s->in_txn = false;
}

static void sqlite_lookup_close(LookupReader *r)
{
    SqliteLookup *s = (SqliteLookup *)r;
    sqlite_lookup_batch_end(r);
    sqlite3_finalize(s->begin);
    sqlite3_finalize(s->commit);
    sqlite3_finalize(s->st);
    sqlite3_close(s->db);
    xfree(s->field_types);
    xfree(s->key_cols);
    xfree(s->fields);
    xfree(s->key_types);
    xfree(s->rows);
    xfree(s);
}

static int sqlite_lookup_get(LookupReader *r, const Value *key, Arena *a,
                             LookupRows *out, FsqlErr *err)
{
    SqliteLookup *s = (SqliteLookup *)r;
    const LookupSpec *sp = &s->base.spec;
    uint32_t nf = sp->n_fields;
    out->n_rows = 0;
    out->rows = s->rows;
    for (uint32_t i = 0; i < sp->n_keys; i++) {
        if (key[i].is_null)
            return FSQL_OK; /* SQL '=': NULL matches nothing */
        jdbc_sqlite_bind(s->st, (int)i + 1, &key[i], &sp->key_types[i], s->tz);
    }
    /* All lookups of one batch share a read transaction: SQLite then
     * takes its file lock and checks the file once per batch instead of
     * once per key. */
    if (!s->in_txn) {
        if (sqlite3_step(s->begin) == SQLITE_DONE)
            s->in_txn = true;
        sqlite3_reset(s->begin);
    }
    uint32_t n = 0;
    int rc;
    int64_t tries = 0;
    for (;;) {
        rc = sqlite3_step(s->st);
        if (rc == SQLITE_ROW) {
            if (n == s->cap_rows) {
                s->cap_rows = s->cap_rows ? s->cap_rows * 2 : 4;
                s->rows = xrealloc(s->rows,
                                   sizeof(Value) * s->cap_rows * (nf ? nf : 1));
            }
            Value *row = s->rows + (size_t)n * nf;
            for (uint32_t c = 0; c < nf; c++) {
                char why[160];
                const char *bad_msg =
                    jdbc_sqlite_column(s->st, (int)c, &s->field_types[c], a,
                                       s->tz, &row[c], why, sizeof why);
                if (bad_msg) {
                    sqlite3_reset(s->st);
                    return fsql_err_set(
                        err, FSQL_E_DATA, "%s: table \"%s\", column \"%s\": %s",
                        s->url, s->table_name,
                        s->base.table->schema.cols[sp->fields[c]].name,
                        bad_msg);
                }
            }
            n++;
            continue;
        }
        if (rc == SQLITE_DONE)
            break;
        /* BUSY/LOCKED: another process writes; retry with backoff. */
        sqlite3_reset(s->st);
        sqlite_lookup_batch_end(r);
        if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) &&
            tries++ < s->max_retries) {
            usleep((useconds_t)(10000 << (tries < 6 ? tries : 6)));
            n = 0;
            continue;
        }
        fsql_err_set(err, FSQL_E_IO, "%s: lookup in table \"%s\" failed: %s",
                     s->url, s->table_name, sqlite3_errmsg(s->db));
        return FSQL_E_IO;
    }
    sqlite3_reset(s->st);
    out->n_rows = n;
    out->rows = s->rows;
    return FSQL_OK;
}

static const LookupVtbl sqlite_lookup_vtbl = {
    .get = sqlite_lookup_get,
    .close = sqlite_lookup_close,
    .batch_end = sqlite_lookup_batch_end,
};

/* Prepare sql on db; on failure a message naming the URL. */
static int prepare(sqlite3 *db, const char *url, const char *sql,
                   sqlite3_stmt **st, FsqlErr *err)
{
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) !=
        SQLITE_OK)
        return fsql_err_set(err, FSQL_E_IO, "%s: %s", url, sqlite3_errmsg(db));
    return FSQL_OK;
}

int jdbc_sqlite_open_lookup(const TableDef *t, const LookupSpec *spec,
                            const RunCtx *ctx, LookupReader **out, FsqlErr *err)
{
    *out = NULL;
    sqlite3 *db;
    int rc = jdbc_sqlite_open(t, false, &db, err);
    if (rc < 0)
        return rc;
    const char *tname = table_def_option_or(t, "table-name", t->name);
    StrBuf sql;
    strbuf_init(&sql);
    strbuf_puts(&sql, "SELECT ");
    for (uint32_t i = 0; i < spec->n_fields; i++) {
        if (i)
            strbuf_puts(&sql, ", ");
        jdbc_sqlite_quote_ident(&sql, t->schema.cols[spec->fields[i]].name);
    }
    if (spec->n_fields == 0)
        strbuf_puts(&sql, "1");
    strbuf_puts(&sql, " FROM ");
    jdbc_sqlite_quote_ident(&sql, tname);
    for (uint32_t i = 0; i < spec->n_keys; i++) {
        strbuf_puts(&sql, i ? " AND " : " WHERE ");
        jdbc_sqlite_quote_ident(&sql, t->schema.cols[spec->key_cols[i]].name);
        strbuf_printf(&sql, " = ?%u", i + 1);
    }
    sqlite3_stmt *st = NULL, *begin = NULL, *commit = NULL;
    const char *url = table_def_option_or(t, "url", "");
    rc = prepare(db, url, strbuf_cstr(&sql), &st, err);
    if (rc == FSQL_OK)
        rc = prepare(db, url, "BEGIN", &begin, err);
    if (rc == FSQL_OK)
        rc = prepare(db, url, "COMMIT", &commit, err);
    strbuf_fini(&sql);
    if (rc < 0) {
        sqlite3_finalize(st);
        sqlite3_finalize(begin);
        sqlite3_close(db);
        return rc;
    }
    /* Read pages through a memory map: no pread per page. */
    sqlite3_exec(db, "PRAGMA mmap_size = 1073741824", NULL, NULL, NULL);
    SqliteLookup *s = xcalloc(1, sizeof *s);
    s->begin = begin;
    s->commit = commit;
    s->base.v = &sqlite_lookup_vtbl;
    s->base.table = t;
    s->db = db;
    s->st = st;
    s->tz = ctx ? ctx->tz : NULL;
    s->url = table_def_option_or(t, "url", "");
    s->table_name = tname;
    s->max_retries = 3;
    const char *mr = table_def_option(t, "lookup.max-retries");
    if (mr)
        s->max_retries = strtoll(mr, NULL, 10);
    uint32_t nk = spec->n_keys, nf = spec->n_fields;
    s->key_cols = xmalloc(sizeof(uint32_t) * (nk + 1));
    s->key_types = xmalloc(sizeof(RtType) * (nk + 1));
    s->fields = xmalloc(sizeof(uint32_t) * (nf + 1));
    s->field_types = xmalloc(sizeof(RtType) * (nf + 1));
    for (uint32_t i = 0; i < nk; i++) {
        s->key_cols[i] = spec->key_cols[i];
        s->key_types[i] = spec->key_types
                              ? spec->key_types[i]
                              : t->schema.cols[spec->key_cols[i]].type;
    }
    for (uint32_t i = 0; i < nf; i++) {
        s->fields[i] = spec->fields[i];
        s->field_types[i] = t->schema.cols[spec->fields[i]].type;
    }
    s->base.spec.n_keys = nk;
    s->base.spec.key_cols = s->key_cols;
    s->base.spec.key_types = s->key_types;
    s->base.spec.n_fields = nf;
    s->base.spec.fields = s->fields;
    *out = &s->base;
    return FSQL_OK;
}

/* ---- the scan source ---------------------------------------------------- */

typedef struct SqliteScan {
    SourceReader base;
    sqlite3 *db;
    sqlite3_stmt *st;
    const TimeZone *tz;
    const char *url;
    const char *table_name;
    uint64_t row_no; /* rows stepped so far (for describe) */
    uint64_t skip;   /* rows still to skip after a restore */
    bool is_done;
} SqliteScan;

static int sqlite_scan_poll(SourceReader *r, Batch *b, int64_t *wait_ms,
                            FsqlErr *err)
{
    SqliteScan *s = (SqliteScan *)r;
    const RtSchema *sc = &s->base.table->schema;
    *wait_ms = 0;
    if (s->is_done)
        return SRC_END;
    while (!batch_is_full(b)) {
        int rc = sqlite3_step(s->st);
        if (rc == SQLITE_DONE) {
            s->is_done = true;
            b->flags |= BATCH_F_SPLIT_END;
            return SRC_END;
        }
        if (rc != SQLITE_ROW) {
            fsql_err_set(err, FSQL_E_IO, "%s: reading table \"%s\" failed: %s",
                         s->url, s->table_name, sqlite3_errmsg(s->db));
            return SRC_ERROR;
        }
        if (s->skip) { /* restored: delivered before the checkpoint */
            s->skip--;
            continue;
        }
        Value *row = batch_add(b, ROW_INSERT, WM_NONE);
        s->row_no++;
        for (uint32_t c = 0; c < sc->n_cols; c++) {
            char why[160];
            const char *m =
                jdbc_sqlite_column(s->st, (int)c, &sc->cols[c].type, b->a,
                                   s->tz, &row[c], why, sizeof why);
            if (m) {
                fsql_err_set(err, FSQL_E_DATA,
                             "%s: table \"%s\", row %llu, column \"%s\": %s",
                             s->url, s->table_name,
                             (unsigned long long)s->row_no, sc->cols[c].name,
                             m);
                return SRC_ERROR;
            }
        }
        s->base.rows_read++;
    }
    return SRC_OK;
}

static void sqlite_scan_batch_done(SourceReader *r)
{
    (void)r;
}

static void sqlite_scan_describe(SourceReader *r, uint32_t row, char *buf,
                                 size_t n)
{
    SqliteScan *s = (SqliteScan *)r;
    (void)row;
    snprintf(buf, n, "%s, table \"%s\"", s->url, s->table_name);
}

static void sqlite_scan_close(SourceReader *r)
{
    SqliteScan *s = (SqliteScan *)r;
    sqlite3_finalize(s->st);
    sqlite3_close(s->db);
    xfree(s);
}

/* Checkpoints (issue 10): the position is the number of rows delivered;
 * a restore steps over that many rows again, exact when the table did not
 * change (a table scan runs in rowid order). */
static int sqlite_scan_snapshot(SourceReader *r, SnapWriter *w)
{
    SqliteScan *s = (SqliteScan *)r;
    conn_scan_pos_snapshot(w, s->row_no, s->is_done);
    return FSQL_OK;
}

static int sqlite_scan_restore(SourceReader *r, SnapReader *rd, FsqlErr *err)
{
    SqliteScan *s = (SqliteScan *)r;
    return conn_scan_pos_restore(rd, s->base.table, &s->row_no, &s->skip,
                                 &s->is_done, err);
}

static const SourceVtbl sqlite_scan_vtbl = {
    .poll = sqlite_scan_poll,
    .batch_done = sqlite_scan_batch_done,
    .describe = sqlite_scan_describe,
    .close = sqlite_scan_close,
    .snapshot = sqlite_scan_snapshot,
    .restore = sqlite_scan_restore,
};

int jdbc_sqlite_open_source(const TableDef *t, const RunCtx *ctx,
                            SourceReader **out, FsqlErr *err)
{
    *out = NULL;
    sqlite3 *db;
    int rc = jdbc_sqlite_open(t, false, &db, err);
    if (rc < 0)
        return rc;
    const char *tname = table_def_option_or(t, "table-name", t->name);
    StrBuf sql;
    strbuf_init(&sql);
    strbuf_puts(&sql, "SELECT ");
    for (uint32_t i = 0; i < t->schema.n_cols; i++) {
        if (i)
            strbuf_puts(&sql, ", ");
        jdbc_sqlite_quote_ident(&sql, t->schema.cols[i].name);
    }
    if (t->schema.n_cols == 0)
        strbuf_puts(&sql, "1");
    strbuf_puts(&sql, " FROM ");
    jdbc_sqlite_quote_ident(&sql, tname);
    sqlite3_stmt *st = NULL;
    rc = prepare(db, table_def_option_or(t, "url", ""), strbuf_cstr(&sql), &st,
                 err);
    strbuf_fini(&sql);
    if (rc < 0) {
        sqlite3_close(db);
        return rc;
    }
    SqliteScan *s = xcalloc(1, sizeof *s);
    s->base.v = &sqlite_scan_vtbl;
    s->base.table = t;
    s->base.n_splits = 1;
    s->db = db;
    s->st = st;
    s->tz = ctx ? ctx->tz : NULL;
    s->url = table_def_option_or(t, "url", "");
    s->table_name = tname;
    *out = &s->base;
    return FSQL_OK;
}
