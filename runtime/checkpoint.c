/*
 * checkpoint.c - the snapshot codec (SnapWriter/SnapReader), fault
 * injection for crash tests, and the checkpoint files (issue 10).
 *
 * The design is in checkpoint.h.  This file has three parts:
 *   1. the blob codec: little-endian fixed-width integers, length-prefixed
 *      bytes, and Values; the reader never reads past the end (a short or
 *      malformed blob sets r->bad and yields zeros);
 *   2. fsql_fault(): FSQL_FAULT=<point>:<n> parsed once;
 *   3. the checkpoint file layer (checkpoint_file_* in checkpoint_int.h):
 *      DIR/chk-<id>.fsqlcp written atomically, read back with a CRC-32
 *      check, and the newest valid file found with fallback.
 */
#include "runtime/fsql.h"
#include "runtime/job.h"
#include "runtime/checkpoint.h"
#include "runtime/checkpoint_int.h"
#include "runtime/job_int.h"
#include "runtime/wm_align.h"
#include "runtime/log.h"
#include "runtime/value_map.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

/* ---- writing blobs ---------------------------------------------------- */

void snap_writer_init(SnapWriter *w)
{
    w->buf = NULL;
    w->len = 0;
    w->cap = 0;
}

void snap_writer_fini(SnapWriter *w)
{
    xfree(w->buf);
    w->buf = NULL;
    w->len = 0;
    w->cap = 0;
}

uint8_t *snap_writer_reserve(SnapWriter *w, size_t n)
{
    if (w->len + n > w->cap) {
        size_t cap = w->cap ? w->cap : 256;
        while (cap < w->len + n)
            cap *= 2;
        w->buf = xrealloc(w->buf, cap);
        w->cap = cap;
    }
    return w->buf + w->len;
}

static uint8_t *snap_writer_grow(SnapWriter *w, size_t n)
{
    uint8_t *p = snap_writer_reserve(w, n);
    w->len += n;
    return p;
}

void snap_put_u8(SnapWriter *w, uint8_t x)
{
    *snap_writer_grow(w, 1) = x;
}

void snap_put_u32(SnapWriter *w, uint32_t x)
{
    uint8_t *p = snap_writer_grow(w, 4);
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(x >> (8 * i));
}

void snap_put_u64(SnapWriter *w, uint64_t x)
{
    uint8_t *p = snap_writer_grow(w, 8);
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(x >> (8 * i));
}

void snap_put_i64(SnapWriter *w, int64_t x)
{
    snap_put_u64(w, (uint64_t)x);
}

void snap_put_f64(SnapWriter *w, double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    snap_put_u64(w, u);
}

void snap_put_bool(SnapWriter *w, bool x)
{
    snap_put_u8(w, x ? 1 : 0);
}

void snap_put_bytes(SnapWriter *w, const void *p, uint32_t n)
{
    snap_put_u32(w, n);
    if (n > 0)
        memcpy(snap_writer_grow(w, n), p, n);
}

/* NULL is written as length 0xFFFFFFFF, so that "" and NULL differ. */
#define SNAP_NULL_LEN 0xFFFFFFFFu

void snap_put_cstr(SnapWriter *w, const char *s)
{
    if (s == NULL) {
        snap_put_u32(w, SNAP_NULL_LEN);
        return;
    }
    size_t n = strlen(s);
    FSQL_ASSERT(n < SNAP_NULL_LEN);
    snap_put_bytes(w, s, (uint32_t)n);
}

/* Value layout: u8 kind, u8 null flag, then (when not null) the payload:
 * i64 for the integer-like kinds, f64 for DOUBLE, u64 lo + i64 hi for
 * DECIMAL, bytes for STRING/BYTES, nothing for NULLTYPE. */
void snap_put_value(SnapWriter *w, const Value *v)
{
    snap_put_u8(w, v->kind);
    snap_put_bool(w, v->is_null);
    if (v->is_null)
        return;
    switch ((ValueKind)v->kind) {
    case VK_NULLTYPE:
        break;
    case VK_DOUBLE:
        snap_put_f64(w, v->u.f);
        break;
    case VK_DECIMAL:
        snap_put_u64(w, v->u.d.lo);
        snap_put_i64(w, v->u.d.hi);
        break;
    case VK_STRING:
    case VK_BYTES:
        snap_put_bytes(w, v->u.s.ptr, v->u.s.len);
        break;
    case VK_BOOL:
    case VK_INT:
    case VK_DATE:
    case VK_TIME:
    case VK_TIMESTAMP:
    case VK_TIMESTAMP_LTZ:
    case VK_INTERVAL_MS:
    case VK_INTERVAL_MONTHS:
        snap_put_i64(w, v->u.i);
        break;
    }
}

void snap_put_values(SnapWriter *w, const Value *v, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        snap_put_value(w, &v[i]);
}

/* ---- reading blobs ---------------------------------------------------- */

void snap_reader_init(SnapReader *r, const void *p, size_t n)
{
    r->p = p;
    r->end = r->p + n;
    r->bad = false;
    r->format = CHECKPOINT_FORMAT_VERSION;
    if (p == NULL) {
        r->p = r->end = NULL;
        if (n > 0)
            r->bad = true;
    }
}

/* n bytes from the blob, or NULL (and bad) when fewer remain. */
static const uint8_t *snap_take(SnapReader *r, size_t n)
{
    if (r->bad)
        return NULL;
    if ((size_t)(r->end - r->p) < n) {
        r->bad = true;
        r->p = r->end;
        return NULL;
    }
    const uint8_t *p = r->p;
    r->p += n;
    return p;
}

uint8_t snap_get_u8(SnapReader *r)
{
    const uint8_t *p = snap_take(r, 1);
    return p ? p[0] : 0;
}

uint32_t snap_get_u32(SnapReader *r)
{
    const uint8_t *p = snap_take(r, 4);
    if (p == NULL)
        return 0;
    uint32_t x = 0;
    for (int i = 0; i < 4; i++)
        x |= (uint32_t)p[i] << (8 * i);
    return x;
}

uint64_t snap_get_u64(SnapReader *r)
{
    const uint8_t *p = snap_take(r, 8);
    if (p == NULL)
        return 0;
    uint64_t x = 0;
    for (int i = 0; i < 8; i++)
        x |= (uint64_t)p[i] << (8 * i);
    return x;
}

int64_t snap_get_i64(SnapReader *r)
{
    return (int64_t)snap_get_u64(r);
}

