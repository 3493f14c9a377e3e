/*
 * kafka.c - the librdkafka layer shared by the Kafka connectors: client
 * configuration, error objects, the acknowledgement log, the producer
 * registry and the key/value record codec.  See kafka.h.
 */
#include "runtime/fsql.h"
#include "runtime/kafka.h"

#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ---- configuration ------------------------------------------------------ */

bool kafka_key_is_secret(const char *key)
{
    return strstr(key, "password") || strstr(key, "secret") ||
           strstr(key, "sasl.jaas.config") || strstr(key, "ssl.key") ||
           strstr(key, "token");
}

const char *kafka_property(const TableDef *t, const char *name)
{
    for (uint32_t i = 0; i < t->n_opts; i++)
        if (strncmp(t->keys[i], "properties.", 11) == 0 &&
            strcmp(t->keys[i] + 11, name) == 0)
            return t->values[i];
    return NULL;
}

/* librdkafka log lines and client errors go to stderr, "fsql: kafka: ...",
 * with a repeated line shown at most every 10 seconds (a broker that is
 * down would otherwise print one line per reconnect attempt).  The log
 * callback runs on librdkafka's threads, hence the lock. */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
    uint64_t hash;
    time_t at;
} log_seen[16];

static uint64_t text_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s && *s != '('; s++) {
        /* Digits and the parenthesized detail vary between otherwise
         * equal lines (ms, suppressed counts). */
        if (isdigit((unsigned char)*s))
            continue;
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    }
    return h;
}

static void log_line(const char *fmt, ...) FSQL_PRINTF(1, 2);
static void log_line(const char *fmt, ...)
{
    char buf[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    uint64_t h = text_hash(buf);
    time_t now = time(NULL);
    pthread_mutex_lock(&log_lock);
    size_t slot = 0;
    bool show = true;
    for (size_t i = 0; i < FSQL_ARRAY_LEN(log_seen); i++) {
        if (log_seen[i].hash == h) {
            show = now - log_seen[i].at >= 10;
            slot = i;
            break;
        }
        if (log_seen[i].at < log_seen[slot].at)
            slot = i;
    }
    if (show) {
        log_seen[slot].hash = h;
        log_seen[slot].at = now;
        fprintf(stderr, "fsql: kafka: %s\n", buf);
    }
    pthread_mutex_unlock(&log_lock);
}

/* Set when a table asks for librdkafka's debug contexts
 * ('properties.debug'): every log line is shown then, unthrottled. */
static bool log_debug;

static void on_log(const rd_kafka_t *rk, int level, const char *fac,
                   const char *buf)
{
    (void)rk;
    if (log_debug) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        fprintf(stderr, "fsql: kafka: %lld.%03ld %s %s\n", (long long)ts.tv_sec,
                ts.tv_nsec / 1000000, fac, buf);
        return;
    }
    /* Without debug, errors reach the user through on_error (which
     * librdkafka calls for the same events), once. */
    (void)level;
    (void)fac;
    (void)buf;
}

static void on_error(rd_kafka_t *rk, int code, const char *reason, void *opaque)
{
    (void)opaque;
    if (code == RD_KAFKA_RESP_ERR__FATAL) {
        char why[400];
        rd_kafka_resp_err_t orig = rd_kafka_fatal_error(rk, why, sizeof why);
        FsqlErr e;
        kafka_err_set(&e, orig, "fatal Kafka client error: %s", why);
        e.fatal = true;
        kafka_delivery_fail(&e);
        return;
    }
    if (code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN)
        log_line("no Kafka broker is reachable (%s); retrying", reason);
    else
        log_line("%s (retrying)", reason);
}

/* 'properties.sasl.jaas.config' is a Java client setting; librdkafka
 * takes the user name and password directly.  Pull username="..." and
 * password="..." out of it. */
static bool jaas_value(const char *cfg, const char *name, char *out, size_t n)
{
    size_t nl = strlen(name);
    for (const char *p = cfg; (p = strstr(p, name)) != NULL; p += nl) {
        if (p > cfg && (isalnum((unsigned char)p[-1]) || p[-1] == '.'))
            continue;
        const char *q = p + nl;
        while (*q == ' ')
            q++;
        if (*q != '=')
            continue;
        q++;
        while (*q == ' ')
            q++;
        if (*q != '"')
            continue;
        q++;
        const char *e = strchr(q, '"');
        if (!e || (size_t)(e - q) >= n)
            return false;
        memcpy(out, q, (size_t)(e - q));
        out[e - q] = '\0';
        return true;
    }
    return false;
}

