/*
 * connector.c - the connector registry and option helpers (see
 * connector.h).
 */
#include "runtime/fsql.h"
#include "runtime/connector.h"
#include "runtime/metrics.h"

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