double snap_get_f64(SnapReader *r)
{
    uint64_t u = snap_get_u64(r);
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

bool snap_get_bool(SnapReader *r)
{
    uint8_t b = snap_get_u8(r);
    if (b > 1) {
        r->bad = true;
        return false;
    }
    return b == 1;
}

const void *snap_get_bytes(SnapReader *r, uint32_t *n)
{
    uint32_t len = snap_get_u32(r);
    const uint8_t *p = r->bad ? NULL : snap_take(r, len);
    if (p == NULL) {
        *n = 0;
        return NULL;
    }
    *n = len;
    return p;
}

char *snap_get_cstr(SnapReader *r, Arena *a)
{
    uint32_t len = snap_get_u32(r);
    if (r->bad || len == SNAP_NULL_LEN)
        return NULL;
    const uint8_t *p = snap_take(r, len);
    if (p == NULL)
        return NULL;
    if (memchr(p, '\0', len) != NULL) {
        r->bad = true;
        return NULL;
    }
    return arena_strndup(a, (const char *)p, len);
}

void snap_get_value(SnapReader *r, Value *v)
{
    uint8_t kind = snap_get_u8(r);
    bool is_null = snap_get_bool(r);
    if (r->bad || kind > VK_INTERVAL_MONTHS) {
        r->bad = true;
        *v = value_null(VK_NULLTYPE);
        return;
    }
    *v = value_null((ValueKind)kind);
    if (is_null)
        return;
    v->is_null = false;
    switch ((ValueKind)kind) {
    case VK_NULLTYPE:
        break;
    case VK_DOUBLE:
        v->u.f = snap_get_f64(r);
        break;
    case VK_DECIMAL:
        v->u.d.lo = snap_get_u64(r);
        v->u.d.hi = snap_get_i64(r);
        break;
    case VK_STRING:
    case VK_BYTES: {
        uint32_t n;
        const void *p = snap_get_bytes(r, &n);
        v->u.s.ptr = p ? (const char *)p : "";
        v->u.s.len = n;
        break;
    }
    case VK_BOOL:
        v->u.i = snap_get_i64(r);
        if (v->u.i != 0 && v->u.i != 1)
            r->bad = true;
        break;
    case VK_INT:
    case VK_DATE:
    case VK_TIME:
    case VK_TIMESTAMP:
    case VK_TIMESTAMP_LTZ:
    case VK_INTERVAL_MS:
    case VK_INTERVAL_MONTHS:
        v->u.i = snap_get_i64(r);
        break;
    }
    if (r->bad)
        *v = value_null(VK_NULLTYPE);
}

void snap_get_values(SnapReader *r, Value *v, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        snap_get_value(r, &v[i]);
}

void snap_want_kind(SnapReader *r, Value *v, ValueKind want)
{
    if (v->is_null || v->kind == want) {
        v->kind = (uint8_t)want;
        return;
    }
    r->bad = true;
    *v = value_null(want);
}

void snap_want_type(SnapReader *r, Value *v, const RtType *t)
{
    snap_want_kind(r, v, t->kind);
    if (!v->is_null && rt_is_map(t) && !map_validate(v->u.s.ptr, v->u.s.len)) {
        r->bad = true;
        *v = value_null(t->kind);
    }
    /* DECIMAL(p <= 18) state is kept as an int64 (op_over.c's packed
     * rows): a damaged value outside that range must not reach it */
    if (!v->is_null && t->kind == VK_DECIMAL && t->precision >= 1 &&
        t->precision <= 18 && v->u.d.hi != (int64_t)v->u.d.lo >> 63) {
        r->bad = true;
        *v = value_null(t->kind);
    }
}

void snap_want_kinds(SnapReader *r, Value *v, uint32_t n, const RtSchema *s)
{
    for (uint32_t i = 0; i < n; i++) {
        if (i < s->n_cols)
            snap_want_type(r, &v[i], &s->cols[i].type);
        else
            snap_want_kind(r, &v[i], VK_NULLTYPE);
    }
}

void snap_get_typed(SnapReader *r, Value *v, uint32_t n, const RtType *types)
{
    snap_get_values(r, v, n);
    for (uint32_t i = 0; i < n; i++)
        snap_want_type(r, &v[i], &types[i]);
}

bool snap_reader_done(const SnapReader *r)
{
    return !r->bad && r->p == r->end;
}

/* ---- fault injection -------------------------------------------------- */

static struct {
    bool parsed;
    char point[64];   /* empty: no fault configured */
    long target;      /* the n-th hit dies */
    long hits;
} fault_cfg;

static void fault_parse(void)
{
    fault_cfg.parsed = true;
    fault_cfg.point[0] = '\0';
    const char *env = getenv("FSQL_FAULT");
    if (env == NULL || *env == '\0')
        return;
    const char *colon = strrchr(env, ':');
    size_t plen = colon ? (size_t)(colon - env) : strlen(env);
    long n = 1;
    if (colon != NULL) {
        char *endp;
        n = strtol(colon + 1, &endp, 10);
        if (*endp != '\0' || n < 1)
            n = 1;
    }
    if (plen == 0 || plen >= sizeof fault_cfg.point)
        return;
    memcpy(fault_cfg.point, env, plen);
    fault_cfg.point[plen] = '\0';
    fault_cfg.target = n;
}

void fsql_fault(const char *point)
{
    if (unlikely(!fault_cfg.parsed))
        fault_parse();
    if (likely(fault_cfg.point[0] == '\0'))
        return;
    if (strcmp(point, fault_cfg.point) != 0)
        return;
    if (++fault_cfg.hits < fault_cfg.target)
        return;
    static const char msg[] = "fsql: FSQL_FAULT: killed at ";
    ssize_t rc = write(STDERR_FILENO, msg, sizeof msg - 1);
    rc = write(STDERR_FILENO, point, strlen(point));
    rc = write(STDERR_FILENO, "\n", 1);
    (void)rc;
    raise(SIGKILL);
    _exit(137);
}

/* ---- the checkpoint file ---------------------------------------------- */

#define CKPT_MAGIC "FSQLCKPT"
#define CKPT_HEADER_LEN (8 + 4 + 8 + 8 + 8 + 8)
#define CKPT_TRAILER_LEN 4

void ckpt_file_path(const char *dir, uint64_t id, char *buf, size_t n)
{
    snprintf(buf, n, "%s/chk-%010" PRIu64 ".fsqlcp", dir, id);
}

/* The file's name without the directory, for messages. */
static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static uint32_t crc_of(const uint8_t *p, size_t n)
{
    uLong c = crc32(0L, Z_NULL, 0);
    while (n > 0) {
        uInt k = n > 0x40000000u ? 0x40000000u : (uInt)n;
        c = crc32(c, p, k);
        p += k;
        n -= k;
    }
    return (uint32_t)c;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int fsql_fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    errno = e;
    return rc;
}

int ckpt_file_write(const char *dir, uint64_t id, int64_t wall_ms,
                    uint64_t fingerprint, const void *body, size_t n,
                    size_t *file_size, FsqlErr *err)
{
    SnapWriter w;
    snap_writer_init(&w);
    memcpy(snap_writer_grow(&w, 8), CKPT_MAGIC, 8);
    snap_put_u32(&w, CHECKPOINT_FORMAT_VERSION);
    snap_put_u64(&w, id);
    snap_put_i64(&w, wall_ms);
    snap_put_u64(&w, fingerprint);
    snap_put_u64(&w, (uint64_t)n);
    if (n)
        memcpy(snap_writer_grow(&w, n), body, n);
    snap_put_u32(&w, crc_of(w.buf, w.len));

    char tmp[4096], path[4096];
    snprintf(tmp, sizeof tmp, "%s/.chk-%010" PRIu64 ".tmp", dir, id);
    ckpt_file_path(dir, id, path, sizeof path);
    int rc = FSQL_OK;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        rc = fsql_err_set(err, FSQL_E_IO,
                          "could not write checkpoint %" PRIu64
                          ": \"%s\": %s",
                          id, tmp, strerror(errno));
    } else {
        if (write_all(fd, w.buf, w.len) < 0 || fsync(fd) < 0)
            rc = fsql_err_set(err, FSQL_E_IO,
                              "could not write checkpoint %" PRIu64
                              ": \"%s\": %s",
                              id, tmp, strerror(errno));
        if (close(fd) < 0 && rc == FSQL_OK)
            rc = fsql_err_set(err, FSQL_E_IO,
                              "could not write checkpoint %" PRIu64
                              ": \"%s\": %s",
                              id, tmp, strerror(errno));
        if (rc == FSQL_OK && rename(tmp, path) < 0)
            rc = fsql_err_set(err, FSQL_E_IO,
                              "could not write checkpoint %" PRIu64
                              ": rename to \"%s\": %s",
                              id, path, strerror(errno));
        if (rc == FSQL_OK && fsql_fsync_dir(dir) < 0)
            rc = fsql_err_set(err, FSQL_E_IO,
                              "could not write checkpoint %" PRIu64
                              ": sync of directory \"%s\": %s",
                              id, dir, strerror(errno));
        if (rc < 0)
            unlink(tmp);
    }
    if (file_size)
        *file_size = w.len;
    snap_writer_fini(&w);
    return rc;
}

