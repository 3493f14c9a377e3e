/*
 * lookup_mysql.c - MySQL/MariaDB behind the jdbc connector: URL and
 * option parsing, connections (timeouts, TLS), value conversions, error
 * classification (shared with sink_mysql.c through jdbc_mysql.h), and the
 * lookup reader.
 *
 * Pipeline position: op_lookup_join.c probes the shared LookupCache
 * (lookup_cache.c) and hands the distinct cache misses of a probe chunk
 * to get_many(); what comes back is cached by the operator.
 *
 * The lookup reader:
 *   - prepared statements only, every key bound as a parameter (a key
 *     holding quotes or SQL text is looked up literally); statements are
 *     prepared at open on the first connection (so a missing table or
 *     column fails the job before any row is read) and lazily on the
 *     others;
 *   - batching: the misses of a chunk are fetched by one statement per
 *     lookup.batch-size keys, `SELECT keys, fields FROM t WHERE k IN
 *     (?, ...)` (composite keys: `(k1 = ? AND k2 = ?) OR ...`), prepared
 *     once per size bucket (1, 2, 4, ... up to the batch size; unused
 *     slots repeat the last key).  Rows are matched back to their keys by
 *     the key columns, which the query returns: matching is exact, as
 *     fsql compares values (strings byte for byte, whatever the column's
 *     collation) - the same rule with batch size 1, so results never
 *     depend on batching;
 *   - lookup.async: the keys of one call are spread over up to
 *     lookup.async.connections connections (batches of at least 8 keys)
 *     and fetched concurrently (one thread per busy connection for the
 *     duration of the call; the loop thread takes the first); results
 *     are decoded on the loop thread afterwards;
 *   - failures: a query that fails with a retriable error (connection
 *     lost, server gone, read timeout, lock wait, deadlock) is retried
 *     with backoff up to lookup.max-retries times; reconnecting is
 *     retried for up to connection.max-retry-timeout.  Every retry is
 *     reported on standard error.  After that, lookup.failure-mode FAIL
 *     fails the job; NULL gives the keys no rows (LOOKUP_DEGRADED: the
 *     operator does not cache them, LEFT JOIN pads with NULLs, a counter
 *     rises) and, until a query succeeds again, later lookups make one
 *     attempt each instead of waiting through the retries again.
 *
 * Type mapping: every column is fetched in its text form (the client
 * library converts binary-protocol values) and read with textconv, so
 * DECIMAL stays exact; see jdbc_mysql_value() and docs/connectors/jdbc.md.
 * The session time zone of the connection is UTC ('+00:00'): MySQL
 * TIMESTAMP columns (instants) read as UTC.
 *
 * Memory: connections, statements and buffers are heap (xmalloc), freed
 * at close.  Rows returned by get/get_many live in the reader's row buffer
 * (reused by the next call) and strings in the caller's arena.
 */
#include "runtime/fsql.h"
#include "runtime/jdbc_mysql.h"
#include "runtime/decimal.h"
#include "runtime/lookup.h"
#include "runtime/textconv.h"
#include "runtime/value_ops.h"

#include <ctype.h>
#include <errno.h>
#include <errmsg.h>
#include <mysqld_error.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ---- clock, backoff ------------------------------------------------------ */