static int conf_put(rd_kafka_conf_t *conf, const TableDef *t, const char *name,
                    const char *value, FsqlErr *err)
{
    char errstr[512];
    rd_kafka_conf_res_t r =
        rd_kafka_conf_set(conf, name, value, errstr, sizeof errstr);
    if (r == RD_KAFKA_CONF_OK)
        return FSQL_OK;
    if (r == RD_KAFKA_CONF_UNKNOWN) {
        /* Java client settings (serializers, interceptors) have no
         * librdkafka counterpart; Flink passes them on the same way. */
        fprintf(stderr,
                "fsql: warning: table \"%s\": Kafka property '%s' is not "
                "known to librdkafka; ignored\n",
                t->name, name);
        return FSQL_OK;
    }
    if (kafka_key_is_secret(name))
        return fsql_err_set(err, FSQL_E_CONFIG,
                            "table \"%s\": invalid value for Kafka property "
                            "'%s'",
                            t->name, name);
    return fsql_err_set(err, FSQL_E_CONFIG,
                        "table \"%s\": invalid Kafka property 'properties.%s': "
                        "%s",
                        t->name, name, errstr);
}

int kafka_conf_new(const TableDef *t, const char *role, rd_kafka_conf_t **out,
                   FsqlErr *err)
{
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    int rc = FSQL_OK;
    char cid[160];
    snprintf(cid, sizeof cid, "fsql-%s-%s", role, t->name);
    rc = conf_put(conf, t, "client.id", cid, err);
    for (uint32_t i = 0; i < t->n_opts && rc == FSQL_OK; i++) {
        const char *k = t->keys[i];
        if (strncmp(k, "properties.", 11) != 0)
            continue;
        const char *name = k + 11;
        const char *v = t->values[i];
        if (strcmp(name, "sasl.jaas.config") == 0) {
            char user[256], pass[256];
            if (!jaas_value(v, "username", user, sizeof user) ||
                !jaas_value(v, "password", pass, sizeof pass)) {
                rc = fsql_err_set(err, FSQL_E_CONFIG,
                                  "table \"%s\": 'properties.sasl.jaas.config' "
                                  "has no username=\"...\" and "
                                  "password=\"...\"",
                                  t->name);
                break;
            }
            rc = conf_put(conf, t, "sasl.username", user, err);
            if (rc == FSQL_OK)
                rc = conf_put(conf, t, "sasl.password", pass, err);
            memset(pass, 0, sizeof pass);
            continue;
        }
        if (strcmp(name, "key.deserializer") == 0 ||
            strcmp(name, "value.deserializer") == 0 ||
            strcmp(name, "key.serializer") == 0 ||
            strcmp(name, "value.serializer") == 0)
            continue; /* fsql's formats do this */
        rc = conf_put(conf, t, name, v, err);
    }
    if (rc < 0) {
        rd_kafka_conf_destroy(conf);
        *out = NULL;
        return rc;
    }
    if (kafka_property(t, "debug"))
        log_debug = true;
    rd_kafka_conf_set_log_cb(conf, on_log);
    rd_kafka_conf_set_error_cb(conf, on_error);
    *out = conf;
    return FSQL_OK;
}

/* ---- errors ------------------------------------------------------------- */

static bool err_is_retriable(rd_kafka_resp_err_t e)
{
    switch (e) {
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
    case RD_KAFKA_RESP_ERR__QUEUE_FULL:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
    case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
    case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS:
    case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION:
    case RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_COORDINATOR:
        return true;
    default:
        return false;
    }
}

int kafka_err_set(FsqlErr *err, rd_kafka_resp_err_t code, const char *what, ...)
{
    if (!err)
        return FSQL_E_IO;
    char buf[400];
    va_list ap;
    va_start(ap, what);
    vsnprintf(buf, sizeof buf, what, ap);
    va_end(ap);
    fsql_err_set(err, FSQL_E_IO, "%s: %s", buf, rd_kafka_err2str(code));
    err->retriable = err_is_retriable(code);
    err->fatal = !err->retriable;
    return FSQL_E_IO;
}

/* ---- acknowledgement log ------------------------------------------------ */

/* Records base..next-1 are in flight or acknowledged out of order; done[]
 * is a ring indexed by seq & (cap - 1). */
static struct {
    uint64_t base, next;
    uint8_t *done;
    uint64_t cap;
} acks;

uint64_t kafka_ack_mark(void)
{
    return acks.next;
}