void ckpt_file_free(CkptFile *f)
{
    xfree(f->data);
    memset(f, 0, sizeof *f);
}

int ckpt_file_read(const char *path, CkptFile *out, FsqlErr *err)
{
    memset(out, 0, sizeof *out);
    const char *name = base_name(path);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fsql_err_set(err, FSQL_E_IO,
                            "could not read checkpoint \"%s\": %s", path,
                            strerror(errno));
    struct stat st;
    if (fstat(fd, &st) < 0) {
        close(fd);
        return fsql_err_set(err, FSQL_E_IO,
                            "could not read checkpoint \"%s\": %s", path,
                            strerror(errno));
    }
    size_t len = (size_t)st.st_size;
    uint8_t *data = xmalloc(len ? len : 1);
    size_t got = 0;
    while (got < len) {
        ssize_t k = read(fd, data + got, len - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    close(fd);
    len = got;
    int rc = FSQL_OK;
    SnapReader r;
    snap_reader_init(&r, data, len);
    if (len < 12 || memcmp(data, CKPT_MAGIC, 8) != 0) {
        rc = fsql_err_set(err, FSQL_E_STATE,
                          "checkpoint %s: not an fsql checkpoint file "
                          "(bad magic)",
                          name);
        goto fail;
    }
    r.p += 8;
    out->format = snap_get_u32(&r);
    /* The CRC-32 trailer over everything before it stays the same in
     * every format version, so damage is told apart from a newer
     * version before the version is believed. */
    uint32_t want = 0;
    for (int i = 0; i < 4; i++)
        want |= (uint32_t)data[len - 4 + (size_t)i] << (8 * i);
    bool crc_ok = crc_of(data, len - 4) == want;
    if (out->format > CHECKPOINT_FORMAT_VERSION && crc_ok) {
        rc = fsql_err_set(err, FSQL_E_UNSUPPORTED,
                          "checkpoint %s was written in format version %u by "
                          "a newer fsql; this build reads versions up to %u",
                          name, out->format, CHECKPOINT_FORMAT_VERSION);
        goto fail;
    }
    if (out->format == 0 || out->format > CHECKPOINT_FORMAT_VERSION) {
        rc = fsql_err_set(err, FSQL_E_STATE,
                          "checkpoint %s: checksum mismatch", name);
        goto fail;
    }
    if (len < CKPT_HEADER_LEN + CKPT_TRAILER_LEN) {
        rc = fsql_err_set(err, FSQL_E_STATE,
                          "checkpoint %s: truncated (%zu bytes)", name, len);
        goto fail;
    }
    out->id = snap_get_u64(&r);
    out->wall_ms = snap_get_i64(&r);
    out->fingerprint = snap_get_u64(&r);
    uint64_t body_len = snap_get_u64(&r);
    if (body_len != len - CKPT_HEADER_LEN - CKPT_TRAILER_LEN) {
        rc = fsql_err_set(err, FSQL_E_STATE,
                          "checkpoint %s: truncated (%zu of %" PRIu64
                          " bytes)",
                          name, len,
                          body_len + CKPT_HEADER_LEN + CKPT_TRAILER_LEN);
        goto fail;
    }
    if (!crc_ok) {
        rc = fsql_err_set(err, FSQL_E_STATE, "checkpoint %s: checksum mismatch",
                          name);
        goto fail;
    }
    out->data = data;
    out->len = len;
    out->body = data + CKPT_HEADER_LEN;
    out->body_len = (size_t)body_len;
    return FSQL_OK;
fail:
    xfree(data);
    memset(out, 0, sizeof *out);
    return rc;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

uint32_t ckpt_dir_list(const char *dir, uint64_t **ids)
{
    *ids = NULL;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    uint32_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *s = e->d_name;
        if (strncmp(s, "chk-", 4) != 0)
            continue;
        char *end;
        errno = 0;
        unsigned long long id = strtoull(s + 4, &end, 10);
        if (end == s + 4 || errno != 0 || strcmp(end, ".fsqlcp") != 0 ||
            id == 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            *ids = xrealloc(*ids, sizeof(uint64_t) * cap);
        }
        (*ids)[n++] = (uint64_t)id;
    }
    closedir(d);
    if (n > 1)
        qsort(*ids, n, sizeof(uint64_t), cmp_u64);
    return n;
}

int ckpt_load_newest(const char *dir, uint64_t expect_fp, CkptFile *out,
                     uint64_t *max_id, FsqlErr *err)
{
    uint64_t *ids;
    uint32_t n = ckpt_dir_list(dir, &ids);
    *max_id = n ? ids[n - 1] : 0;
    memset(out, 0, sizeof *out);
    int found = 0;
    for (uint32_t k = n; k-- > 0;) {
        char path[4096];
        ckpt_file_path(dir, ids[k], path, sizeof path);
        FsqlErr e;
        fsql_err_clear(&e);
        int rc = ckpt_file_read(path, out, &e);
        if (rc == FSQL_E_STATE || rc == FSQL_E_IO) {
            /* Damaged: say so and try the one before. */
            char prev[64] = "no older checkpoint (starting fresh)";
            if (k > 0)
                snprintf(prev, sizeof prev, "chk-%010" PRIu64, ids[k - 1]);
            log_warn("%s; falling back to %s", e.msg, prev);
            continue;
        }
        if (rc < 0) {
            if (err)
                *err = e;
            found = rc;
            break;
        }
        if (out->id != ids[k]) {
            log_warn("checkpoint %s holds id %" PRIu64 "; falling back",
                     base_name(path), out->id);
            ckpt_file_free(out);
            continue;
        }
        if (expect_fp != 0 && out->fingerprint != expect_fp) {
            found = fsql_err_set(
                err, FSQL_E_CONFIG,
                "checkpoint %s in \"%s\" was taken by a different job (the "
                "statements, their operators or tables differ); use another "
                "checkpoint directory, or delete this one to start fresh",
                base_name(path), dir);
            ckpt_file_free(out);
            break;
        }
        found = 1;
        break;
    }
    xfree(ids);
    return found;
}

/* ---- the job's checkpoints ---------------------------------------------- */

/* A checkpoint whose state is taken and whose file is being written
 * (by the writer thread, or inline). */
typedef struct PendingCkpt {
    uint64_t id;
    const char *why;
    const char *dir;
    uint64_t fp;
    int64_t wall_ms;       /* the moment of the snapshot */
    SnapWriter body;
    double t0, t_state;    /* started; state taken (loop free again) */
    double t_file;         /* file durable (writer) */
    bool has_eo;
    bool deferred;         /* written by the writer thread */
    int rc;                /* of the file write */
    size_t size;
    FsqlErr err;
} PendingCkpt;

typedef struct JobCkpt {
    char *dir;             /* xmalloc; NULL: checkpoints off */
    int64_t interval_ms;
    uint32_t retained;     /* state.checkpoints.num-retained */
    uint32_t tolerable;    /* execution.checkpointing.tolerable-failed-... */
    uint32_t failures_in_row;
    uint64_t fp;           /* plan fingerprint */
    uint64_t next_id;
    int64_t next_due;      /* monotonic ms */
    bool activity;         /* something happened since the last one */
    bool dir_ready;
    CheckpointStats st;
    /* The file of a checkpoint without exactly-once sinks is written by a
     * thread while the loop goes on; the next one waits for it. */
    PendingCkpt pend;
    bool in_flight;        /* pend is being written by thr */
    pthread_t thr;
    atomic_int written;    /* thr is done with pend */
    bool background;       /* fsql.checkpointing.background-write */
} JobCkpt;

static uint64_t fnv_bytes(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001B3ULL;
    }
    return h;
}

static uint64_t fnv_u64(uint64_t h, uint64_t x)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(x >> (8 * i));
    return fnv_bytes(h, b, 8);
}