int64_t jdbc_mysql_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void jdbc_mysql_sleep_ms(int64_t ms)
{
    if (ms <= 0)
        return;
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

int64_t jdbc_mysql_backoff_ms(int attempt)
{
    int64_t ms = 100;
    for (int i = 1; i < attempt && ms < 2000; i++)
        ms *= 2;
    return ms > 2000 ? 2000 : ms;
}

/* ---- configuration ------------------------------------------------------- */

static pthread_once_t lib_once = PTHREAD_ONCE_INIT;

static void lib_init(void)
{
    mysql_library_init(0, NULL, NULL);
}

/* Copy the value of query parameter `name` (case-insensitive) of q into
 * buf; false when absent.  q is "k=v&k=v" (';' also separates). */
static bool query_param(const char *q, const char *name, char *buf, size_t n)
{
    size_t nl = strlen(name);
    while (q && *q) {
        size_t len = strcspn(q, "&;");
        if (len > nl && q[nl] == '=' && strncasecmp(q, name, nl) == 0) {
            size_t vl = len - nl - 1;
            if (vl >= n)
                vl = n - 1;
            memcpy(buf, q + nl + 1, vl);
            buf[vl] = '\0';
            return true;
        }
        q += len;
        if (*q)
            q++;
    }
    return false;
}

static bool parse_tls_mode(const char *s, MyTlsMode *m)
{
    static const struct {
        const char *name;
        MyTlsMode mode;
    } modes[] = {
        {"DISABLED", MY_TLS_DISABLED},
        {"PREFERRED", MY_TLS_PREFERRED},
        {"REQUIRED", MY_TLS_REQUIRED},
        {"VERIFY_CA", MY_TLS_VERIFY_CA},
        {"VERIFY_IDENTITY", MY_TLS_VERIFY_IDENTITY},
    };
    for (size_t i = 0; i < FSQL_ARRAY_LEN(modes); i++)
        if (strcasecmp(s, modes[i].name) == 0) {
            *m = modes[i].mode;
            return true;
        }
    return false;
}

int jdbc_mysql_config(const TableDef *t, MyConfig *cfg, FsqlErr *err)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->table = t;
    const char *url = table_def_option_or(t, "url", "");
    size_t safe_len = strcspn(url, "?");
    snprintf(cfg->url_safe, sizeof cfg->url_safe, "%.*s", (int)safe_len, url);
    const char *p = url;
    if (strncmp(p, "jdbc:mysql://", 13) == 0)
        p += 13;
    else if (strncmp(p, "jdbc:mariadb://", 15) == 0)
        p += 15;
    else
        return fsql_err_set(err, FSQL_E_CONFIG,
                            "table \"%s\": '%s' is not a jdbc:mysql:// URL",
                            t->name, cfg->url_safe);
    const char *query = strchr(p, '?');
    size_t auth_len = strcspn(p, "/?");
    /* host[:port]; an IPv6 address in brackets. */
    const char *h = p, *hend = p + auth_len;
    const char *colon = NULL;
    if (*h == '[') {
        const char *rb = memchr(h, ']', (size_t)(hend - h));
        if (!rb)
            return fsql_err_set(err, FSQL_E_CONFIG,
                                "table \"%s\": malformed host in URL '%s'",
                                t->name, cfg->url_safe);
        snprintf(cfg->host, sizeof cfg->host, "%.*s", (int)(rb - h - 1), h + 1);
        if (rb + 1 < hend && rb[1] == ':')
            colon = rb + 1;
    } else {
        colon = memchr(h, ':', (size_t)(hend - h));
        size_t hl = colon ? (size_t)(colon - h) : (size_t)(hend - h);
        snprintf(cfg->host, sizeof cfg->host, "%.*s", (int)hl, h);
    }
    if (!cfg->host[0])
        snprintf(cfg->host, sizeof cfg->host, "localhost");
    cfg->port = 3306;
    if (colon) {
        char *end;
        long port = strtol(colon + 1, &end, 10);
        if (end != hend || port <= 0 || port > 65535)
            return fsql_err_set(err, FSQL_E_CONFIG,
                                "table \"%s\": malformed port in URL '%s'",
                                t->name, cfg->url_safe);
        cfg->port = (unsigned)port;
    }
    if (p[auth_len] == '/') {
        const char *d = p + auth_len + 1;
        size_t dl = strcspn(d, "?");
        snprintf(cfg->db, sizeof cfg->db, "%.*s", (int)dl, d);
    }
    if (query)
        query++;
    char buf[256];
    /* Credentials: table options win over the URL query. */
    const char *user = table_def_option(t, "username");
    if (user)
        snprintf(cfg->user, sizeof cfg->user, "%s", user);
    else if (query_param(query, "user", buf, sizeof buf))
        snprintf(cfg->user, sizeof cfg->user, "%s", buf);
    cfg->password = table_def_option(t, "password");
    if (!cfg->password && query_param(query, "password", cfg->url_password,
                                      sizeof cfg->url_password))
        cfg->password = cfg->url_password;
    cfg->table_name = table_def_option_or(t, "table-name", t->name);

    int64_t def_connect = 10000, def_read = 30000;
    if (query_param(query, "connectTimeout", buf, sizeof buf))
        def_connect = strtoll(buf, NULL, 10);
    if (query_param(query, "socketTimeout", buf, sizeof buf))
        def_read = strtoll(buf, NULL, 10);
    int rc = table_opt_duration(t, "connection.connect-timeout", def_connect,
                     &cfg->connect_timeout_ms, err);
    if (rc == FSQL_OK)
        rc = table_opt_duration(t, "connection.read-timeout", def_read,
                     &cfg->read_timeout_ms, err);
    if (rc == FSQL_OK)
        rc = table_opt_duration(t, "connection.max-retry-timeout", 60000,
                     &cfg->max_retry_timeout_ms, err);
    if (rc < 0)
        return rc;

    cfg->tls = MY_TLS_PREFERRED;
    if (query_param(query, "sslMode", buf, sizeof buf))
        parse_tls_mode(buf, &cfg->tls);
    else if (query_param(query, "useSSL", buf, sizeof buf))
        cfg->tls =
            strcasecmp(buf, "true") == 0 ? MY_TLS_PREFERRED : MY_TLS_DISABLED;
    const char *mode = table_def_option(t, "connection.tls.mode");
    if (mode && !parse_tls_mode(mode, &cfg->tls))
        return fsql_err_set(err, FSQL_E_CONFIG,
                            "table \"%s\": option 'connection.tls.mode' must "
                            "be DISABLED, PREFERRED, REQUIRED, VERIFY_CA or "
                            "VERIFY_IDENTITY, not \"%s\"",
                            t->name, mode);
    cfg->tls_ca = table_def_option(t, "connection.tls.ca");
    cfg->tls_cert = table_def_option(t, "connection.tls.cert");
    cfg->tls_key = table_def_option(t, "connection.tls.key");
    return FSQL_OK;
}

/* ---- connecting ---------------------------------------------------------- */

bool jdbc_mysql_err_is_conn(unsigned code)
{
    switch (code) {
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST:
    case CR_SERVER_LOST_EXTENDED:
    case CR_COMMANDS_OUT_OF_SYNC:
    case CR_UNKNOWN_HOST:
    case ER_SERVER_SHUTDOWN:
    case ER_CON_COUNT_ERROR:
    case ER_CONNECTION_KILLED:
    case ER_NET_READ_ERROR:
    case ER_NET_READ_INTERRUPTED:
    case ER_NET_ERROR_ON_WRITE:
    case ER_NET_WRITE_INTERRUPTED:
    case ER_UNKNOWN_COM_ERROR:
    case ER_HANDSHAKE_ERROR:
        return true;
    default:
        return false;
    }
}

bool jdbc_mysql_err_is_retriable(unsigned code)
{
    switch (code) {
    case ER_LOCK_WAIT_TIMEOUT:
    case ER_LOCK_DEADLOCK:
    case ER_QUERY_INTERRUPTED:
    case ER_TOO_MANY_USER_CONNECTIONS:
    case ER_OUT_OF_RESOURCES:
        return true;
    default:
        return jdbc_mysql_err_is_conn(code);
    }
}

static unsigned ms_to_secs(int64_t ms)
{
    if (ms <= 0)
        return 0;
    return (unsigned)((ms + 999) / 1000);
}

int jdbc_mysql_connect(const MyConfig *cfg, MYSQL **out, FsqlErr *err)
{
    pthread_once(&lib_once, lib_init);
    *out = NULL;
    MYSQL *m = mysql_init(NULL);
    if (!m)
        return fsql_err_set(err, FSQL_E_IO,
                            "could not connect to MySQL server \"%s:%u\": "
                            "out of memory",
                            cfg->host, cfg->port);
    unsigned proto = MYSQL_PROTOCOL_TCP;
    mysql_options(m, MYSQL_OPT_PROTOCOL, &proto);
    unsigned ct = ms_to_secs(cfg->connect_timeout_ms);
    unsigned rt = ms_to_secs(cfg->read_timeout_ms);
    if (ct)
        mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &ct);
    if (rt) {
        mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &rt);
        mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &rt);
    }
    mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    mysql_options(m, MYSQL_INIT_COMMAND, "SET time_zone = '+00:00'");
    if (cfg->tls != MY_TLS_DISABLED) {
        mysql_ssl_set(m, cfg->tls_key, cfg->tls_cert, cfg->tls_ca, NULL, NULL);
        my_bool enforce = cfg->tls >= MY_TLS_REQUIRED;
        my_bool verify = cfg->tls >= MY_TLS_VERIFY_CA;
        mysql_options(m, MYSQL_OPT_SSL_ENFORCE, &enforce);
        mysql_options(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);
    }
    const char *host =
        strcmp(cfg->host, "localhost") == 0 ? "127.0.0.1" : cfg->host;
    if (!mysql_real_connect(m, host, cfg->user[0] ? cfg->user : NULL,
                            cfg->password, cfg->db[0] ? cfg->db : NULL,
                            cfg->port, NULL, 0)) {
        unsigned code = mysql_errno(m);
        fsql_err_set(err, FSQL_E_IO,
                     "could not connect to MySQL server \"%s:%u\": %s",
                     cfg->host, cfg->port, mysql_error(m));
        if (err)
            err->retriable = jdbc_mysql_err_is_retriable(code) ||
                             code == CR_SERVER_HANDSHAKE_ERR;
        mysql_close(m);
        return FSQL_E_IO;
    }
    /* Check TLS ourselves: the client library may fall back to a plain
     * connection when the server offers no TLS. */
    if (cfg->tls >= MY_TLS_REQUIRED && !mysql_get_ssl_cipher(m)) {
        fsql_err_set(err, FSQL_E_IO,
                     "could not connect to MySQL server \"%s:%u\": the "
                     "server does not offer TLS, which "
                     "'connection.tls.mode' requires",
                     cfg->host, cfg->port);
        mysql_close(m);
        return FSQL_E_IO;
    }
    *out = m;
    return FSQL_OK;
}