uint64_t kafka_ack_reserve(void)
{
    if (acks.next - acks.base == acks.cap) {
        uint64_t ncap = acks.cap ? acks.cap * 2 : 4096;
        uint8_t *nd = xcalloc(ncap, 1);
        for (uint64_t s = acks.base; s < acks.next; s++)
            nd[s & (ncap - 1)] = acks.done[s & (acks.cap - 1)];
        xfree(acks.done);
        acks.done = nd;
        acks.cap = ncap;
    }
    uint64_t seq = acks.next++;
    acks.done[seq & (acks.cap - 1)] = 0;
    return seq;
}

void kafka_ack_done(uint64_t seq)
{
    if (seq < acks.base || seq >= acks.next)
        return;
    acks.done[seq & (acks.cap - 1)] = 1;
    while (acks.base < acks.next && acks.done[acks.base & (acks.cap - 1)]) {
        acks.done[acks.base & (acks.cap - 1)] = 0;
        acks.base++;
    }
}

bool kafka_ack_reached(uint64_t mark)
{
    return acks.base >= mark;
}

/* ---- client lifetime ------------------------------------------------------ */

static uint32_t n_open_clients;
static FsqlErr delivery_err;
static bool delivery_failed;

void kafka_client_opened(void)
{
    if (n_open_clients++ == 0) {
        delivery_failed = false;
        acks.base = acks.next;
    }
}

void kafka_client_closed(void)
{
    if (n_open_clients > 0)
        n_open_clients--;
}

/* ---- producer registry --------------------------------------------------- */

static rd_kafka_t *producers[64];
static uint32_t n_producers;

void kafka_producers_poll(void)
{
    for (uint32_t i = 0; i < n_producers; i++)
        rd_kafka_poll(producers[i], 0);
}

void kafka_producer_register(rd_kafka_t *rk)
{
    if (n_producers < FSQL_ARRAY_LEN(producers))
        producers[n_producers++] = rk;
}

void kafka_producer_unregister(rd_kafka_t *rk)
{
    for (uint32_t i = 0; i < n_producers; i++) {
        if (producers[i] == rk) {
            producers[i] = producers[--n_producers];
            return;
        }
    }
}

int kafka_delivery_fail(const FsqlErr *e)
{
    if (!delivery_failed) {
        delivery_err = *e;
        delivery_failed = true;
    }
    return delivery_err.code ? delivery_err.code : FSQL_E_IO;
}

int kafka_delivery_error(FsqlErr *err)
{
    if (!delivery_failed)
        return FSQL_OK;
    if (err)
        *err = delivery_err;
    return delivery_err.code ? delivery_err.code : FSQL_E_IO;
}

/* ---- record codec --------------------------------------------------------- */

/* Option "<prefix><fmt>.<name>", else "<fmt>.<name>". */
static const char *fmt_opt(const TableDef *t, const char *prefix,
                           const char *fmt, const char *name)
{
    char k[160];
    if (prefix) {
        snprintf(k, sizeof k, "%s%s.%s", prefix, fmt, name);
        const char *v = table_def_option(t, k);
        if (v)
            return v;
    }
    snprintf(k, sizeof k, "%s.%s", fmt, name);
    return table_def_option(t, k);
}

static int fmt_bool(const TableDef *t, const char *prefix, const char *fmt,
                    const char *name, bool *out, FsqlErr *err)
{
    const char *v = fmt_opt(t, prefix, fmt, name);
    *out = false;
    if (!v)
        return FSQL_OK;
    if (strcasecmp(v, "true") == 0)
        *out = true;
    else if (strcasecmp(v, "false") != 0)
        return fsql_err_set(err, FSQL_E_CONFIG,
                            "table \"%s\": option '%s.%s' must be true or "
                            "false, not \"%s\"",
                            t->name, fmt, name, v);
    return FSQL_OK;
}

static int fmt_char(const TableDef *t, const char *prefix, const char *fmt,
                    const char *name, char def, char *out, FsqlErr *err)
{
    const char *v = fmt_opt(t, prefix, fmt, name);
    *out = def;
    if (!v)
        return FSQL_OK;
    if (strcmp(v, "\\t") == 0)
        *out = '\t';
    else if (strlen(v) == 1)
        *out = v[0];
    else
        return fsql_err_set(err, FSQL_E_CONFIG,
                            "table \"%s\": option '%s.%s' must be a single "
                            "character, not \"%s\"",
                            t->name, fmt, name, v);
    return FSQL_OK;
}