static uint64_t fnv_str(uint64_t h, const char *s)
{
    if (!s)
        return fnv_u64(h, 0xFFFFFFFFu);
    size_t n = strlen(s);
    h = fnv_u64(h, n);
    return fnv_bytes(h, s, n);
}

/* What a checkpoint must match to be restored into this job: operator
 * kinds and wiring, output columns, and the tables read and written.
 * Option values are left out on purpose (a changed broker address or
 * rate keeps the state). */
static uint64_t job_fingerprint(const Job *j)
{
    uint64_t h = 0xCBF29CE484222325ULL;
    h = fnv_u64(h, CHECKPOINT_FORMAT_VERSION);
    h = fnv_u64(h, j->n_progs);
    for (uint32_t p = 0; p < j->n_progs; p++) {
        const Program *prog = j->progs[p];
        h = fnv_u64(h, prog->n_ops);
        for (uint32_t i = 0; i < prog->n_ops; i++) {
            const OpDef *d = &prog->ops[i];
            h = fnv_u64(h, (uint64_t)d->kind);
            h = fnv_u64(h, d->n_inputs);
            for (uint32_t k = 0; k < d->n_inputs; k++)
                h = fnv_u64(h, d->inputs[k]);
            h = fnv_u64(h, d->n_consumers);
            for (uint32_t k = 0; k < d->n_consumers; k++) {
                h = fnv_u64(h, d->consumers[k].op);
                h = fnv_u64(h, d->consumers[k].port);
            }
            h = fnv_u64(h, d->out.n_cols);
            for (uint32_t c = 0; c < d->out.n_cols; c++) {
                h = fnv_str(h, d->out.cols[c].name);
                h = fnv_u64(h, (uint64_t)d->out.cols[c].type.kind);
            }
            if (d->kind == OP_KIND_SOURCE)
                h = fnv_str(h, prog->tables[d->u.source.table].name);
            else if (d->kind == OP_KIND_SINK)
                h = fnv_str(h, prog->tables[d->u.sink.table].name);
        }
    }
    return h ? h : 1;
}

/* A session setting from the first program that sets it. */
static const char *job_setting(const Job *j, const char *key)
{
    for (uint32_t p = 0; p < j->n_progs; p++) {
        const char *v = program_setting(j->progs[p], key);
        if (v)
            return v;
    }
    return NULL;
}

static int setting_count(const Job *j, const char *key, int64_t def,
                         int64_t min, int64_t *out, FsqlErr *err)
{
    const char *v = job_setting(j, key);
    *out = def;
    if (!v)
        return FSQL_OK;
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    while (*end == ' ')
        end++;
    if (end == v || *end || errno != 0 || x < min)
        return fsql_err_set(err, FSQL_E_CONFIG,
                            "'%s' = '%s' is not valid: expected an integer "
                            "of at least %lld",
                            key, v, (long long)min);
    *out = (int64_t)x;
    return FSQL_OK;
}

const CheckpointStats *ckpt_stats(const Job *j)
{
    return j->ckpt && j->ckpt->dir ? &j->ckpt->st : NULL;
}

int ckpt_configure(Job *j, FsqlErr *err)
{
    JobCkpt *c = ARENA_NEW(&j->a, JobCkpt);
    j->ckpt = c;
    const char *dir = j->cfg.checkpoint_dir;
    if (!dir || !*dir)
        dir = job_setting(j, "state.checkpoints.dir");
    if (dir && strncmp(dir, "file://", 7) == 0)
        dir += 7; /* Flink spells local paths as URIs */
    if (dir && !*dir)
        dir = NULL;
    const char *name = job_setting(j, "pipeline.name");
    char derived[256];
    if (!name && dir) {
        /* The directory's last component ("/var/fsql/alerts/" -> alerts). */
        size_t n = strlen(dir);
        while (n > 1 && dir[n - 1] == '/')
            n--;
        size_t b = n;
        while (b > 0 && dir[b - 1] != '/')
            b--;
        size_t len = n - b < sizeof derived - 1 ? n - b : sizeof derived - 1;
        memcpy(derived, dir + b, len);
        derived[len] = '\0';
        if (len > 0 && strcmp(derived, ".") != 0 && strcmp(derived, "..") != 0)
            name = derived;
    }
    const char *job_name = arena_strdup(&j->a, name && *name ? name : "fsql");
    j->rctx.job_name = job_name;
    for (uint32_t p = 0; p < j->n_progs; p++)
        j->rctxs[p].job_name = job_name;

    const char *iv = job_setting(j, "execution.checkpointing.interval");
    int64_t interval = 10000;
    if (iv && (conn_parse_duration_ms(iv, &interval) < 0 || interval < 0))
        return fsql_err_set(err, FSQL_E_CONFIG,
                            "'execution.checkpointing.interval' = '%s' is "
                            "not a duration",
                            iv);
    if (!dir) {
        if (iv && interval > 0)
            log_info("'execution.checkpointing.interval' is set but there is "
                     "no checkpoint directory (--checkpoint-dir DIR or "
                     "'state.checkpoints.dir'): checkpoints are off");
        return FSQL_OK;
    }
    int64_t retained, tolerable;
    int rc = setting_count(j, "state.checkpoints.num-retained", 3, 1,
                           &retained, err);
    if (rc == FSQL_OK)
        rc = setting_count(j,
                           "execution.checkpointing.tolerable-failed-"
                           "checkpoints",
                           0, 0, &tolerable, err);
    if (rc < 0)
        return rc;
    const char *bg = job_setting(j, "fsql.checkpointing.background-write");
    c->background = !bg || strcasecmp(bg, "false") != 0;
    c->dir = j->cfg.job_index == 0
                 ? arena_strdup(&j->a, dir)
                 : arena_sprintf(&j->a, "%s/job-%u", dir,
                                 j->cfg.job_index + 1);
    /* Interval 0 (Flink: checkpointing disabled): only the final
     * checkpoints at a stop request and at the end of bounded input. */
    c->interval_ms = interval;
    c->retained = (uint32_t)(retained > 1000000 ? 1000000 : retained);
    c->tolerable = (uint32_t)(tolerable > 1000000 ? 1000000 : tolerable);
    c->fp = job_fingerprint(j);
    c->next_id = 1;
    c->st.dir = c->dir;
    c->st.interval_ms = interval;
    j->rctx.checkpointing = true;
    for (uint32_t p = 0; p < j->n_progs; p++)
        j->rctxs[p].checkpointing = true;
    return FSQL_OK;
}

/* "statement 1, operator 3 (WindowAggregate)" */
static void op_where(const Job *j, uint32_t i, char *buf, size_t n)
{
    const OpState *s = j->ops[i];
    uint32_t base = 0;
    for (uint32_t k = 0; k < i; k++)
        if (j->op_prog[k] == j->op_prog[i])
            base++;
    snprintf(buf, n, "%s (statement %u, operator %u)",
             s->v->name ? s->v->name : op_kind_name(s->def->kind),
             j->op_prog[i] + 1, base);
}