int jdbc_mysql_connect_retry(const MyConfig *cfg, const char *what, MYSQL **out,
                             FsqlErr *err)
{
    int64_t start = jdbc_mysql_now_ms();
    for (int attempt = 1;; attempt++) {
        int rc = jdbc_mysql_connect(cfg, out, err);
        if (rc == FSQL_OK)
            return rc;
        int64_t waited = jdbc_mysql_now_ms() - start;
        if (!err || !err->retriable || waited >= cfg->max_retry_timeout_ms)
            return rc;
        int64_t b = jdbc_mysql_backoff_ms(attempt);
        fprintf(stderr,
                "fsql: warning: table \"%s\" (%s): %s; retrying in %lld ms "
                "(connection.max-retry-timeout %lld ms)\n",
                cfg->table->name, what, err->msg, (long long)b,
                (long long)cfg->max_retry_timeout_ms);
        jdbc_mysql_sleep_ms(b);
    }
}

void jdbc_mysql_quote_ident(StrBuf *sb, const char *name)
{
    strbuf_putc(sb, '`');
    for (const char *p = name; *p; p++) {
        if (*p == '`')
            strbuf_putc(sb, '`');
        strbuf_putc(sb, *p);
    }
    strbuf_putc(sb, '`');
}

/* ---- values <-> MySQL ---------------------------------------------------- */

void jdbc_mysql_bind_value(MYSQL_BIND *b, MyParam *p, const Value *v,
                           const RtType *t, const TimeZone *tz)
{
    memset(b, 0, sizeof *b);
    p->is_null = v->is_null;
    b->is_null = &p->is_null;
    b->length = &p->len;
    if (v->is_null) {
        b->buffer_type = MYSQL_TYPE_NULL;
        return;
    }
    size_t n = 0;
    switch (t->kind) {
    case VK_BOOL:
    case VK_INT:
    case VK_INTERVAL_MS:
    case VK_INTERVAL_MONTHS:
        p->i = v->u.i;
        b->buffer_type = MYSQL_TYPE_LONGLONG;
        b->buffer = &p->i;
        return;
    case VK_DOUBLE:
        p->f = v->u.f;
        b->buffer_type = MYSQL_TYPE_DOUBLE;
        b->buffer = &p->f;
        return;
    case VK_STRING:
    case VK_BYTES:
        b->buffer_type =
            t->kind == VK_BYTES ? MYSQL_TYPE_BLOB : MYSQL_TYPE_STRING;
        b->buffer = (void *)(v->u.s.len ? v->u.s.ptr : "");
        p->len = v->u.s.len;
        b->buffer_length = v->u.s.len;
        return;
    case VK_DECIMAL:
        n = decimal_format(p->txt, value_get_dec(v), t->scale);
        break;
    case VK_DATE:
        n = time_format_date(p->txt, (int32_t)v->u.i);
        break;
    case VK_TIME:
        n = time_format_time(p->txt, (int32_t)v->u.i, 3);
        break;
    case VK_TIMESTAMP:
        n = time_format_timestamp(p->txt, v->u.i);
        break;
    case VK_TIMESTAMP_LTZ:
        n = time_format_timestamp(p->txt,
                                  tz ? tz_utc_to_local(tz, v->u.i) : v->u.i);
        break;
    default:
        b->buffer_type = MYSQL_TYPE_NULL;
        p->is_null = 1;
        return;
    }
    b->buffer_type = MYSQL_TYPE_STRING;
    b->buffer = p->txt;
    p->len = (unsigned long)n;
    b->buffer_length = (unsigned long)n;
}

static const char *type_label(const RtType *t)
{
    switch (t->kind) {
    case VK_BOOL:
        return "BOOLEAN";
    case VK_INT:
        return "integer";
    case VK_DOUBLE:
        return "DOUBLE";
    case VK_DECIMAL:
        return "DECIMAL";
    case VK_DATE:
        return "DATE";
    case VK_TIME:
        return "TIME";
    case VK_TIMESTAMP:
        return "TIMESTAMP";
    case VK_TIMESTAMP_LTZ:
        return "TIMESTAMP_LTZ";
    default:
        return "value of this type";
    }
}

static const char *bad(char *why, size_t whylen, const char *txt, size_t n,
                       const RtType *t, const char *reason)
{
    if (n > 60)
        n = 60;
    snprintf(why, whylen, "'%.*s' is not a valid %s (%s)", (int)n, txt,
             type_label(t), reason);
    return why;
}

static bool is_mysql_int_type(enum enum_field_types ft)
{
    return ft == MYSQL_TYPE_TINY || ft == MYSQL_TYPE_SHORT ||
           ft == MYSQL_TYPE_LONG || ft == MYSQL_TYPE_INT24 ||
           ft == MYSQL_TYPE_LONGLONG || ft == MYSQL_TYPE_YEAR;
}

