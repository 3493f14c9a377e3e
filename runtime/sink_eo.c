/*
 * sink_eo.c - the delivery-guarantee option, progress keys and the epoch
 * row buffer of exactly-once sinks (see sink_eo.h).
 */
#include "runtime/fsql.h"
#include "runtime/sink_eo.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* 2: rows in the compact codec below (1 used snap_put_value). */
#define EPOCH_BLOB_VERSION 2u

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

/* ---- the row codec -------------------------------------------------------
 *
 * A row: u8 row kind, then per column a header byte - ValueKind in the low
 * 4 bits, 0x80 for NULL, 0x40 for a DECIMAL that fits in 64 bits - and the
 * payload: integers, dates, times, timestamps, intervals, booleans and
 * small decimals as a zigzag varint, DOUBLE as 8 bytes, wide DECIMAL as
 * 16, strings and bytes as a varint length and the bytes.  About a third
 * of snap_put_value's size for typical rows, and no call per field. */

#define HDR_NULL 0x80u
#define HDR_DEC64 0x40u

static size_t put_varint(uint8_t *p, uint64_t x)
{
    size_t n = 0;
    while (x >= 0x80) {
        p[n++] = (uint8_t)(x | 0x80);
        x >>= 7;
    }
    p[n++] = (uint8_t)x;
    return n;
}

static uint64_t zigzag(int64_t x)
{
    return ((uint64_t)x << 1) ^ (uint64_t)(x >> 63);
}

static int64_t unzigzag(uint64_t x)
{
    return (int64_t)(x >> 1) ^ -(int64_t)(x & 1);
}

void epoch_rows_add(EpochRows *e, RowKind kind, const Value *row)
{
    SnapWriter *w = &e->cur;
    /* Fixed-size parts first: header + at most 16 payload bytes each. */
    size_t fixed = 1 + (size_t)e->n_cols * 17;
    uint8_t *p = snap_writer_reserve(w, fixed);
    size_t n = 0;
    p[n++] = (uint8_t)kind;
    for (uint32_t c = 0; c < e->n_cols; c++) {
        const Value *v = &row[c];
        uint8_t hdr = (uint8_t)(v->kind & 0x0f);
        if (v->is_null) {
            p[n++] = (uint8_t)(hdr | HDR_NULL);
            continue;
        }
        switch ((ValueKind)v->kind) {
        case VK_DOUBLE:
            p[n++] = hdr;
            memcpy(p + n, &v->u.f, 8);
            n += 8;
            break;
        case VK_DECIMAL:
            if (v->u.d.hi == ((int64_t)v->u.d.lo >> 63)) {
                p[n++] = (uint8_t)(hdr | HDR_DEC64);
                n += put_varint(p + n, zigzag((int64_t)v->u.d.lo));
            } else {
                p[n++] = hdr;
                memcpy(p + n, &v->u.d.lo, 8);
                memcpy(p + n + 8, &v->u.d.hi, 8);
                n += 16;
            }
            break;
        case VK_STRING:
        case VK_BYTES:
            p[n++] = hdr;
            n += put_varint(p + n, v->u.s.len);
            /* The bytes may not fit the fixed part: grow (p moves). */
            w->len += n;
            p = snap_writer_reserve(w, v->u.s.len + fixed);
            if (v->u.s.len)
                memcpy(p, v->u.s.ptr, v->u.s.len);
            w->len += v->u.s.len;
            p = w->buf + w->len; /* room for `fixed` more was reserved */
            n = 0;
            break;
        case VK_NULLTYPE:
            p[n++] = hdr;
            break;
        default: /* BOOL, INT, DATE, TIME, TIMESTAMP(_LTZ), INTERVAL */
            p[n++] = hdr;
            n += put_varint(p + n, zigzag(v->u.i));
            break;
        }
    }
    w->len += n;
    e->cur_rows++;
}

static bool get_varint(SnapReader *r, uint64_t *out)
{
    uint64_t x = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (r->p >= r->end)
            return false;
        uint8_t b = *r->p++;
        x |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = x;
            return true;
        }
    }
    return false;
}

/* One row from r into kind/row; false (r->bad) when malformed. */
static bool get_row(SnapReader *r, uint32_t n_cols, uint8_t *kind, Value *row)
{
    if (r->p >= r->end)
        return false;
    *kind = *r->p++;
    for (uint32_t c = 0; c < n_cols; c++) {
        if (r->p >= r->end)
            return false;
        uint8_t hdr = *r->p++;
        ValueKind k = (ValueKind)(hdr & 0x0f);
        if (k > VK_INTERVAL_MONTHS)
            return false;
        Value *v = &row[c];
        *v = value_null(k);
        if (hdr & HDR_NULL)
            continue;
        v->is_null = false;
        uint64_t x;
        switch (k) {
        case VK_DOUBLE:
            if (r->end - r->p < 8)
                return false;
            memcpy(&v->u.f, r->p, 8);
            r->p += 8;
            break;
        case VK_DECIMAL:
            if (hdr & HDR_DEC64) {
                if (!get_varint(r, &x))
                    return false;
                int64_t lo = unzigzag(x);
                v->u.d.lo = (uint64_t)lo;
                v->u.d.hi = lo >> 63;
            } else {
                if (r->end - r->p < 16)
                    return false;
                memcpy(&v->u.d.lo, r->p, 8);
                memcpy(&v->u.d.hi, r->p + 8, 8);
                r->p += 16;
            }
            break;
        case VK_STRING:
        case VK_BYTES:
            if (!get_varint(r, &x) || x > (uint64_t)(r->end - r->p) ||
                x > UINT32_MAX)
                return false;
            v->u.s.ptr = (const char *)r->p;
            v->u.s.len = (uint32_t)x;
            r->p += x;
            break;
        case VK_NULLTYPE:
            v->is_null = true;
            break;
        default:
            if (!get_varint(r, &x))
                return false;
            v->u.i = unzigzag(x);
            break;
        }
    }
    return true;
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
            if (!get_row(&c->r, e->n_cols, kind, row)) {
                c->r.bad = true;
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