/* Operators with nothing to save beyond the framework's OpState fields. */
static bool op_kind_stateless(OpKind k)
{
    switch (k) {
    case OP_KIND_SOURCE:
    case OP_KIND_CALC:
    case OP_KIND_UNION:
    case OP_KIND_VALUES:
    case OP_KIND_SINK:
    case OP_KIND_COLLECT:
    case OP_KIND_LOOKUP_JOIN:
    case OP_KIND_WINDOW_TABLE_FUNCTION:
        return true;
    default:
        return false;
    }
}

static bool sink_wants_exactly_once(const Job *j, const OpState *s,
                                    const TableDef **tp)
{
    if (s->def->kind != OP_KIND_SINK)
        return false;
    const Program *p = j->progs[s->prog_idx];
    const TableDef *t = &p->tables[s->def->u.sink.table];
    *tp = t;
    const char *dg = table_def_option(t, "sink.delivery-guarantee");
    return dg && strcasecmp(dg, "exactly-once") == 0;
}

int ckpt_check_ops(Job *j, FsqlErr *err)
{
    JobCkpt *c = j->ckpt;
    bool on = c && c->dir;
    for (uint32_t i = 0; i < j->n_ops; i++) {
        OpState *s = j->ops[i];
        const TableDef *t = NULL;
        if (!on && sink_wants_exactly_once(j, s, &t))
            return fsql_err_set(err, FSQL_E_CONFIG,
                                "table \"%s\": 'sink.delivery-guarantee' = "
                                "'exactly-once' needs checkpoints: pass "
                                "--checkpoint-dir DIR or SET "
                                "'state.checkpoints.dir'",
                                t->name);
        if (on && !op_kind_stateless(s->def->kind) && !s->v->snapshot) {
            char where[160];
            op_where(j, i, where, sizeof where);
            return fsql_err_set(err, FSQL_E_UNSUPPORTED,
                                "checkpoints are on (\"%s\") but operator %s "
                                "cannot be checkpointed yet; run without a "
                                "checkpoint directory",
                                c->dir, where);
        }
    }
    if (on) {
        if (j->cfg.job_index > 0) {
            /* DIR/job-<n>: DIR first. */
            char parent[4096];
            snprintf(parent, sizeof parent, "%s", c->dir);
            char *sl = strrchr(parent, '/');
            if (sl) {
                *sl = '\0';
                mkdir(parent, 0755);
            }
        }
        if (mkdir(c->dir, 0755) < 0 && errno != EEXIST)
            return fsql_err_set(err, FSQL_E_IO,
                                "could not create checkpoint directory "
                                "\"%s\": %s",
                                c->dir, strerror(errno));
        struct stat st;
        if (stat(c->dir, &st) < 0 || !S_ISDIR(st.st_mode))
            return fsql_err_set(err, FSQL_E_IO,
                                "checkpoint directory \"%s\" is not a "
                                "directory",
                                c->dir);
        if (access(c->dir, W_OK) < 0)
            return fsql_err_set(err, FSQL_E_IO,
                                "checkpoint directory \"%s\": %s", c->dir,
                                strerror(errno));
        c->dir_ready = true;
    }
    return FSQL_OK;
}

/* ---- writing a checkpoint ---------------------------------------------- */

static void put_section_head(SnapWriter *w, uint8_t type, uint32_t index,
                             const char *name)
{
    snap_put_u8(w, type);
    snap_put_u32(w, index);
    snap_put_cstr(w, name);
}

/* The OpState fields the framework saves for every operator. */
static void put_op_frame(SnapWriter *w, const OpState *s, int64_t now)
{
    uint32_t n = s->def->n_inputs;
    snap_put_u32(w, n);
    for (uint32_t k = 0; k < n; k++) {
        snap_put_i64(w, s->wm_in[k]);
        snap_put_bool(w, s->ended[k]);
    }
    snap_put_u32(w, s->n_ended);
    snap_put_i64(w, s->wm_out);
    snap_put_bool(w, s->is_finished);
    /* Timers are monotonic: save how far away it was. */
    snap_put_bool(w, s->timer_ms != INT64_MAX);
    snap_put_i64(w, s->timer_ms != INT64_MAX ? s->timer_ms - now : 0);
    snap_put_u64(w, s->rows_in);
    snap_put_u64(w, s->rows_out);
    snap_put_u64(w, s->rows_late);
    snap_put_u64(w, s->lookups_failed);
}

static bool get_op_frame(SnapReader *r, OpState *s, int64_t now)
{
    uint32_t n = snap_get_u32(r);
    if (n != s->def->n_inputs)
        return false;
    for (uint32_t k = 0; k < n; k++) {
        s->wm_in[k] = snap_get_i64(r);
        s->ended[k] = snap_get_bool(r);
    }
    s->n_ended = snap_get_u32(r);
    s->wm_out = snap_get_i64(r);
    s->is_finished = snap_get_bool(r);
    bool has_timer = snap_get_bool(r);
    int64_t left = snap_get_i64(r);
    if (left < 0)
        left = 0;
    if (left > INT64_MAX - 1 - now) /* damaged: no overflow, a far timer */
        left = INT64_MAX - 1 - now;
    s->timer_ms = has_timer ? now + left : INT64_MAX;
    /* The counters are saved for inspection but not restored: like
     * Flink's metrics, the figures of a run (summary, /metrics) count
     * what this process did. */
    for (int k = 0; k < 4; k++)
        (void)snap_get_u64(r);
    return !r->bad;
}

static const char *op_sink_table_name(const Job *j, const OpState *s)
{
    if (s->def->kind != OP_KIND_SINK)
        return "(select)";
    return j->progs[s->prog_idx]->tables[s->def->u.sink.table].name;
}

/* The u32 at w->buf[at] becomes the number of bytes written after it;
 * false when that does not fit (a blob of 4 GiB or more). */
static bool patch_len(SnapWriter *w, size_t at)
{
    size_t n = w->len - at - 4;
    if (n >= 0xFFFFFFFFu)
        return false;
    for (int b = 0; b < 4; b++)
        w->buf[at + (size_t)b] = (uint8_t)((uint32_t)n >> (8 * b));
    return true;
}

/* Checkpoint id could not be taken: a warning while tolerated, else the
 * job fails.  Returns FSQL_OK or the job's error. */
static int ckpt_failed(Job *j, uint64_t id, bool has_eo, int rc, FsqlErr *err)
{
    JobCkpt *c = j->ckpt;
    c->st.failed++;
    c->failures_in_row++;
    if (!err->msg[0])
        fsql_err_set(err, rc, "could not take checkpoint %" PRIu64, id);
    if (has_eo || c->failures_in_row > c->tolerable) {
        char msg[700];
        snprintf(msg, sizeof msg, "checkpoint %" PRIu64 " failed: %s%s", id,
                 err->msg,
                 has_eo ? ""
                        : " (execution.checkpointing.tolerable-failed-"
                          "checkpoints exceeded)");
        return job_fail(j, rc, msg);
    }
    log_warn("checkpoint %" PRIu64 " failed (%u in a row, %u tolerated): %s",
             id, c->failures_in_row, c->tolerable, err->msg);
    return FSQL_OK;
}

/* Write the pending checkpoint's file (any thread: touches only p). */
static void ckpt_write_pending(PendingCkpt *p)
{
    fsql_err_clear(&p->err);
    p->rc = ckpt_file_write(p->dir, p->id, p->wall_ms, p->fp, p->body.buf,
                            p->body.len, &p->size, &p->err);
    p->t_file = job_now_mono_s();
    snap_writer_fini(&p->body);
    if (p->rc == FSQL_OK)
        fsql_fault("checkpoint.after-state-write");
}