const char *jdbc_mysql_value(const char *p, size_t n, enum enum_field_types ft,
                             const RtType *t, Arena *a, const TimeZone *tz,
                             Value *v, char *why, size_t whylen)
{
    v->kind = (uint8_t)t->kind;
    v->is_null = false;
    v->u.d.lo = 0;
    v->u.d.hi = 0;
    if (t->kind == VK_STRING || t->kind == VK_BYTES) {
        char *dst = n ? arena_alloc(a, n) : NULL;
        if (n)
            memcpy(dst, p, n);
        v->u.s.ptr = dst ? dst : "";
        v->u.s.len = (uint32_t)n;
        return NULL;
    }
    char num[24];
    if (ft == MYSQL_TYPE_BIT) {
        /* BIT(n): big-endian bytes; read as the number they hold. */
        uint64_t x = 0;
        for (size_t i = 0; i < n && i < 8; i++)
            x = (x << 8) | (unsigned char)p[i];
        n = (size_t)snprintf(num, sizeof num, "%llu", (unsigned long long)x);
        p = num;
    }
    if (t->kind == VK_BOOL) {
        /* TINYINT(1) / BIT(1): 0 is false, any other integer true. */
        bool b;
        if (textconv_bool(p, n, &b) == NULL) {
            v->u.i = b;
            return NULL;
        }
        RtType bt = {VK_INT, 0, -1, 0, true};
        int64_t x;
        if (textconv_int(&bt, p, n, &x) != NULL)
            return bad(why, whylen, p, n, t, "not a boolean");
        v->u.i = x != 0;
        return NULL;
    }
    if ((t->kind == VK_DATE || t->kind == VK_TIMESTAMP ||
         t->kind == VK_TIMESTAMP_LTZ) &&
        n >= 10 && memcmp(p, "0000-00-00", 10) == 0)
        return bad(why, whylen, p, n, t, "a zero date");
    if (t->kind == VK_TIMESTAMP_LTZ && ft == MYSQL_TYPE_TIMESTAMP)
        tz = NULL; /* an instant, shown in the session zone UTC */
    if (t->kind == VK_TIME && is_mysql_int_type(ft))
        return bad(why, whylen, p, n, t, "a number");
    const char *r = textconv_value(t, p, n, a, tz, v);
    if (r)
        return bad(why, whylen, p, n, t, r);
    /* TIME(p) / TIMESTAMP(p) with p < 3 keep p fraction digits. */
    if (t->precision >= 0 && t->precision < 3 &&
        (t->kind == VK_TIME || t->kind == VK_TIMESTAMP ||
         t->kind == VK_TIMESTAMP_LTZ)) {
        int64_t unit = t->precision == 0 ? 1000 : t->precision == 1 ? 100 : 10;
        v->u.i -= time_floor_mod(v->u.i, unit);
    }
    return NULL;
}

/* ---- the lookup reader --------------------------------------------------- */

/* Size buckets of the IN list: 1, 2, 4, ... up to the batch size. */
#define MAX_BUCKETS 12

typedef enum FailureMode { FAIL_JOB, FAIL_NULL } FailureMode;

typedef struct MysqlLookup MysqlLookup;

/* One connection of the pool, with its statements and buffers, and the
 * work of the current call while a thread runs it. */
typedef struct MyConn {
    MysqlLookup *r;
    MYSQL *m;
    MYSQL_STMT *st[MAX_BUCKETS];
    MYSQL_BIND *pbind; /* max bucket * n_keys */
    MyParam *params;
    MYSQL_BIND *rbind; /* n_keys + n_fields result columns */
    char **rbuf;
    unsigned long *rcap, *rlen;
    my_bool *rnull, *rerr;
    char *big; /* a long value (fetch_column) */
    size_t big_cap;
    /* work */
    const Value *keys; /* n * n_keys */
    uint32_t n;
    int bucket; /* statement used, -1 when none */
    int rc;     /* FSQL_OK, LOOKUP_DEGRADED or an error */
    FsqlErr err;
    pthread_t thread;
    bool has_thread; /* worker started (connections 1..) */
    bool has_work;   /* work handed to the worker, not done */
    /* counters (added to the reader's after each call) */
    uint64_t queries, retries, reconnects;
} MyConn;

struct MysqlLookup {
    LookupReader base;
    MyConfig cfg;
    const TimeZone *tz;
    FILE *log;
    uint32_t nk, nf;    /* key columns, returned fields */
    uint32_t *key_cols; /* xmalloc copies for base.spec */
    uint32_t *fields;
    RtType *key_types;             /* probe key types */
    RtType *field_types;           /* declared types of the fields */
    enum enum_field_types *col_ft; /* MySQL type of each result column */
    const char **col_names;        /* for messages */
    uint32_t n_buckets;
    uint32_t bucket_size[MAX_BUCKETS];
    char *sql[MAX_BUCKETS]; /* statement text per bucket */
    int64_t batch_size;
    int64_t max_retries;
    FailureMode failure_mode;
    bool is_down; /* gave up; one attempt per call until OK */
    uint32_t n_conns;
    MyConn *conns;
    /* results of a call */
    Value *stage;        /* staged rows: n_fields values each */
    uint32_t *stage_key; /* key index of each staged row */
    size_t stage_n, stage_cap;
    Value *rows; /* grouped rows (returned) */
    size_t rows_cap;
    LookupRows one; /* get(): out of a one-key call */
    bool print_stats;
    /* the async pool's workers (connections 1..n_conns-1) */
    pthread_mutex_t mu;
    pthread_cond_t cv_work, cv_done;
    uint32_t n_busy;
    bool stopping;
    /* counters */
    uint64_t n_calls, n_keys, n_queries, n_retries, n_reconnects, n_failed_keys;
};

static void conn_drop(MyConn *c)
{
    for (uint32_t i = 0; i < MAX_BUCKETS; i++)
        if (c->st[i]) {
            mysql_stmt_close(c->st[i]);
            c->st[i] = NULL;
        }
    if (c->m) {
        mysql_close(c->m);
        c->m = NULL;
    }
}

/* Prepare the statement of bucket b on c (connected). */
static int conn_prepare(MyConn *c, uint32_t b, FsqlErr *err)
{
    MysqlLookup *r = c->r;
    if (c->st[b])
        return FSQL_OK;
    MYSQL_STMT *st = mysql_stmt_init(c->m);
    if (!st)
        return fsql_err_set(err, FSQL_E_IO, "%s: out of memory",
                            r->cfg.url_safe);
    if (mysql_stmt_prepare(st, r->sql[b], (unsigned long)strlen(r->sql[b]))) {
        unsigned code = mysql_stmt_errno(st);
        fsql_err_set(err, FSQL_E_IO, "%s: table \"%s\": %s", r->cfg.url_safe,
                     r->cfg.table_name, mysql_stmt_error(st));
        if (err)
            err->retriable = jdbc_mysql_err_is_retriable(code);
        if (jdbc_mysql_err_is_conn(code))
            conn_drop(c);
        mysql_stmt_close(st);
        return FSQL_E_IO;
    }
    c->st[b] = st;
    return FSQL_OK;
}