int kafka_codec_init(KafkaCodec *c, const TableDef *t, const RunCtx *ctx,
                     const char *fmt_name, const char *opt_prefix,
                     const uint32_t *cols, uint32_t n, const char *strip,
                     bool decode, bool encode, FsqlErr *err)
{
    memset(c, 0, sizeof *c);
    c->fmt_name = fmt_name;
    if (strcasecmp(fmt_name, "json") == 0)
        c->fmt = KFMT_JSON;
    else if (strcasecmp(fmt_name, "csv") == 0)
        c->fmt = KFMT_CSV;
    else if (strcasecmp(fmt_name, "raw") == 0)
        c->fmt = KFMT_RAW;
    else
        return fsql_err_set(err, FSQL_E_UNSUPPORTED,
                            "table \"%s\": the Kafka connectors cannot use "
                            "format \"%s\" yet (json, csv and raw work)",
                            t->name, fmt_name);
    c->n = n;
    c->cols = xcalloc(n + 1, sizeof(uint32_t));
    c->schema.n_cols = n;
    c->schema.cols = xcalloc(n + 1, sizeof(RtColumn));
    c->tmp = xcalloc(n + 1, sizeof(Value));
    size_t sl = strip ? strlen(strip) : 0;
    c->identity = n == t->schema.n_cols;
    for (uint32_t i = 0; i < n; i++) {
        c->cols[i] = cols[i];
        c->identity = c->identity && cols[i] == i;
        c->schema.cols[i] = t->schema.cols[cols[i]];
        const char *nm = c->schema.cols[i].name;
        if (sl && strncmp(nm, strip, sl) == 0)
            c->schema.cols[i].name = nm + sl;
    }
    const char *fmt = c->fmt == KFMT_JSON  ? "json"
                      : c->fmt == KFMT_CSV ? "csv"
                                           : "raw";
    int rc;
    if (c->fmt == KFMT_RAW) {
        if (n != 1 || (c->schema.cols[0].type.kind != VK_STRING &&
                       c->schema.cols[0].type.kind != VK_BYTES))
            return fsql_err_set(err, FSQL_E_CONFIG,
                                "table \"%s\": the raw format needs exactly "
                                "one STRING or BYTES column in the %s",
                                t->name,
                                opt_prefix && strcmp(opt_prefix, "key.") == 0
                                    ? "record key"
                                    : "record value");
        return FSQL_OK;
    }
    ValueFmt vf = {.tz = ctx->tz, .style = VALUE_STYLE_SQL, .null_text = NULL};
    if (c->fmt == KFMT_JSON) {
        JsonOptions jo;
        memset(&jo, 0, sizeof jo);
        bool b;
        if ((rc = fmt_bool(t, opt_prefix, fmt, "fail-on-missing-field", &b,
                           err)) < 0)
            return rc;
        jo.fail_on_missing_field = b;
        if ((rc = fmt_bool(t, opt_prefix, fmt, "ignore-parse-errors", &b,
                           err)) < 0)
            return rc;
        jo.ignore_parse_errors = b;
        jo.tz = ctx->tz;
        c->ignore_parse_errors = b;
        if (decode)
            c->jd = json_decoder_new(&c->schema, &jo);
        if (encode) {
            JsonEncOptions eo;
            if ((rc = json_enc_options_of(t, opt_prefix, &eo, err)) < 0)
                return rc;
            c->je = json_encoder_new(&c->schema, &vf);
            json_encoder_set_options(c->je, &eo);
        }
        return FSQL_OK;
    }
    CsvOptions *o = &c->copt;
    csv_options_init(o);
    bool b;
    if ((rc = fmt_char(t, opt_prefix, fmt, "field-delimiter", ',',
                       &o->field_delimiter, err)) < 0 ||
        (rc = fmt_char(t, opt_prefix, fmt, "quote-character", '"',
                       &o->quote_char, err)) < 0 ||
        (rc = fmt_char(t, opt_prefix, fmt, "escape-character", '\0',
                       &o->escape_char, err)) < 0)
        return rc;
    if ((rc = fmt_bool(t, opt_prefix, fmt, "disable-quote-character", &b,
                       err)) < 0)
        return rc;
    o->disable_quote_char = b;
    if ((rc = fmt_bool(t, opt_prefix, fmt, "allow-comments", &b, err)) < 0)
        return rc;
    o->allow_comments = b;
    if ((rc = fmt_bool(t, opt_prefix, fmt, "ignore-parse-errors", &b, err)) < 0)
        return rc;
    o->ignore_parse_errors = b;
    c->ignore_parse_errors = b;
    o->null_literal = fmt_opt(t, opt_prefix, fmt, "null-literal");
    o->tz = ctx->tz;
    if (decode)
        c->cd = csv_decoder_new(&c->schema, o);
    if (encode)
        c->ce = csv_encoder_new(&c->schema, o, &vf);
    return FSQL_OK;
}

