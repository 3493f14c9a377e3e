/*
 * conn_blackhole.c - the 'blackhole' connector: a sink that discards
 * every row (benchmarks, dry runs).  Rows still count as written.
 */
#include "runtime/fsql.h"
#include "runtime/connector.h"

static int bh_write(SinkWriter *w, const Batch *b, FsqlErr *err)
{
    (void)w;
    (void)b;
    (void)err;
    return FSQL_OK;
}

static void bh_close(SinkWriter *w)
{
    xfree(w);
}

static const SinkVtbl bh_vtbl = {
    .write = bh_write,
    .flush = NULL,
    .close = bh_close,
};

static int bh_open_sink(const TableDef *t, const RunCtx *ctx, SinkWriter **out,
                        FsqlErr *err)
{
    (void)ctx;
    (void)err;
    SinkWriter *w = xcalloc(1, sizeof *w);
    w->v = &bh_vtbl;
    w->table = t;
    *out = w;
    return FSQL_OK;
}

const ConnectorImpl conn_blackhole_impl = {
    .name = "blackhole",
    .open_sink = bh_open_sink,
};
