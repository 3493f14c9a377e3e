/*
 * sink_eo.c - the delivery-guarantee option, progress keys and the epoch
 * row buffer of exactly-once sinks (see sink_eo.h).
 */
#include "runtime/fsql.h"
#include "runtime/sink_eo.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define EPOCH_BLOB_VERSION 1u

int sink_guarantee_of(const TableDef *t, const RunCtx *ctx,
                      SinkGuarantee *out, FsqlErr *err)
{
    const char *v = table_def_option(t, "sink.delivery-guarantee");
    if (!v)
        v = table_def_option(t, "sink.semantic");
    *out = SINK_GUARANTEE_AT_LEAST_ONCE;
    if (!v || strcasecmp(v, "at-least-once") == 0)
        return FSQL_OK;
    if (strcasecmp(v, "none") == 0) {
        *out = SINK_GUARANTEE_NONE;
        return FSQL_OK;
    }
    if (strcasecmp(v, "exactly-once") != 0)
        return fsql_err_set(err, FSQL_E_CONFIG,
                            "table \"%s\": 'sink.delivery-guarantee' must be "
                            "'none', 'at-least-once' or 'exactly-once', not "
                            "'%s'",
                            t->name, v);
    if (!ctx || !ctx->checkpointing)
        return fsql_err_set(err, FSQL_E_CONFIG,
                            "table \"%s\": 'sink.delivery-guarantee' = "
                            "'exactly-once' needs checkpoints: pass "
                            "--checkpoint-dir DIR or SET "
                            "'state.checkpoints.dir'",
                            t->name);
    *out = SINK_GUARANTEE_EXACTLY_ONCE;
    return FSQL_OK;
}

/* ---- progress keys ------------------------------------------------------ */

typedef struct LiveKey {
    struct LiveKey *next;
    char space[32];
    char job[256];
    char key[300];
} LiveKey;

static LiveKey *live_keys; /* loop thread only */

static bool key_live(const char *space, const char *job, const char *key)
{
    for (LiveKey *k = live_keys; k; k = k->next)
        if (strcmp(k->space, space) == 0 && strcmp(k->job, job) == 0 &&
            strcmp(k->key, key) == 0)
            return true;
    return false;
}

void sink_key_acquire(const char *space, const char *job, const char *table,
                      char *buf, size_t n)
{
    snprintf(buf, n, "%s", table);
    for (unsigned i = 2; key_live(space, job, buf); i++)
        snprintf(buf, n, "%s#%u", table, i);
    LiveKey *k = xcalloc(1, sizeof *k);
    snprintf(k->space, sizeof k->space, "%s", space);
    snprintf(k->job, sizeof k->job, "%s", job);
    snprintf(k->key, sizeof k->key, "%s", buf);
    k->next = live_keys;
    live_keys = k;
}

void sink_key_release(const char *space, const char *job, const char *key)
{
    for (LiveKey **pp = &live_keys; *pp; pp = &(*pp)->next) {
        LiveKey *k = *pp;
        if (strcmp(k->space, space) == 0 && strcmp(k->job, job) == 0 &&
            strcmp(k->key, key) == 0) {
            *pp = k->next;
            xfree(k);
            return;
        }
    }
}

/* ---- epoch rows --------------------------------------------------------- */

void epoch_rows_init(EpochRows *e, uint32_t n_cols)
{
    memset(e, 0, sizeof *e);
    e->n_cols = n_cols;
    snap_writer_init(&e->cur);
}

void epoch_rows_fini(EpochRows *e)
{
    snap_writer_fini(&e->cur);
    for (uint32_t i = 0; i < e->n_pend; i++)
        xfree(e->pend[i].data);
    xfree(e->pend);
    memset(e, 0, sizeof *e);
}

void epoch_rows_add(EpochRows *e, RowKind kind, const Value *row)
{
    snap_put_u8(&e->cur, (uint8_t)kind);
    snap_put_values(&e->cur, row, e->n_cols);
    e->cur_rows++;
}

static EpochPending *pend_push(EpochRows *e, uint64_t id)
{
    if (e->n_pend == e->cap_pend) {
        e->cap_pend = e->cap_pend ? e->cap_pend * 2 : 4;
        e->pend = xrealloc(e->pend, sizeof *e->pend * e->cap_pend);
    }
    EpochPending *p = &e->pend[e->n_pend++];
    memset(p, 0, sizeof *p);
    p->id = id;
    return p;
}