void kafka_codec_fini(KafkaCodec *c)
{
    if (c->jd)
        json_decoder_free(c->jd);
    if (c->cd)
        csv_decoder_free(c->cd);
    if (c->je)
        json_encoder_free(c->je);
    if (c->ce)
        csv_encoder_free(c->ce);
    xfree(c->cols);
    xfree(c->schema.cols);
    xfree(c->tmp);
    memset(c, 0, sizeof *c);
}

int kafka_codec_decode(KafkaCodec *c, const char *p, size_t len, Arena *a,
                       Value *row, char *why, size_t why_n)
{
    int rc;
    if (c->fmt == KFMT_RAW) {
        Value *v = &row[c->cols[0]];
        v->kind = (uint8_t)c->schema.cols[0].type.kind;
        v->is_null = p == NULL;
        v->u.s.ptr = p ? p : "";
        v->u.s.len = (uint32_t)len;
        return 0;
    }
    if (!p)
        return 2; /* a record without this part */
    if (c->fmt == KFMT_JSON) {
        JsonError e;
        e.msg[0] = '\0';
        rc = json_decode(c->jd, p, len, a, c->identity ? row : c->tmp, &e);
        if (rc == JSON_ERROR || rc == JSON_SKIP)
            snprintf(why, why_n, "%s", e.msg);
        rc = rc == JSON_ERROR   ? -1
             : rc == JSON_SKIP  ? 1
             : rc == JSON_BLANK ? 2
                                : 0;
    } else {
        CsvError e;
        e.msg[0] = '\0';
        rc = csv_decode(c->cd, p, len, a, c->identity ? row : c->tmp, &e);
        if (rc == CSV_ERROR || rc == CSV_SKIP)
            snprintf(why, why_n, "%s", e.msg);
        rc = rc == CSV_ERROR   ? -1
             : rc == CSV_SKIP  ? 1
             : rc == CSV_BLANK ? 2
                               : 0;
    }
    if (rc == 0 && !c->identity)
        for (uint32_t i = 0; i < c->n; i++)
            row[c->cols[i]] = c->tmp[i];
    return rc;
}

const char *kafka_codec_failed(const KafkaCodec *c)
{
    return c->fmt == KFMT_JSON && c->je ? json_encoder_failed(c->je) : NULL;
}

void kafka_codec_encode(KafkaCodec *c, const Value *row, StrBuf *out)
{
    strbuf_clear(out);
    for (uint32_t i = 0; i < c->n; i++)
        c->tmp[i] = row[c->cols[i]];
    if (c->fmt == KFMT_JSON)
        json_encoder_row(c->je, out, c->tmp);
    else if (c->fmt == KFMT_CSV)
        csv_encoder_row(c->ce, out, c->tmp);
    else if (!c->tmp[0].is_null)
        strbuf_append(out, c->tmp[0].u.s.ptr, c->tmp[0].u.s.len);
}

int kafka_fields_parse(const TableDef *t, const char *opt_name,
                       const char *list, const char *prefix, uint32_t **out,
                       uint32_t *n_out, bool skip_missing, FsqlErr *err)
{
    (void)prefix;
    uint32_t n = 0, cap = 4;
    uint32_t *cols = xmalloc(sizeof(uint32_t) * cap);
    const char *p = list;
    while (p && *p) {
        while (*p == ' ')
            p++;
        const char *e = strchr(p, ';');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        size_t l2 = len;
        while (l2 && p[l2 - 1] == ' ')
            l2--;
        if (l2) {
            int32_t found = -1;
            for (uint32_t c = 0; c < t->schema.n_cols; c++) {
                const char *nm = t->schema.cols[c].name;
                if (strlen(nm) == l2 && strncmp(nm, p, l2) == 0 &&
                    !(t->metadata_keys && t->metadata_keys[c])) {
                    found = (int32_t)c;
                    break;
                }
            }
            if (found < 0 && !skip_missing) {
                xfree(cols);
                return fsql_err_set(err, FSQL_E_CONFIG,
                                    "table \"%s\": option '%s' names column "
                                    "\"%.*s\", which the table does not have",
                                    t->name, opt_name, (int)l2, p);
            }
            if (found >= 0) {
                if (n == cap) {
                    cap *= 2;
                    cols = xrealloc(cols, sizeof(uint32_t) * cap);
                }
                cols[n++] = (uint32_t)found;
            }
        }
        p = e ? e + 1 : NULL;
    }
    *out = cols;
    *n_out = n;
    return FSQL_OK;
}