/* One attempt: (re)connect, prepare, bind, execute, buffer the result. */
static int conn_try(MyConn *c, bool *conn_failed, FsqlErr *err)
{
    MysqlLookup *r = c->r;
    *conn_failed = false;
    if (!c->m) {
        int rc = jdbc_mysql_connect(&r->cfg, &c->m, err);
        if (rc < 0) {
            *conn_failed = true;
            return rc;
        }
        c->reconnects++;
    }
    int b = c->bucket;
    int rc = conn_prepare(c, (uint32_t)b, err);
    if (rc < 0)
        return rc;
    MYSQL_STMT *st = c->st[b];
    uint32_t size = r->bucket_size[b], nk = r->nk;
    for (uint32_t i = 0; i < size; i++) {
        const Value *key = c->keys + (size_t)(i < c->n ? i : c->n - 1) * nk;
        for (uint32_t k = 0; k < nk; k++)
            jdbc_mysql_bind_value(&c->pbind[i * nk + k], &c->params[i * nk + k],
                                  &key[k], &r->key_types[k], r->tz);
    }
    c->queries++;
    if (mysql_stmt_bind_param(st, c->pbind) || mysql_stmt_execute(st) ||
        mysql_stmt_bind_result(st, c->rbind) || mysql_stmt_store_result(st)) {
        unsigned code = mysql_stmt_errno(st);
        fsql_err_set(err, FSQL_E_IO, "%s: lookup in table \"%s\" failed: %s",
                     r->cfg.url_safe, r->cfg.table_name, mysql_stmt_error(st));
        if (err)
            err->retriable = jdbc_mysql_err_is_retriable(code);
        mysql_stmt_free_result(st);
        if (jdbc_mysql_err_is_conn(code) || code == 0)
            conn_drop(c);
        return FSQL_E_IO;
    }
    return FSQL_OK;
}

/* Run c's work with retries; sets c->rc. */
static void conn_run(MyConn *c)
{
    MysqlLookup *r = c->r;
    int64_t conn_fail_start = -1;
    int query_fails = 0;
    int attempt = 0;
    for (;;) {
        bool conn_failed;
        fsql_err_clear(&c->err);
        int rc = conn_try(c, &conn_failed, &c->err);
        if (rc == FSQL_OK) {
            if (attempt > 0)
                fprintf(r->log,
                        "fsql: table \"%s\": lookup query succeeded after "
                        "%d retr%s\n",
                        r->base.table->name, attempt,
                        attempt == 1 ? "y" : "ies");
            c->rc = FSQL_OK;
            return;
        }
        attempt++;
        bool give_up;
        if (!c->err.retriable) {
            give_up = true;
        } else if (r->is_down) {
            give_up = true; /* fail fast until the server answers again */
        } else if (conn_failed) {
            int64_t now = jdbc_mysql_now_ms();
            if (conn_fail_start < 0)
                conn_fail_start = now;
            give_up = now - conn_fail_start >= r->cfg.max_retry_timeout_ms;
        } else {
            conn_fail_start = -1;
            give_up = ++query_fails > r->max_retries;
        }
        if (give_up) {
            c->rc = rc;
            return;
        }
        int64_t b = jdbc_mysql_backoff_ms(attempt);
        c->retries++;
        fprintf(r->log,
                "fsql: warning: table \"%s\": %s; retrying in %lld ms "
                "(%s)\n",
                r->base.table->name, c->err.msg, (long long)b,
                conn_failed ? "reconnecting" : "lookup.max-retries");
        jdbc_mysql_sleep_ms(b);
    }
}

/* A pool worker: runs the work handed to its connection until close. */
static void *conn_thread(void *arg)
{
    MyConn *c = arg;
    MysqlLookup *r = c->r;
    mysql_thread_init();
    pthread_mutex_lock(&r->mu);
    for (;;) {
        while (!c->has_work && !r->stopping)
            pthread_cond_wait(&r->cv_work, &r->mu);
        if (!c->has_work)
            break;
        pthread_mutex_unlock(&r->mu);
        conn_run(c);
        pthread_mutex_lock(&r->mu);
        c->has_work = false;
        if (--r->n_busy == 0)
            pthread_cond_signal(&r->cv_done);
    }
    pthread_mutex_unlock(&r->mu);
    mysql_thread_end();
    return NULL;
}

/* Grow the staging area for one more row. */
static Value *stage_row(MysqlLookup *r, uint32_t key_idx)
{
    if (r->stage_n == r->stage_cap) {
        r->stage_cap = r->stage_cap ? r->stage_cap * 2 : 64;
        r->stage = xrealloc(r->stage,
                            sizeof(Value) * r->stage_cap * (r->nf ? r->nf : 1));
        r->stage_key = xrealloc(r->stage_key, sizeof(uint32_t) * r->stage_cap);
    }
    r->stage_key[r->stage_n] = key_idx;
    return r->stage + r->stage_n++ * r->nf;
}

/* The bytes of result column i of the current row of st (fetching a long
 * value into c->big). */
static const char *col_bytes(MyConn *c, MYSQL_STMT *st, uint32_t i, size_t *n)
{
    unsigned long len = c->rlen[i];
    if (len <= c->rcap[i]) {
        *n = len;
        return c->rbuf[i];
    }
    if (len + 1 > c->big_cap) {
        c->big_cap = len + 1;
        c->big = xrealloc(c->big, c->big_cap);
    }
    MYSQL_BIND b;
    memset(&b, 0, sizeof b);
    unsigned long got = 0;
    b.buffer_type = MYSQL_TYPE_STRING;
    b.buffer = c->big;
    b.buffer_length = (unsigned long)c->big_cap;
    b.length = &got;
    mysql_stmt_fetch_column(st, &b, i, 0);
    *n = got < len ? got : len;
    return c->big;
}

/* Decode the buffered result of c into the staging area (loop thread):
 * each row goes to the key it equals (exactly); rows equal to no key (a
 * collation match the batch did not ask for) are dropped. */