static void *ckpt_writer_main(void *arg)
{
    JobCkpt *c = arg;
    ckpt_write_pending(&c->pend);
    atomic_store(&c->written, 1);
    return NULL;
}

/* On the loop thread, once the file of c->pend is durable (or failed):
 * commit the epoch, tell the sources, apply retention, count. */
static int ckpt_complete(Job *j)
{
    JobCkpt *c = j->ckpt;
    PendingCkpt *p = &c->pend;
    uint64_t id = p->id;
    double t_back = job_now_mono_s();
    FsqlErr err;
    fsql_err_clear(&err);
    if (p->rc < 0)
        return ckpt_failed(j, id, p->has_eo, p->rc, &p->err);
    c->failures_in_row = 0;

    /* 4. commit the epoch; tell the sources. */
    for (uint32_t i = 0; i < j->n_ops; i++) {
        OpState *s = j->ops[i];
        OpKind k = s->def->kind;
        if (k != OP_KIND_SINK && k != OP_KIND_COLLECT)
            continue;
        SinkWriter *w = op_sink_writer(s);
        if (!w || !w->v->precommit || !w->v->commit)
            continue;
        int rc = w->v->commit(w, id, &err);
        if (rc < 0) {
            char msg[700];
            snprintf(msg, sizeof msg,
                     "checkpoint %" PRIu64 ": committing table \"%s\" "
                     "failed: %s (a restart commits it from the checkpoint)",
                     id, op_sink_table_name(j, s), err.msg);
            return job_fail(j, rc, msg);
        }
    }
    for (uint32_t i = 0; i < j->n_srcs; i++) {
        SourceReader *r = j->srcs[i].reader;
        if (r && r->v->checkpoint_done)
            r->v->checkpoint_done(r, id);
    }

    /* 5. retention. */
    uint64_t *ids;
    uint32_t n = ckpt_dir_list(c->dir, &ids);
    for (uint32_t k = 0; k + c->retained < n; k++) {
        char path[4096];
        ckpt_file_path(c->dir, ids[k], path, sizeof path);
        if (unlink(path) < 0 && errno != ENOENT)
            log_warn("could not delete old checkpoint \"%s\": %s", path,
                     strerror(errno));
    }
    xfree(ids);

    double t_end = job_now_mono_s();
    double dt = t_end - p->t0;
    /* The loop waited while the state was taken and while this ran; with
     * an inline write, for the file too. */
    double pause = p->deferred ? (p->t_state - p->t0) + (t_end - t_back)
                               : t_end - p->t0;
    c->st.completed++;
    c->st.last_id = id;
    c->st.last_wall_ms = job_now_wall_ms();
    c->st.last_duration_s = dt;
    c->st.last_pause_s = pause;
    c->st.sum_pause_s += pause;
    if (pause > c->st.max_pause_s)
        c->st.max_pause_s = pause;
    c->st.last_size_bytes = p->size;
    metrics_hist_observe(&c->st.pause, pause);
    log_info("checkpoint %" PRIu64 " written (%s): %zu bytes in %.3f ms, "
             "processing paused %.3f ms (state %.3f ms, file %.3f ms%s, "
             "commit %.3f ms)",
             id, p->why, p->size, dt * 1000.0, pause * 1000.0,
             (p->t_state - p->t0) * 1000.0, (p->t_file - p->t_state) * 1000.0,
             p->deferred ? " in the background" : "",
             (t_end - t_back) * 1000.0);
    return FSQL_OK;
}

/* Take checkpoint c->next_id now (a push-cycle boundary).  may_defer:
 * the file may be written in the background (periodic checkpoints). */
static int ckpt_take(Job *j, const char *why, bool may_defer)
{
    JobCkpt *c = j->ckpt;
    uint64_t id = c->next_id;
    double t0 = job_now_mono_s();
    int64_t now = job_now_mono_ms();
    FsqlErr err;
    fsql_err_clear(&err);
    int rc = FSQL_OK;
    bool has_eo = false;

    /* Every blob (sink, operator, source) is written in place into the
     * body and its length patched afterwards (patch_len): the bytes of
     * snap_put_bytes, without copying state that can be large. */
    SnapWriter body;
    snap_writer_init(&body);
    uint32_t n_sec = 0;
    snap_put_u32(&body, 0); /* section count, patched below */

    /* 1. at-least-once sinks flush; exactly-once sinks precommit. */
    for (uint32_t i = 0; i < j->n_ops && rc == FSQL_OK; i++) {
        OpState *s = j->ops[i];
        OpKind k = s->def->kind;
        if (k != OP_KIND_SINK && k != OP_KIND_COLLECT)
            continue;
        SinkWriter *w = op_sink_writer(s);
        if (!w)
            continue;
        if (w->v->precommit) {
            has_eo = true;
            put_section_head(&body, CKPT_SEC_SINK, i, op_sink_table_name(j, s));
            size_t at = body.len;
            snap_put_u32(&body, 0);
            rc = w->v->precommit(w, id, &body, &err);
            if (rc < 0)
                break;
            if (!patch_len(&body, at))
                rc = fsql_err_set(&err, FSQL_E_STATE,
                                  "the pending rows of table \"%s\" are 4 "
                                  "GiB or more, too large for a checkpoint",
                                  op_sink_table_name(j, s));
            n_sec++;
        } else if (w->v->flush &&
                   !(k == OP_KIND_COLLECT &&
                     (j->cfg.collect_writer ||
                      j->cfg.output == OUTPUT_TABLE))) {
            /* (A bordered table or the shell's live table is drawn once,
             * at the end: flushing it would print it in pieces.) */
            rc = w->v->flush(w, &err);
        }
    }
    /* 2. operators and sources. */
    for (uint32_t i = 0; i < j->n_ops && rc == FSQL_OK; i++) {
        OpState *s = j->ops[i];
        put_section_head(&body, CKPT_SEC_OP, i,
                         s->v->name ? s->v->name : op_kind_name(s->def->kind));
        size_t outer = body.len;
        snap_put_u32(&body, 0);
        put_op_frame(&body, s, now);
        snap_put_bool(&body, s->v->snapshot != NULL);
        if (s->v->snapshot) {
            size_t inner = body.len;
            snap_put_u32(&body, 0);
            rc = s->v->snapshot(s, &body);
            if (rc >= 0 && !j->failed && !patch_len(&body, inner))
                rc = fsql_err_set(&err, FSQL_E_STATE,
                                  "the state of operator %u is 4 GiB or "
                                  "more, too large for a checkpoint",
                                  i);
            else if (rc < 0 || j->failed) {
                char where[160];
                op_where(j, i, where, sizeof where);
                rc = fsql_err_set(&err, FSQL_E_STATE,
                                  "operator %s could not be snapshotted%s%s",
                                  where, j->failed ? ": " : "",
                                  j->failed ? j->err.msg : "");
                break;
            }
        }
        if (rc == FSQL_OK && !patch_len(&body, outer))
            rc = fsql_err_set(&err, FSQL_E_STATE,
                              "the state of operator %u is too large for a "
                              "checkpoint",
                              i);
        n_sec++;
    }
    for (uint32_t i = 0; i < j->n_srcs && rc == FSQL_OK; i++) {
        SharedSource *ss = &j->srcs[i];
        SourceReader *r = ss->reader;
        put_section_head(&body, CKPT_SEC_SOURCE, i, ss->table.name);
        size_t outer = body.len;
        snap_put_u32(&body, 0);
        snap_put_u32(&body, 2); /* frame layout (1: without the turn) */
        snap_put_bool(&body, ss->ended);
        snap_put_u64(&body, r->rows_read);
        snap_put_u64(&body, r->rows_skipped);
        snap_put_u64(&body, r->fields_nulled);
        snap_put_u64(&body, r->bytes_read);
        /* rows left in this source's reading turn (wm_align.h), so that
         * a restored job reads in the same order as one never stopped */
        snap_put_u32(&body, j->ordered && j->turn_src == (int32_t)i
                                ? j->turn_left
                                : 0);
        size_t inner = body.len;
        snap_put_u32(&body, 0);
        if (r->v->snapshot)
            rc = r->v->snapshot(r, &body);
        else
            rc = fsql_err_set(&err, FSQL_E_UNSUPPORTED,
                              "source \"%s\" cannot be checkpointed",
                              ss->table.name);
        if (rc < 0) {
            if (!err.msg[0])
                fsql_err_set(&err, rc,
                             "source \"%s\" could not be snapshotted",
                             ss->table.name);
            break;
        }
        if (!patch_len(&body, inner) || !patch_len(&body, outer))
            rc = fsql_err_set(&err, FSQL_E_STATE,
                              "the position of source \"%s\" is too large "
                              "for a checkpoint",
                              ss->table.name);
        n_sec++;
    }
    for (int b = 0; b < 4; b++)
        body.buf[b] = (uint8_t)(n_sec >> (8 * b));

    if (rc < 0) {
        snap_writer_fini(&body);
        c->next_id = id + 1; /* a sink may have seen this epoch */
        return ckpt_failed(j, id, has_eo, rc, &err);
    }

    /* 3. the file: the decision point.  State and positions are taken;
     * the loop may go on while the file is written, unless a sink waits
     * for the decision (exactly-once: it must not see rows of the next
     * epoch before this one commits) or the caller waits. */
    PendingCkpt *p = &c->pend;
    memset(p, 0, sizeof *p);
    p->id = id;
    p->why = why;
    p->dir = c->dir;
    p->fp = c->fp;
    p->wall_ms = job_now_wall_ms();
    p->body = body;
    p->t0 = t0;
    p->t_state = job_now_mono_s();
    p->has_eo = has_eo;
    c->next_id = id + 1;
    c->activity = false;
    if (may_defer && !has_eo && c->background) {
        atomic_store(&c->written, 0);
        p->deferred = true;
        if (pthread_create(&c->thr, NULL, ckpt_writer_main, c) == 0) {
            c->in_flight = true;
            return FSQL_OK;
        }
        p->deferred = false;
    }
    ckpt_write_pending(p);
    return ckpt_complete(j);
}

