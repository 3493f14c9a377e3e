/*
 * jdbc_mysql.h - MySQL/MariaDB behind the jdbc connector (libmysqlclient,
 * i.e. MariaDB Connector/C): the URL and option parsing, connecting with
 * timeouts and TLS, value <-> MySQL conversions, and the error
 * classification that the lookup reader (lookup_mysql.c) and the sink
 * (sink_mysql.c) share.
 *
 * URLs: jdbc:mysql://host[:port][/db][?k=v&...] (also jdbc:mariadb://).
 * Always TCP (as JDBC): "localhost" means 127.0.0.1:3306, not the Unix
 * socket.  Query parameters user, password, sslMode/useSSL,
 * connectTimeout and socketTimeout (milliseconds, as Connector/J) are
 * read; table options win over them.  The query string is never printed:
 * messages show jdbc_mysql_url_safe(), the URL up to '?'.
 *
 * Passwords: the password is passed to mysql_real_connect() and nowhere
 * else; no message of this module contains it (server messages such as
 * "Access denied for user 'u'@'h' (using password: YES)" do not either).
 *
 * Threading: a MyConfig is read-only after jdbc_mysql_config(); a
 * connection (MYSQL *) is used by one thread at a time.
 */
#ifndef FSQL_RUNTIME_JDBC_MYSQL_H
#define FSQL_RUNTIME_JDBC_MYSQL_H

#include "runtime/fsql.h"
#include "runtime/connector.h"
#include "runtime/err.h"
#include "runtime/mem.h"
#include "runtime/program.h"
#include "runtime/str.h"
#include "runtime/timeutil.h"
#include "runtime/value.h"

#include <mysql.h>

typedef enum MyTlsMode {
    MY_TLS_DISABLED,
    MY_TLS_PREFERRED,
    MY_TLS_REQUIRED,
    MY_TLS_VERIFY_CA,
    MY_TLS_VERIFY_IDENTITY
} MyTlsMode;

typedef struct MyConfig {
    const TableDef *table;
    char url_safe[512]; /* the URL without its query string */
    char host[256];
    unsigned port;
    char db[256];
    char user[256];
    const char *password;   /* borrowed (TableDef option or URL copy);
                               never printed */
    char url_password[256]; /* a password given in the URL query */
    const char *table_name; /* borrowed */
    int64_t connect_timeout_ms;
    int64_t read_timeout_ms;
    int64_t max_retry_timeout_ms; /* connection.max-retry-timeout */
    MyTlsMode tls;
    const char *tls_ca, *tls_cert, *tls_key; /* borrowed, may be NULL */
} MyConfig;

/* Parse the url and connection options of t into cfg.  Bad URLs and
 * option values are FSQL_E_CONFIG. */
int jdbc_mysql_config(const TableDef *t, MyConfig *cfg, FsqlErr *err);

/* Connect (one attempt).  On failure err says "could not connect to
 * MySQL server "host:port": <server message>" with err->retriable set
 * when trying again may help (server down or restarting), not for
 * access denied or an unknown database. */
int jdbc_mysql_connect(const MyConfig *cfg, MYSQL **out, FsqlErr *err);

/* Connect, retrying retriable failures with backoff for up to
 * connection.max-retry-timeout; each retry is reported on stderr. */
int jdbc_mysql_connect_retry(const MyConfig *cfg, const char *what, MYSQL **out,
                             FsqlErr *err);

/* Errors after which the connection is unusable (reconnect), and errors
 * worth retrying at all (those plus lock waits, deadlocks, shutdown). */
bool jdbc_mysql_err_is_conn(unsigned code);
bool jdbc_mysql_err_is_retriable(unsigned code);

/* Append `name` quoted as a MySQL identifier. */
void jdbc_mysql_quote_ident(StrBuf *sb, const char *name);

/* Milliseconds of the monotonic clock; sleep ms. */
int64_t jdbc_mysql_now_ms(void);
void jdbc_mysql_sleep_ms(int64_t ms);
/* Backoff before retry number `attempt` (1-based): 100 ms doubling, at
 * most 2 s. */
int64_t jdbc_mysql_backoff_ms(int attempt);

/* One bound parameter: the MYSQL_BIND plus the storage it points at. */
typedef struct MyParam {
    long long i;
    double f;
    unsigned long len;
    my_bool is_null;
    char txt[64];
} MyParam;

/* Fill b (and its storage p) for v of type t.  Strings and bytes point
 * at v's bytes (which must stay valid until the statement has run);
 * DECIMAL goes as exact text, DATE/TIME/TIMESTAMP as text, TIMESTAMP_LTZ
 * as the wall clock in tz, BOOLEAN as 0/1. */
void jdbc_mysql_bind_value(MYSQL_BIND *b, MyParam *p, const Value *v,
                           const RtType *t, const TimeZone *tz);

/* Convert the text form p[0..n) of a MySQL value (column of MySQL type
 * ft) to a value of type t; strings are copied into a.  NULL when fine,
 * else a reason phrase formatted into why. */
const char *jdbc_mysql_value(const char *p, size_t n, enum enum_field_types ft,
                             const RtType *t, Arena *a, const TimeZone *tz,
                             Value *v, char *why, size_t whylen);

/* The jdbc connector's MySQL back ends (called from conn_jdbc.c). */
int jdbc_mysql_open_lookup(const TableDef *t, const LookupSpec *spec,
                           const RunCtx *ctx, LookupReader **out, FsqlErr *err);
int jdbc_mysql_open_sink(const TableDef *t, const RunCtx *ctx, SinkWriter **out,
                         FsqlErr *err);
/* The bounded scan (scan_mysql.c). */
int jdbc_mysql_open_source(const TableDef *t, const RunCtx *ctx,
                           SourceReader **out, FsqlErr *err);

#endif