static int conn_collect(MyConn *c, uint32_t key_base, Arena *a, FsqlErr *err)
{
    MysqlLookup *r = c->r;
    MYSQL_STMT *st = c->st[c->bucket];
    uint32_t nk = r->nk, nf = r->nf;
    Value kv[8];
    Value *kvals = nk <= 8 ? kv : xmalloc(sizeof(Value) * nk);
    int rc = FSQL_OK;
    for (;;) {
        int fr = mysql_stmt_fetch(st);
        if (fr == MYSQL_NO_DATA)
            break;
        if (fr == 1) {
            rc = fsql_err_set(
                err, FSQL_E_IO, "%s: lookup in table \"%s\" failed: %s",
                r->cfg.url_safe, r->cfg.table_name, mysql_stmt_error(st));
            break;
        }
        char why[200];
        bool key_null = false, key_bad = false;
        for (uint32_t k = 0; k < nk; k++) {
            if (c->rnull[k]) {
                key_null = true;
                break;
            }
            size_t n;
            const char *p = col_bytes(c, st, k, &n);
            if (jdbc_mysql_value(p, n, r->col_ft[k], &r->key_types[k], a, r->tz,
                                 &kvals[k], why, sizeof why)) {
                key_bad = true;
                break;
            }
        }
        if (key_null || key_bad)
            continue;
        /* Which keys of this connection's work does the row belong to?
         * (Duplicates are removed by the caller, so at most one.) */
        uint32_t hit = UINT32_MAX;
        for (uint32_t i = 0; i < c->n && hit == UINT32_MAX; i++) {
            const Value *key = c->keys + (size_t)i * nk;
            bool eq = true;
            for (uint32_t k = 0; k < nk && eq; k++)
                eq = value_equal(&key[k], &kvals[k], &r->key_types[k]);
            if (eq)
                hit = i;
        }
        if (hit == UINT32_MAX)
            continue;
        Value *row = stage_row(r, key_base + hit);
        for (uint32_t f = 0; f < nf; f++) {
            uint32_t col = nk + f;
            if (c->rnull[col]) {
                row[f] = value_null(r->field_types[f].kind);
                continue;
            }
            size_t n;
            const char *p = col_bytes(c, st, col, &n);
            const char *m =
                jdbc_mysql_value(p, n, r->col_ft[col], &r->field_types[f], a,
                                 r->tz, &row[f], why, sizeof why);
            if (m) {
                rc = fsql_err_set(
                    err, FSQL_E_DATA, "%s: table \"%s\", column \"%s\": %s",
                    r->cfg.url_safe, r->cfg.table_name, r->col_names[f], m);
                break;
            }
        }
        if (rc < 0)
            break;
    }
    mysql_stmt_free_result(st);
    if (kvals != kv)
        xfree(kvals);
    return rc;
}

/* The smallest bucket that holds n keys. */
static int bucket_for(const MysqlLookup *r, uint32_t n)
{
    for (uint32_t b = 0; b < r->n_buckets; b++)
        if (r->bucket_size[b] >= n)
            return (int)b;
    return (int)r->n_buckets - 1;
}

static int mysql_lookup_get_many(LookupReader *lr, uint32_t n,
                                 const Value *keys, Arena *a, LookupRows *out,
                                 FsqlErr *err)
{
    MysqlLookup *r = (MysqlLookup *)lr;
    uint32_t nk = r->nk, nf = r->nf;
    r->stage_n = 0;
    r->n_calls++;
    r->n_keys += n;
    bool *failed = NULL;
    bool any_failed = false;
    int result = FSQL_OK;
    uint32_t bs = (uint32_t)r->batch_size;
    /* With a pool, spread the keys over the connections (batches of at
     * least 8 keys): a chunk's misses then run concurrently. */
    if (r->n_conns > 1 && n > 8) {
        uint32_t per = (n + r->n_conns - 1) / r->n_conns;
        if (per < 8)
            per = 8;
        if (per < bs)
            bs = per;
    }
    uint32_t n_batches = (n + bs - 1) / bs;
    for (uint32_t b0 = 0; b0 < n_batches && result >= 0;) {
        /* One round: up to n_conns batches at once. */
        uint32_t nr = n_batches - b0;
        if (nr > r->n_conns)
            nr = r->n_conns;
        for (uint32_t j = 0; j < nr; j++) {
            MyConn *c = &r->conns[j];
            uint32_t first = (b0 + j) * bs;
            c->keys = keys + (size_t)first * nk;
            c->n = n - first < bs ? n - first : bs;
            c->bucket = bucket_for(r, c->n);
            c->rc = FSQL_OK;
            c->queries = c->retries = c->reconnects = 0;
        }
        /* Hand batches 1.. to the pool's workers, run batch 0 here. */
        bool inline_run[64] = {false};
        if (nr > 1) {
            pthread_mutex_lock(&r->mu);
            for (uint32_t j = 1; j < nr; j++) {
                MyConn *c = &r->conns[j];
                if (!c->has_thread)
                    c->has_thread =
                        pthread_create(&c->thread, NULL, conn_thread, c) == 0;
                if (!c->has_thread) {
                    inline_run[j] = true;
                    continue;
                }
                c->has_work = true;
                r->n_busy++;
            }
            pthread_cond_broadcast(&r->cv_work);
            pthread_mutex_unlock(&r->mu);
        }
        conn_run(&r->conns[0]);
        for (uint32_t j = 1; j < nr; j++)
            if (inline_run[j])
                conn_run(&r->conns[j]);
        if (nr > 1) {
            pthread_mutex_lock(&r->mu);
            while (r->n_busy > 0)
                pthread_cond_wait(&r->cv_done, &r->mu);
            pthread_mutex_unlock(&r->mu);
        }
        for (uint32_t j = 0; j < nr; j++) {
            MyConn *c = &r->conns[j];
            uint32_t first = (b0 + j) * bs;
            r->n_queries += c->queries;
            r->n_retries += c->retries;
            r->n_reconnects += c->reconnects;
            if (c->rc == FSQL_OK) {
                int rc = conn_collect(c, first, a, err);
                if (rc < 0) {
                    result = rc;
                    break;
                }
                continue;
            }
            /* Gave up on this batch. */
            if (r->failure_mode == FAIL_JOB || c->err.code == FSQL_E_DATA) {
                if (err)
                    *err = c->err;
                if (c->err.retriable)
                    fsql_err_set(err, FSQL_E_IO,
                                 "table \"%s\": %s (gave up after the "
                                 "retries: lookup.max-retries %lld, "
                                 "connection.max-retry-timeout %lld ms)",
                                 r->base.table->name, c->err.msg,
                                 (long long)r->max_retries,
                                 (long long)r->cfg.max_retry_timeout_ms);
                result = FSQL_E_IO;
                break;
            }
            if (!r->is_down)
                fprintf(r->log,
                        "fsql: warning: table \"%s\": %s; rows pass without "
                        "dimension columns until the server answers again "
                        "(lookup.failure-mode 'NULL')\n",
                        r->base.table->name, c->err.msg);
            r->is_down = true;
            if (!failed)
                failed = xcalloc(n, sizeof *failed);
            for (uint32_t i = 0; i < c->n; i++)
                failed[first + i] = true;
            r->n_failed_keys += c->n;
            any_failed = true;
        }
        /* A round that fully succeeded means the server is back. */
        bool all_ok = true;
        for (uint32_t j = 0; j < nr; j++)
            all_ok &= r->conns[j].rc == FSQL_OK;
        if (all_ok && r->is_down) {
            r->is_down = false;
            fprintf(r->log,
                    "fsql: table \"%s\": the MySQL server answers again; "
                    "lookups resumed\n",
                    r->base.table->name);
        }
        b0 += nr;
    }
    if (result < 0) {
        xfree(failed);
        return result;
    }
    /* Group the staged rows by key (counting sort, stable). */
    if (r->rows_cap < r->stage_n || !r->rows) {
        r->rows_cap = r->stage_n > 16 ? r->stage_n : 16;
        xfree(r->rows);
        r->rows = xmalloc(sizeof(Value) * r->rows_cap * (nf ? nf : 1));
    }
    for (uint32_t i = 0; i < n; i++)
        out[i].n_rows = 0;
    for (size_t s = 0; s < r->stage_n; s++)
        out[r->stage_key[s]].n_rows++;
    size_t pos = 0;
    for (uint32_t i = 0; i < n; i++) {
        out[i].rows = r->rows + pos * nf;
        pos += out[i].n_rows;
        out[i].n_rows = 0;
    }
    for (size_t s = 0; s < r->stage_n; s++) {
        LookupRows *o = &out[r->stage_key[s]];
        memcpy((Value *)o->rows + (size_t)o->n_rows * nf, r->stage + s * nf,
               sizeof(Value) * nf);
        o->n_rows++;
    }
    if (any_failed) {
        for (uint32_t i = 0; i < n; i++)
            if (failed[i]) {
                out[i].n_rows = 0;
                out[i].rows = NULL;
            }
        xfree(failed);
        return LOOKUP_DEGRADED;
    }
    return FSQL_OK;
}