void epoch_rows_precommit(EpochRows *e, uint64_t id, const char *key,
                          SnapWriter *out)
{
    /* The open epoch becomes pending: its buffer is handed over. */
    EpochPending *p = pend_push(e, id);
    p->rows = e->cur_rows;
    p->data = e->cur.buf;
    p->len = e->cur.len;
    snap_writer_init(&e->cur);
    e->cur_rows = 0;

    snap_put_u32(out, EPOCH_BLOB_VERSION);
    snap_put_cstr(out, key);
    snap_put_u32(out, e->n_cols);
    snap_put_u32(out, e->n_pend);
    for (uint32_t i = 0; i < e->n_pend; i++) {
        snap_put_u64(out, e->pend[i].id);
        snap_put_u64(out, e->pend[i].rows);
        snap_put_bytes(out, e->pend[i].data, (uint32_t)e->pend[i].len);
    }
}

int epoch_rows_load(EpochRows *e, SnapReader *r, const char *key,
                    const char *table, FsqlErr *err)
{
    uint32_t ver = snap_get_u32(r);
    char kbuf[300];
    uint32_t kn = 0;
    const char *kp = snap_get_bytes(r, &kn);
    snprintf(kbuf, sizeof kbuf, "%.*s", (int)kn, kp ? kp : "");
    uint32_t n_cols = snap_get_u32(r);
    uint32_t n = snap_get_u32(r);
    if (r->bad || ver != EPOCH_BLOB_VERSION)
        return fsql_err_set(err, FSQL_E_STATE,
                            "table \"%s\": the checkpoint's pending rows "
                            "are unreadable (layout version %u)",
                            table, ver);
    if (strcmp(kbuf, key) != 0 || n_cols != e->n_cols)
        return fsql_err_set(err, FSQL_E_STATE,
                            "table \"%s\": the checkpoint's pending rows "
                            "belong to sink \"%s\" with %u columns, not to "
                            "\"%s\" with %u",
                            table, kbuf, n_cols, key, e->n_cols);
    for (uint32_t i = 0; i < n && !r->bad; i++) {
        uint64_t id = snap_get_u64(r);
        uint64_t rows = snap_get_u64(r);
        uint32_t len = 0;
        const void *p = snap_get_bytes(r, &len);
        if (r->bad)
            break;
        EpochPending *ep = pend_push(e, id);
        ep->rows = rows;
        ep->len = len;
        ep->data = xmalloc(len ? len : 1);
        if (len)
            memcpy(ep->data, p, len);
    }
    if (r->bad)
        return fsql_err_set(err, FSQL_E_STATE,
                            "table \"%s\": the checkpoint's pending rows "
                            "are truncated",
                            table);
    return FSQL_OK;
}

uint64_t epoch_rows_pending(const EpochRows *e, uint64_t upto)
{
    uint64_t n = 0;
    for (uint32_t i = 0; i < e->n_pend; i++)
        if (e->pend[i].id <= upto)
            n += e->pend[i].rows;
    return n;
}

void epoch_rows_drop(EpochRows *e, uint64_t upto)
{
    uint32_t k = 0;
    for (uint32_t i = 0; i < e->n_pend; i++) {
        if (e->pend[i].id <= upto)
            xfree(e->pend[i].data);
        else
            e->pend[k++] = e->pend[i];
    }
    e->n_pend = k;
}

void epoch_cursor_init(EpochCursor *c, const EpochRows *e, uint64_t upto)
{
    memset(c, 0, sizeof *c);
    c->e = e;
    c->upto = upto;
    c->idx = UINT32_MAX; /* no epoch open yet */
}

bool epoch_cursor_next(EpochCursor *c, uint8_t *kind, Value *row, bool *bad)
{
    const EpochRows *e = c->e;
    for (;;) {
        if (c->idx != UINT32_MAX && c->r.p < c->r.end) {
            *kind = snap_get_u8(&c->r);
            snap_get_values(&c->r, row, e->n_cols);
            if (c->r.bad) {
                *bad = true;
                return false;
            }
            return true;
        }
        c->idx = c->idx == UINT32_MAX ? 0 : c->idx + 1;
        while (c->idx < e->n_pend && e->pend[c->idx].id > c->upto)
            c->idx++;
        if (c->idx >= e->n_pend)
            return false;
        snap_reader_init(&c->r, e->pend[c->idx].data, e->pend[c->idx].len);
    }
}