/* Finish a checkpoint being written: wait for the writer (when wait) or
 * just look whether it is done. */
static void ckpt_poll(Job *j, bool wait)
{
    JobCkpt *c = j->ckpt;
    if (!c->in_flight)
        return;
    if (!wait && !atomic_load(&c->written))
        return;
    pthread_join(c->thr, NULL);
    c->in_flight = false;
    ckpt_complete(j);
}

void ckpt_tick(Job *j, bool activity)
{
    JobCkpt *c = j->ckpt;
    if (!c || !c->dir || j->failed)
        return;
    c->activity |= activity;
    ckpt_poll(j, false);
    if (c->interval_ms <= 0 || j->failed)
        return;
    int64_t now = job_now_mono_ms();
    if (c->next_due == 0) {
        c->next_due = now + c->interval_ms;
        return;
    }
    if (now < c->next_due)
        return;
    if (c->in_flight) {
        /* One at a time: the previous file is still being written. */
        c->next_due = now + 1;
        return;
    }
    if (c->activity)
        ckpt_take(j, "periodic", true);
    /* The interval counts from the end of the last one (a slow
     * checkpoint does not make the next one due at once). */
    c->next_due = job_now_mono_ms() + c->interval_ms;
}

void ckpt_final(Job *j, const char *why)
{
    JobCkpt *c = j->ckpt;
    if (!c || !c->dir || j->failed)
        return;
    ckpt_poll(j, true);
    if (j->failed)
        return;
    if (!c->activity && c->st.completed + (c->st.restored_id ? 1 : 0) > 0)
        return; /* nothing new since the last one */
    ckpt_take(j, why, false);
}

/* ---- restoring --------------------------------------------------------- */

typedef struct Section {
    uint8_t type;
    uint32_t index;
    const char *name; /* arena */
    const void *blob;
    uint32_t len;
} Section;

static int restore_fail(FsqlErr *err, const CkptFile *f, const char *what)
{
    return fsql_err_set(err, FSQL_E_STATE,
                        "checkpoint %" PRIu64 " could not be restored: %s",
                        f->id, what);
}