static int mysql_lookup_get(LookupReader *lr, const Value *key, Arena *a,
                            LookupRows *out, FsqlErr *err)
{
    MysqlLookup *r = (MysqlLookup *)lr;
    for (uint32_t k = 0; k < r->nk; k++)
        if (key[k].is_null) {
            out->n_rows = 0;
            out->rows = r->rows;
            return FSQL_OK;
        }
    return mysql_lookup_get_many(lr, 1, key, a, out, err);
}

static void mysql_lookup_close(LookupReader *lr)
{
    MysqlLookup *r = (MysqlLookup *)lr;
    if (r->print_stats)
        fprintf(r->log,
                "lookup %s (mysql): calls %llu, keys %llu, queries %llu, "
                "retries %llu, connects %llu, failed keys %llu\n",
                r->base.table->name, (unsigned long long)r->n_calls,
                (unsigned long long)r->n_keys, (unsigned long long)r->n_queries,
                (unsigned long long)r->n_retries,
                (unsigned long long)r->n_reconnects,
                (unsigned long long)r->n_failed_keys);
    pthread_mutex_lock(&r->mu);
    r->stopping = true;
    pthread_cond_broadcast(&r->cv_work);
    pthread_mutex_unlock(&r->mu);
    for (uint32_t i = 0; i < r->n_conns; i++)
        if (r->conns[i].has_thread)
            pthread_join(r->conns[i].thread, NULL);
    pthread_mutex_destroy(&r->mu);
    pthread_cond_destroy(&r->cv_work);
    pthread_cond_destroy(&r->cv_done);
    for (uint32_t i = 0; i < r->n_conns; i++) {
        MyConn *c = &r->conns[i];
        conn_drop(c);
        xfree(c->pbind);
        xfree(c->params);
        xfree(c->rbind);
        for (uint32_t k = 0; k < r->nk + r->nf; k++)
            xfree(c->rbuf[k]);
        xfree(c->rbuf);
        xfree(c->rcap);
        xfree(c->rlen);
        xfree(c->rnull);
        xfree(c->rerr);
        xfree(c->big);
    }
    xfree(r->conns);
    for (uint32_t b = 0; b < r->n_buckets; b++)
        xfree(r->sql[b]);
    xfree(r->key_cols);
    xfree(r->fields);
    xfree(r->key_types);
    xfree(r->field_types);
    xfree(r->col_ft);
    xfree(r->col_names);
    xfree(r->stage);
    xfree(r->stage_key);
    xfree(r->rows);
    xfree(r);
}

static const LookupVtbl mysql_lookup_vtbl = {
    .get = mysql_lookup_get,
    .close = mysql_lookup_close,
    .batch_end = NULL,
    .get_many = mysql_lookup_get_many,
};

/* SELECT k..., f... FROM t WHERE <n keys> */
static char *build_sql(const MysqlLookup *r, const TableDef *t, uint32_t n)
{
    StrBuf sql;
    strbuf_init(&sql);
    strbuf_puts(&sql, "SELECT ");
    for (uint32_t k = 0; k < r->nk; k++) {
        if (k)
            strbuf_puts(&sql, ", ");
        jdbc_mysql_quote_ident(&sql, t->schema.cols[r->key_cols[k]].name);
    }
    for (uint32_t f = 0; f < r->nf; f++) {
        strbuf_puts(&sql, ", ");
        jdbc_mysql_quote_ident(&sql, t->schema.cols[r->fields[f]].name);
    }
    strbuf_puts(&sql, " FROM ");
    jdbc_mysql_quote_ident(&sql, r->cfg.table_name);
    strbuf_puts(&sql, " WHERE ");
    if (r->nk == 1) {
        jdbc_mysql_quote_ident(&sql, t->schema.cols[r->key_cols[0]].name);
        if (n == 1) {
            strbuf_puts(&sql, " = ?");
        } else {
            strbuf_puts(&sql, " IN (");
            for (uint32_t i = 0; i < n; i++)
                strbuf_puts(&sql, i ? ", ?" : "?");
            strbuf_putc(&sql, ')');
        }
    } else {
        for (uint32_t i = 0; i < n; i++) {
            strbuf_puts(&sql, i ? " OR (" : "(");
            for (uint32_t k = 0; k < r->nk; k++) {
                if (k)
                    strbuf_puts(&sql, " AND ");
                jdbc_mysql_quote_ident(&sql,
                                       t->schema.cols[r->key_cols[k]].name);
                strbuf_puts(&sql, " = ?");
            }
            strbuf_putc(&sql, ')');
        }
    }
    char *s = xstrdup(strbuf_cstr(&sql));
    strbuf_fini(&sql);
    return s;
}

