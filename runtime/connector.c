/*
 * connector.c - the connector registry and option helpers (see
 * connector.h).
 */
#include "runtime/fsql.h"
#include "runtime/connector.h"
#include "runtime/checkpoint.h"
#include "runtime/metrics.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define X(c) extern const ConnectorImpl conn_##c##_impl;
CONNECTOR_IMPLS(X)
#undef X

static const ConnectorImpl *const impls[] = {
#define X(c) &conn_##c##_impl,
    CONNECTOR_IMPLS(X)
#undef X
};

const ConnectorImpl *connector_impl_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < FSQL_ARRAY_LEN(impls); i++)
        if (strcasecmp(impls[i]->name, name) == 0)
            return impls[i];
    return NULL;
}

int connector_open_source(const TableDef *t, const RunCtx *ctx,
                          SourceReader **out, FsqlErr *err)
{
    const ConnectorImpl *c = connector_impl_find(t->connector);
    *out = NULL;
    if (!c || !c->open_source)
        return fsql_err_set(err, FSQL_E_UNSUPPORTED,
                            "cannot read table \"%s\": the runtime has no "
                            "'%s' source yet",
                            t->name, t->connector);
    return c->open_source(t, ctx, out, err);
}

int connector_open_sink(const TableDef *t, const RunCtx *ctx, SinkWriter **out,
                        FsqlErr *err)
{
    const ConnectorImpl *c = connector_impl_find(t->connector);
    *out = NULL;
    if (!c || !c->open_sink)
        return fsql_err_set(err, FSQL_E_UNSUPPORTED,
                            "cannot write table \"%s\": the runtime has no "
                            "'%s' sink yet",
                            t->name, t->connector);
    return c->open_sink(t, ctx, out, err);
}

int connector_open_lookup(const TableDef *t, const LookupSpec *spec,
                          const RunCtx *ctx, LookupReader **out, FsqlErr *err)
{
    const ConnectorImpl *c = connector_impl_find(t->connector);
    *out = NULL;
    if (!c || !c->open_lookup)
        return fsql_err_set(err, FSQL_E_UNSUPPORTED,
                            "cannot look up table \"%s\": the runtime has "
                            "no '%s' lookup source yet",
                            t->name, t->connector);
    int rc = c->open_lookup(t, spec, ctx, out, err);
    /* Metrics (issue 10): time the reader's loads for the operator that
     * is opening; the reader itself when metrics are off. */
    if (rc == FSQL_OK && *out)
        *out = metrics_lookup_wrap(*out);
    return rc;
}

int table_opt_bool(const TableDef *t, const char *key, bool def, bool *out,
                   FsqlErr *err)
{
    const char *v = table_def_option(t, key);
    *out = def;
    if (!v)
        return FSQL_OK;
    if (strcasecmp(v, "true") == 0)
        *out = true;
    else if (strcasecmp(v, "false") == 0)
        *out = false;
    else
        return fsql_err_set(err, FSQL_E_CONFIG,
                            "table \"%s\": option '%s' must be true or "
                            "false, not \"%s\"",
                            t->name, key, v);
    return FSQL_OK;
}

int table_opt_int(const TableDef *t, const char *key, int64_t def, int64_t *out,
                  FsqlErr *err)
{
    const char *v = table_def_option(t, key);
    *out = def;
    if (!v)
        return FSQL_OK;
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (errno || end == v || *end)
        return fsql_err_set(err, FSQL_E_CONFIG,
                            "table \"%s\": option '%s' must be an integer, "
                            "not \"%s\"",
                            t->name, key, v);
    *out = x;
    return FSQL_OK;
}

int conn_parse_duration_ms(const char *s, int64_t *ms)
{
    static const struct {
        const char *name;
        int64_t ms;
    } units[] = {
        {"ms", 1},           {"milli", 1},        {"millis", 1},
        {"millisecond", 1},  {"milliseconds", 1}, {"s", 1000},
        {"sec", 1000},       {"secs", 1000},      {"second", 1000},
        {"seconds", 1000},   {"m", 60000},        {"min", 60000},
        {"mins", 60000},     {"minute", 60000},   {"minutes", 60000},
        {"h", 3600000},      {"hour", 3600000},   {"hours", 3600000},
        {"d", 86400000},     {"day", 86400000},   {"days", 86400000},
    };
    while (isspace((unsigned char)*s))
        s++;
    if (!isdigit((unsigned char)*s))
        return -1;
    char *end;
    errno = 0;
    long long n = strtoll(s, &end, 10);
    if (errno)
        return -1;
    while (isspace((unsigned char)*end))
        end++;
    size_t ul = strlen(end);
    while (ul && isspace((unsigned char)end[ul - 1]))
        ul--;
    if (ul == 0) {
        *ms = n; /* Flink: a bare number is milliseconds */
        return 0;
    }
    for (size_t i = 0; i < FSQL_ARRAY_LEN(units); i++)
        if (strlen(units[i].name) == ul &&
            strncasecmp(end, units[i].name, ul) == 0) {
            *ms = n * units[i].ms;
            return 0;
        }
    return -1;
}

int table_opt_duration(const TableDef *t, const char *key, int64_t def,
                       int64_t *out, FsqlErr *err)
{
    const char *v = table_def_option(t, key);
    *out = def;
    if (!v)
        return FSQL_OK;
    if (conn_parse_duration_ms(v, out) < 0)
        return fsql_err_set(err, FSQL_E_CONFIG,
                            "table \"%s\": option '%s' must be a duration "
                            "such as '1 s', not \"%s\"",
                            t->name, key, v);
    return FSQL_OK;
}

/* ---- scan positions ----------------------------------------------------- */

#define SCAN_POS_LAYOUT 1u

void conn_scan_pos_snapshot(SnapWriter *w, uint64_t row_no, bool is_done)
{
    snap_put_u32(w, SCAN_POS_LAYOUT);
    snap_put_u64(w, row_no);
    snap_put_bool(w, is_done);
}

int conn_scan_pos_restore(SnapReader *r, const TableDef *t, uint64_t *row_no,
                          uint64_t *skip, bool *is_done, FsqlErr *err)
{
    uint32_t layout = snap_get_u32(r);
    uint64_t rows = snap_get_u64(r);
    bool done = snap_get_bool(r);
    if (layout != SCAN_POS_LAYOUT || !snap_reader_done(r))
        return fsql_err_set(err, FSQL_E_STATE,
                            "table \"%s\": malformed scan position", t->name);
    *row_no = rows;
    *skip = done ? 0 : rows;
    *is_done = done;
    return FSQL_OK;
}