int ckpt_restore(Job *j, FsqlErr *err)
{
    JobCkpt *c = j->ckpt;
    if (!c || !c->dir)
        return FSQL_OK;
    double t0 = job_now_mono_s();
    for (uint32_t i = 0; i < j->n_srcs; i++) {
        SourceReader *r = j->srcs[i].reader;
        if (r && (!r->v->snapshot || !r->v->restore))
            return fsql_err_set(err, FSQL_E_UNSUPPORTED,
                                "checkpoints are on (\"%s\") but source "
                                "table \"%s\" (%s) cannot be checkpointed "
                                "yet; run without a checkpoint directory",
                                c->dir, j->srcs[i].table.name,
                                j->srcs[i].table.connector);
    }
    if (c->interval_ms > 0)
        log_info("checkpoints every %.3g s into %s (job \"%s\", newest %u "
                 "kept)",
                 (double)c->interval_ms / 1000.0, c->dir, j->rctx.job_name,
                 c->retained);
    else
        log_info("checkpoints at stop and end of input only, into %s (job "
                 "\"%s\", newest %u kept)",
                 c->dir, j->rctx.job_name, c->retained);
    /* Leftovers of a crash in the middle of a write. */
    DIR *d = opendir(c->dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            size_t n = strlen(e->d_name);
            if (strncmp(e->d_name, ".chk-", 5) == 0 && n > 4 &&
                strcmp(e->d_name + n - 4, ".tmp") == 0) {
                char path[4096];
                snprintf(path, sizeof path, "%s/%s", c->dir, e->d_name);
                unlink(path);
            }
        }
        closedir(d);
    }
    CkptFile f;
    uint64_t max_id = 0;
    int found = ckpt_load_newest(c->dir, c->fp, &f, &max_id, err);
    if (found < 0)
        return found;
    c->next_id = max_id + 1;
    if (found == 0)
        return FSQL_OK;

    Arena a;
    arena_init(&a, 4096);
    SnapReader r;
    snap_reader_init(&r, f.body, f.body_len);
    r.format = f.format;
    uint32_t n_sec = snap_get_u32(&r);
    int rc = FSQL_OK;
    Section *secs = NULL;
    if (r.bad || n_sec > f.body_len) {
        rc = restore_fail(err, &f, "malformed section table");
        goto out;
    }
    secs = ARENA_NEW_ARRAY(&a, Section, n_sec + 1);
    for (uint32_t k = 0; k < n_sec && !r.bad; k++) {
        secs[k].type = snap_get_u8(&r);
        secs[k].index = snap_get_u32(&r);
        secs[k].name = snap_get_cstr(&r, &a);
        secs[k].blob = snap_get_bytes(&r, &secs[k].len);
    }
    if (!snap_reader_done(&r)) {
        rc = restore_fail(err, &f, "malformed section table");
        goto out;
    }
    int64_t now = job_now_mono_ms();
    uint32_t n_ops_seen = 0, n_srcs_seen = 0;
    /* A damaged file may name an operator twice (and another not at all):
     * the counts below would still match, and an operator restored twice
     * is not a state any run had. */
    bool *op_seen = ARENA_NEW_ARRAY(&a, bool, j->n_ops + 1);
    bool *src_seen = ARENA_NEW_ARRAY(&a, bool, j->n_srcs + 1);
    bool *sink_seen = ARENA_NEW_ARRAY(&a, bool, j->n_ops + 1);
    for (uint32_t k = 0; k < n_sec && rc == FSQL_OK; k++) {
        Section *sec = &secs[k];
        SnapReader br;
        snap_reader_init(&br, sec->blob, sec->len);
        br.format = f.format;
        char msg[900];
        if (sec->type == CKPT_SEC_OP) {
            if (sec->index >= j->n_ops) {
                rc = restore_fail(err, &f, "operator index out of range");
                break;
            }
            if (op_seen[sec->index]) {
                rc = restore_fail(err, &f, "an operator saved twice");
                break;
            }
            op_seen[sec->index] = true;
            OpState *s = j->ops[sec->index];
            n_ops_seen++;
            char where[160];
            op_where(j, sec->index, where, sizeof where);
            if (!get_op_frame(&br, s, now)) {
                snprintf(msg, sizeof msg, "operator %s: malformed state",
                         where);
                rc = restore_fail(err, &f, msg);
                break;
            }
            bool has_state = snap_get_bool(&br);
            uint32_t n = 0;
            const void *p = has_state ? snap_get_bytes(&br, &n) : NULL;
            if (!snap_reader_done(&br)) {
                snprintf(msg, sizeof msg, "operator %s: malformed state",
                         where);
                rc = restore_fail(err, &f, msg);
                break;
            }
            if (has_state && !s->v->restore) {
                snprintf(msg, sizeof msg,
                         "operator %s has saved state but cannot restore it",
                         where);
                rc = restore_fail(err, &f, msg);
                break;
            }
            if (has_state) {
                SnapReader sr;
                snap_reader_init(&sr, p, n);
                sr.format = f.format;
                int orc = s->v->restore(s, &sr);
                if (orc < 0 || j->failed) {
                    snprintf(msg, sizeof msg, "operator %s: %s", where,
                             j->failed ? j->err.msg : "malformed state");
                    rc = restore_fail(err, &f, msg);
                    break;
                }
            }
        } else if (sec->type == CKPT_SEC_SOURCE) {
            if (sec->index >= j->n_srcs) {
                rc = restore_fail(err, &f, "source index out of range");
                break;
            }
            if (src_seen[sec->index]) {
                rc = restore_fail(err, &f, "a source saved twice");
                break;
            }
            src_seen[sec->index] = true;
            SharedSource *ss = &j->srcs[sec->index];
            SourceReader *sr = ss->reader;
            n_srcs_seen++;
            uint32_t layout = snap_get_u32(&br);
            bool ended = snap_get_bool(&br);
            for (int q = 0; q < 4; q++)
                (void)snap_get_u64(&br); /* counters: see get_op_frame */
            uint32_t turn_left = layout >= 2 ? snap_get_u32(&br) : 0;
            uint32_t n = 0;
            const void *p = snap_get_bytes(&br, &n);
            if (layout < 1 || layout > 2 || !snap_reader_done(&br) ||
                turn_left > WM_ORDER_TURN_ROWS) {
                snprintf(msg, sizeof msg, "source \"%s\": malformed position",
                         ss->table.name);
                rc = restore_fail(err, &f, msg);
                break;
            }
            SnapReader pr;
            snap_reader_init(&pr, p, n);
            pr.format = f.format;
            FsqlErr e;
            fsql_err_clear(&e);
            int src_rc = sr->v->restore(sr, &pr, &e);
            if (src_rc < 0) {
                snprintf(msg, sizeof msg, "source \"%s\": %s", ss->table.name,
                         e.msg[0] ? e.msg : "malformed position");
                rc = restore_fail(err, &f, msg);
                break;
            }
            ss->ended = ended;
            if (turn_left) {
                j->turn_src = (int32_t)sec->index;
                j->turn_left = turn_left;
            }
        }
    }
    if (rc == FSQL_OK && (n_ops_seen != j->n_ops || n_srcs_seen != j->n_srcs))
        rc = restore_fail(err, &f,
                          "it does not hold every operator and source of "
                          "this job");
    /* Sinks last: finish the epoch the checkpoint decided on. */
    for (uint32_t k = 0; k < n_sec && rc == FSQL_OK; k++) {
        Section *sec = &secs[k];
        if (sec->type != CKPT_SEC_SINK)
            continue;
        if (sec->index >= j->n_ops) {
            rc = restore_fail(err, &f, "sink index out of range");
            break;
        }
        if (sink_seen[sec->index]) {
            rc = restore_fail(err, &f, "a sink saved twice");
            break;
        }
        sink_seen[sec->index] = true;
        OpState *s = j->ops[sec->index];
        SinkWriter *w = op_sink_writer(s);
        if (!w || !w->v->recover) {
            char msg[300];
            snprintf(msg, sizeof msg,
                     "table \"%s\" has a pending exactly-once epoch but is "
                     "not written exactly-once any more",
                     op_sink_table_name(j, s));
            rc = restore_fail(err, &f, msg);
            break;
        }
        SnapReader pr;
        snap_reader_init(&pr, sec->blob, sec->len);
        pr.format = f.format;
        FsqlErr e;
        fsql_err_clear(&e);
        if (w->v->recover(w, f.id, &pr, &e) < 0) {
            char msg[700];
            snprintf(msg, sizeof msg, "table \"%s\": %s",
                     op_sink_table_name(j, s), e.msg);
            rc = restore_fail(err, &f, msg);
            break;
        }
    }
    if (rc == FSQL_OK) {
        c->st.restored_id = f.id;
        int64_t age = job_now_wall_ms() - f.wall_ms;
        log_info("restored checkpoint %" PRIu64 " from %s (age %.1f s): %zu "
                 "bytes in %.3f ms",
                 f.id, c->dir, (double)age / 1000.0, f.len,
                 (job_now_mono_s() - t0) * 1000.0);
    }
out:
    arena_fini(&a);
    ckpt_file_free(&f);
    return rc;
}

void ckpt_free(Job *j)
{
    JobCkpt *c = j->ckpt;
    /* A job that failed may leave a file being written: wait for it (it
     * is complete and valid, only not committed - a restart does). */
    if (c && c->in_flight) {
        pthread_join(c->thr, NULL);
        c->in_flight = false;
    }
    /* everything else lives in the job arena */
}

void ckpt_summary(Job *j, FILE *f)
{
    const CheckpointStats *st = ckpt_stats(j);
    if (!st)
        return;
    fprintf(f, "fsql: checkpoints: %llu completed, %llu failed",
            (unsigned long long)st->completed, (unsigned long long)st->failed);
    if (st->completed)
        fprintf(f,
                ", last %llu (%llu bytes), pause mean %.3f ms, max %.3f ms",
                (unsigned long long)st->last_id,
                (unsigned long long)st->last_size_bytes,
                st->sum_pause_s * 1000.0 / (double)st->completed,
                st->max_pause_s * 1000.0);
    if (st->restored_id)
        fprintf(f, "; restored from %llu",
                (unsigned long long)st->restored_id);
    fputc('\n', f);
}