/* Allocate c's bind arrays and result buffers. */
static void conn_init(MysqlLookup *r, MyConn *c)
{
    memset(c, 0, sizeof *c);
    c->r = r;
    c->bucket = -1;
    uint32_t np = r->bucket_size[r->n_buckets - 1] * r->nk;
    uint32_t nc = r->nk + r->nf;
    c->pbind = xcalloc(np, sizeof *c->pbind);
    c->params = xcalloc(np, sizeof *c->params);
    c->rbind = xcalloc(nc, sizeof *c->rbind);
    c->rbuf = xcalloc(nc, sizeof *c->rbuf);
    c->rcap = xcalloc(nc, sizeof *c->rcap);
    c->rlen = xcalloc(nc, sizeof *c->rlen);
    c->rnull = xcalloc(nc, sizeof *c->rnull);
    c->rerr = xcalloc(nc, sizeof *c->rerr);
    for (uint32_t i = 0; i < nc; i++) {
        c->rcap[i] = 128;
        c->rbuf[i] = xmalloc(c->rcap[i]);
        MYSQL_BIND *b = &c->rbind[i];
        b->buffer_type = MYSQL_TYPE_STRING;
        b->buffer = c->rbuf[i];
        b->buffer_length = c->rcap[i];
        b->length = &c->rlen[i];
        b->is_null = &c->rnull[i];
        b->error = &c->rerr[i];
    }
}

int jdbc_mysql_open_lookup(const TableDef *t, const LookupSpec *spec,
                           const RunCtx *ctx, LookupReader **out, FsqlErr *err)
{
    *out = NULL;
    MysqlLookup *r = xcalloc(1, sizeof *r);
    int rc = jdbc_mysql_config(t, &r->cfg, err);
    int64_t conns = 4;
    bool async = false;
    if (rc == FSQL_OK)
        rc = table_opt_int(t, "lookup.max-retries", 3, &r->max_retries, err);
    if (rc == FSQL_OK)
        rc = table_opt_int(t, "lookup.batch-size", 64, &r->batch_size, err);
    if (rc == FSQL_OK)
        rc = table_opt_bool(t, "lookup.async", false, &async, err);
    if (rc == FSQL_OK)
        rc = table_opt_int(t, "lookup.async.connections", 4, &conns, err);
    const char *fm = table_def_option_or(t, "lookup.failure-mode", "FAIL");
    if (rc == FSQL_OK && strcasecmp(fm, "FAIL") != 0 &&
        strcasecmp(fm, "NULL") != 0)
        rc = fsql_err_set(err, FSQL_E_CONFIG,
                          "table \"%s\": option 'lookup.failure-mode' must "
                          "be FAIL or NULL, not \"%s\"",
                          t->name, fm);
    if (rc < 0) {
        xfree(r);
        return rc;
    }
    r->failure_mode = strcasecmp(fm, "NULL") == 0 ? FAIL_NULL : FAIL_JOB;
    if (r->batch_size < 1)
        r->batch_size = 1;
    if (r->batch_size > 1024)
        r->batch_size = 1024;
    if (r->max_retries < 0)
        r->max_retries = 0;
    r->n_conns = async ? (uint32_t)(conns < 1    ? 1
                                    : conns > 64 ? 64
                                                 : conns)
                       : 1;
    r->base.v = &mysql_lookup_vtbl;
    r->base.table = t;
    r->tz = ctx ? ctx->tz : NULL;
    r->log = ctx && ctx->err_out ? ctx->err_out : stderr;
    const char *ps = getenv("FSQL_LOOKUP_STATS");
    r->print_stats = ps && *ps && strcmp(ps, "0") != 0;
    uint32_t nk = spec->n_keys, nf = spec->n_fields;
    r->nk = nk;
    r->nf = nf;
    r->key_cols = xmalloc(sizeof(uint32_t) * (nk + 1));
    r->key_types = xmalloc(sizeof(RtType) * (nk + 1));
    r->fields = xmalloc(sizeof(uint32_t) * (nf + 1));
    r->field_types = xmalloc(sizeof(RtType) * (nf + 1));
    r->col_names = xmalloc(sizeof(char *) * (nf + 1));
    for (uint32_t i = 0; i < nk; i++) {
        r->key_cols[i] = spec->key_cols[i];
        r->key_types[i] = spec->key_types
                              ? spec->key_types[i]
                              : t->schema.cols[spec->key_cols[i]].type;
    }
    for (uint32_t i = 0; i < nf; i++) {
        r->fields[i] = spec->fields[i];
        r->field_types[i] = t->schema.cols[spec->fields[i]].type;
        r->col_names[i] = t->schema.cols[spec->fields[i]].name;
    }
    r->base.spec.n_keys = nk;
    r->base.spec.key_cols = r->key_cols;
    r->base.spec.key_types = r->key_types;
    r->base.spec.n_fields = nf;
    r->base.spec.fields = r->fields;
    r->rows_cap = 16;
    r->rows = xmalloc(sizeof(Value) * r->rows_cap * (nf ? nf : 1));
    /* Buckets 1, 2, 4, ... and the batch size itself. */
    for (uint32_t s = 1;; s *= 2) {
        uint32_t size =
            s < (uint32_t)r->batch_size ? s : (uint32_t)r->batch_size;
        r->bucket_size[r->n_buckets] = size;
        r->sql[r->n_buckets] = build_sql(r, t, size);
        r->n_buckets++;
        if (size == (uint32_t)r->batch_size || r->n_buckets == MAX_BUCKETS)
            break;
    }
    r->batch_size = r->bucket_size[r->n_buckets - 1];
    pthread_mutex_init(&r->mu, NULL);
    pthread_cond_init(&r->cv_work, NULL);
    pthread_cond_init(&r->cv_done, NULL);
    r->conns = xcalloc(r->n_conns, sizeof *r->conns);
    for (uint32_t i = 0; i < r->n_conns; i++)
        conn_init(r, &r->conns[i]);

    /* Connect and prepare every bucket now: a wrong password, a missing
     * table or column fails the job before any row is read. */
    MyConn *c0 = &r->conns[0];
    rc = jdbc_mysql_connect_retry(&r->cfg, "lookup", &c0->m, err);
    for (uint32_t b = 0; rc == FSQL_OK && b < r->n_buckets; b++)
        rc = conn_prepare(c0, b, err);
    if (rc == FSQL_OK) {
        MYSQL_RES *meta = mysql_stmt_result_metadata(c0->st[0]);
        uint32_t nc = nk + nf;
        r->col_ft = xcalloc(nc, sizeof *r->col_ft);
        if (meta) {
            MYSQL_FIELD *fl = mysql_fetch_fields(meta);
            for (uint32_t i = 0; i < nc && i < mysql_num_fields(meta); i++)
                r->col_ft[i] = fl[i].type;
            mysql_free_result(meta);
        }
    }
    if (rc < 0) {
        char msg[sizeof err->msg];
        snprintf(msg, sizeof msg, "%s", err->msg);
        fsql_err_set(err, FSQL_E_IO, "table \"%s\": %s", t->name, msg);
        mysql_lookup_close(&r->base);
        return FSQL_E_IO;
    }
    *out = &r->base;
    return FSQL_OK;
}
