/*
 * test_checkpoint.c - the snapshot codec (SnapWriter/SnapReader) and the
 * checkpoint file layer of runtime/checkpoint.c (issue 10).
 *
 * Codec: every put/get pair and every ValueKind round-trips; every
 * truncation of a blob reads as bad (never past the end, never a crash);
 * malformed bytes (a bool of 2, an unknown value kind) read as bad.
 * Files: written and read back; a flipped byte, a truncated file and a
 * wrong magic are damage (FSQL_E_STATE, fallback), a newer format version
 * is refused (FSQL_E_UNSUPPORTED); ckpt_load_newest falls back past a
 * damaged newest file and refuses another job's checkpoint.
 */
#include "runtime/fsql.h"
#include "runtime/checkpoint.h"
#include "runtime/checkpoint_int.h"
#include "runtime/log.h"
#include "tests/unit/unit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

static Value v_int(ValueKind k, int64_t x)
{
    Value v = value_null(k);
    v.is_null = false;
    v.u.i = x;
    return v;
}

static Value v_str(ValueKind k, const char *p, uint32_t n)
{
    Value v = value_null(k);
    v.is_null = false;
    v.u.s.ptr = p;
    v.u.s.len = n;
    return v;
}

/* Every kind, nulls included. */
static uint32_t sample_values(Value *out)
{
    uint32_t n = 0;
    out[n++] = value_null(VK_NULLTYPE);
    out[n++] = v_int(VK_BOOL, 1);
    out[n++] = v_int(VK_BOOL, 0);
    out[n++] = v_int(VK_INT, INT64_MIN);
    out[n++] = v_int(VK_INT, -1);
    Value d = value_null(VK_DOUBLE);
    d.is_null = false;
    d.u.f = -0.1;
    out[n++] = d;
    d.u.f = INFINITY;
    out[n++] = d;
    Value dec = value_null(VK_DECIMAL);
    value_set_dec(&dec, -((i128)1 << 100) - 12345);
    out[n++] = dec;
    out[n++] = v_str(VK_STRING, "h\0llo", 5);
    out[n++] = v_str(VK_STRING, "", 0);
    out[n++] = v_str(VK_BYTES, "\xff\x00\x01", 3);
    out[n++] = v_int(VK_DATE, -719162);
    out[n++] = v_int(VK_TIME, 86399999);
    out[n++] = v_int(VK_TIMESTAMP, 1700000000123);
    out[n++] = v_int(VK_TIMESTAMP_LTZ, -5);
    out[n++] = v_int(VK_INTERVAL_MS, 3600000);
    out[n++] = v_int(VK_INTERVAL_MONTHS, -14);
    out[n++] = value_null(VK_STRING);
    out[n++] = value_null(VK_DECIMAL);
    out[n++] = value_null(VK_TIMESTAMP);
    return n;
}

static bool same_value(const Value *a, const Value *b)
{
    if (a->kind != b->kind || a->is_null != b->is_null)
        return false;
    if (a->is_null)
        return true;
    switch ((ValueKind)a->kind) {
    case VK_NULLTYPE:
        return true;
    case VK_DOUBLE:
        return memcmp(&a->u.f, &b->u.f, sizeof a->u.f) == 0;
    case VK_DECIMAL:
        return value_get_dec(a) == value_get_dec(b);
    case VK_STRING:
    case VK_BYTES:
        return a->u.s.len == b->u.s.len &&
               memcmp(a->u.s.ptr, b->u.s.ptr, a->u.s.len) == 0;
    default:
        return a->u.i == b->u.i;
    }
}

/* A blob with one of everything; the reader below checks it. */
static void write_everything(SnapWriter *w)
{
    Value vs[32];
    uint32_t n = sample_values(vs);
    snap_put_u32(w, 7);
    snap_put_u8(w, 0xAB);
    snap_put_u32(w, 0xDEADBEEFu);
    snap_put_u64(w, 0x0123456789ABCDEFULL);
    snap_put_i64(w, INT64_MIN);
    snap_put_f64(w, -2.5e300);
    snap_put_bool(w, true);
    snap_put_bytes(w, "abc", 3);
    snap_put_cstr(w, NULL);
    snap_put_cstr(w, "");
    snap_put_cstr(w, "key");
    snap_put_u32(w, n);
    snap_put_values(w, vs, n);
}

/* Reads it back; returns whether everything matched and was consumed. */
static bool read_everything(SnapReader *r, Arena *a)
{
    Value want[32], got[32];
    uint32_t n = sample_values(want);
    bool ok = snap_get_u32(r) == 7;
    ok &= snap_get_u8(r) == 0xAB;
    ok &= snap_get_u32(r) == 0xDEADBEEFu;
    ok &= snap_get_u64(r) == 0x0123456789ABCDEFULL;
    ok &= snap_get_i64(r) == INT64_MIN;
    ok &= snap_get_f64(r) == -2.5e300;
    ok &= snap_get_bool(r) == true;
    uint32_t bn;
    const char *b = snap_get_bytes(r, &bn);
    ok &= b && bn == 3 && memcmp(b, "abc", 3) == 0;
    ok &= snap_get_cstr(r, a) == NULL;
    char *e = snap_get_cstr(r, a);
    ok &= e && e[0] == '\0';
    char *k = snap_get_cstr(r, a);
    ok &= k && strcmp(k, "key") == 0;
    uint32_t m = snap_get_u32(r);
    if (m != n)
        return false;
    snap_get_values(r, got, n);
    for (uint32_t i = 0; i < n; i++)
        ok &= same_value(&got[i], &want[i]);
    return ok && snap_reader_done(r);
}

static void test_ckpt_codec_roundtrip(void)
{
    SnapWriter w;
    snap_writer_init(&w);
    write_everything(&w);
    Arena a;
    arena_init(&a, 1024);
    SnapReader r;
    snap_reader_init(&r, w.buf, w.len);
    UNIT_CHECK(read_everything(&r, &a));
    UNIT_CHECK(!r.bad);
    /* Little-endian on the wire, whatever the host. */
    SnapWriter w2;
    snap_writer_init(&w2);
    snap_put_u32(&w2, 0x01020304u);
    UNIT_REQUIRE(w2.len == 4);
    UNIT_CHECK(w2.buf[0] == 4 && w2.buf[3] == 1);
    /* A NaN keeps its bits. */
    double nan = NAN;
    snap_put_f64(&w2, nan);
    snap_reader_init(&r, w2.buf, w2.len);
    snap_get_u32(&r);
    UNIT_CHECK(isnan(snap_get_f64(&r)));
    UNIT_CHECK(snap_reader_done(&r));
    snap_writer_fini(&w2);
    snap_writer_fini(&w);
    arena_fini(&a);
}

static void test_ckpt_codec_truncated(void)
{
    SnapWriter w;
    snap_writer_init(&w);
    write_everything(&w);
    Arena a;
    arena_init(&a, 1024);
    /* Every proper prefix: never valid, always bad, never past the end
     * (the copy is exactly the prefix long, so ASan/valgrind would
     * notice an overread). */
    for (size_t n = 0; n < w.len; n++) {
        uint8_t *copy = xmalloc(n ? n : 1);
        memcpy(copy, w.buf, n);
        SnapReader r;
        snap_reader_init(&r, copy, n);
        bool ok = read_everything(&r, &a);
        if (ok || !r.bad || snap_reader_done(&r)) {
            unit_fail(__FILE__, __LINE__, "prefix of %zu bytes read as valid",
                      n);
            xfree(copy);
            break;
        }
        UNIT_CHECK(r.p <= r.end);
        xfree(copy);
    }
    /* A trailing byte: everything read, but not done. */
    snap_put_u8(&w, 0);
    SnapReader r;
    snap_reader_init(&r, w.buf, w.len);
    UNIT_CHECK(!read_everything(&r, &a));
    UNIT_CHECK(!r.bad);
    /* Reads after bad return zeros and keep bad. */
    snap_reader_init(&r, "\x01", 1);
    UNIT_EQ_INT(snap_get_u32(&r), 0);
    UNIT_CHECK(r.bad);
    UNIT_EQ_INT(snap_get_u8(&r), 0);
    uint32_t n = 99;
    UNIT_CHECK(snap_get_bytes(&r, &n) == NULL);
    UNIT_EQ_INT(n, 0);
    /* A huge length does not wrap around. */
    snap_reader_init(&r, "\xff\xff\xff\xfe" "ab", 6);
    UNIT_CHECK(snap_get_bytes(&r, &n) == NULL);
    UNIT_CHECK(r.bad);
    snap_writer_fini(&w);
    arena_fini(&a);
}

static void test_ckpt_codec_malformed(void)
{
    SnapReader r;
    /* A bool must be 0 or 1. */
    snap_reader_init(&r, "\x02", 1);
    snap_get_bool(&r);
    UNIT_CHECK(r.bad);
    /* Unknown value kind. */
    Value v;
    snap_reader_init(&r, "\x63\x00", 2);
    snap_get_value(&r, &v);
    UNIT_CHECK(r.bad);
    UNIT_CHECK(v.is_null);
    /* A BOOL value of 7. */
    SnapWriter w;
    snap_writer_init(&w);
    Value b = v_int(VK_BOOL, 7);
    snap_put_value(&w, &b);
    snap_reader_init(&r, w.buf, w.len);
    snap_get_value(&r, &v);
    UNIT_CHECK(r.bad);
    snap_writer_fini(&w);
    /* A cstr with a NUL inside. */
    Arena a;
    arena_init(&a, 256);
    snap_writer_init(&w);
    snap_put_bytes(&w, "a\0b", 3);
    snap_reader_init(&r, w.buf, w.len);
    UNIT_CHECK(snap_get_cstr(&r, &a) == NULL);
    UNIT_CHECK(r.bad);
    snap_writer_fini(&w);
    arena_fini(&a);
    /* NULL blob of length 0 is an empty, valid blob. */
    snap_reader_init(&r, NULL, 0);
    UNIT_CHECK(snap_reader_done(&r));
}

/* ---- files ---------------------------------------------------------------- */

static char tmpdir[256];

static const char *make_dir(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/fsql-unit-ckpt-XXXXXX");
    return mkdtemp(tmpdir);
}

static void remove_dir(const char *dir)
{
    uint64_t *ids;
    uint32_t n = ckpt_dir_list(dir, &ids);
    for (uint32_t i = 0; i < n; i++) {
        char p[512];
        ckpt_file_path(dir, ids[i], p, sizeof p);
        unlink(p);
    }
    xfree(ids);
    rmdir(dir);
}

static uint8_t *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = xmalloc((size_t)len + 1);
    *n = fread(b, 1, (size_t)len, f);
    fclose(f);
    return b;
}

static void spit(const char *path, const uint8_t *b, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return;
    fwrite(b, 1, n, f);
    fclose(f);
}

static void test_ckpt_file_roundtrip(void)
{
    const char *dir = make_dir();
    UNIT_REQUIRE(dir);
    FsqlErr err;
    fsql_err_clear(&err);
    size_t size = 0;
    UNIT_EQ_INT(ckpt_file_write(dir, 3, 1234, 0xF00D, "body!", 5, &size, &err),
                FSQL_OK);
    UNIT_EQ_INT(size, 44 + 5 + 4);
    char path[512];
    ckpt_file_path(dir, 3, path, sizeof path);
    UNIT_CHECK(strstr(path, "/chk-0000000003.fsqlcp") != NULL);
    CkptFile f;
    UNIT_EQ_INT(ckpt_file_read(path, &f, &err), FSQL_OK);
    UNIT_EQ_INT(f.id, 3);
    UNIT_EQ_INT(f.wall_ms, 1234);
    UNIT_EQ_INT(f.fingerprint, 0xF00D);
    UNIT_EQ_INT(f.format, CHECKPOINT_FORMAT_VERSION);
    UNIT_REQUIRE(f.body_len == 5);
    UNIT_CHECK(memcmp(f.body, "body!", 5) == 0);
    ckpt_file_free(&f);
    /* No temporary file is left behind. */
    char tmp[512];
    snprintf(tmp, sizeof tmp, "%s/.chk-0000000003.tmp", dir);
    UNIT_CHECK(access(tmp, F_OK) != 0);
    remove_dir(dir);
}

static void test_ckpt_file_damage(void)
{
    const char *dir = make_dir();
    UNIT_REQUIRE(dir);
    FsqlErr err;
    fsql_err_clear(&err);
    char path[512];
    ckpt_file_path(dir, 1, path, sizeof path);
    UNIT_EQ_INT(ckpt_file_write(dir, 1, 1, 7, "0123456789", 10, NULL, &err),
                FSQL_OK);
    size_t n;
    uint8_t *orig = slurp(path, &n);
    UNIT_REQUIRE(orig && n == 58);
    CkptFile f;
    /* Every single flipped bit is noticed. */
    for (size_t i = 0; i < n; i++) {
        orig[i] ^= 0x10;
        spit(path, orig, n);
        orig[i] ^= 0x10;
        fsql_err_clear(&err);
        int rc = ckpt_file_read(path, &f, &err);
        if (rc != FSQL_E_STATE) {
            unit_fail(__FILE__, __LINE__, "flip at %zu: rc %d (%s)", i, rc,
                      err.msg);
            break;
        }
    }
    /* The messages say which damage. */
    orig[50] ^= 1;
    spit(path, orig, n);
    orig[50] ^= 1;
    UNIT_EQ_INT(ckpt_file_read(path, &f, &err), FSQL_E_STATE);
    UNIT_EQ_STR(err.msg, "checkpoint chk-0000000001.fsqlcp: checksum mismatch");
    spit(path, orig, n - 7);
    UNIT_EQ_INT(ckpt_file_read(path, &f, &err), FSQL_E_STATE);
    UNIT_EQ_STR(err.msg,
                "checkpoint chk-0000000001.fsqlcp: truncated (51 of 58 bytes)");
    spit(path, (const uint8_t *)"PK\3\4 not ours at all", 20);
    UNIT_EQ_INT(ckpt_file_read(path, &f, &err), FSQL_E_STATE);
    UNIT_EQ_STR(err.msg, "checkpoint chk-0000000001.fsqlcp: not an fsql "
                         "checkpoint file (bad magic)");
    spit(path, orig, 0);
    UNIT_EQ_INT(ckpt_file_read(path, &f, &err), FSQL_E_STATE);
    /* A newer format with an intact checksum: refused, not skipped (a
     * damaged version field is just damage: the flips above). */
    orig[8] = (uint8_t)(CHECKPOINT_FORMAT_VERSION + 1);
    uint32_t crc = (uint32_t)crc32(0L, orig, (uInt)(n - 4));
    for (int i = 0; i < 4; i++)
        orig[n - 4 + (size_t)i] = (uint8_t)(crc >> (8 * i));
    spit(path, orig, n);
    UNIT_EQ_INT(ckpt_file_read(path, &f, &err), FSQL_E_UNSUPPORTED);
    UNIT_EQ_STR(err.msg, "checkpoint chk-0000000001.fsqlcp was written in "
                         "format version 2 by a newer fsql; this build reads "
                         "versions up to 1");
    xfree(orig);
    remove_dir(dir);
}

static void test_ckpt_file_fallback(void)
{
    const char *dir = make_dir();
    UNIT_REQUIRE(dir);
    LogLevel saved = log_level_current;
    log_set_level(LOG_ERROR); /* the fallback warning is expected */
    FsqlErr err;
    fsql_err_clear(&err);
    for (uint64_t id = 8; id <= 10; id++)
        UNIT_EQ_INT(ckpt_file_write(dir, id, (int64_t)id, 99, &id, 8, NULL,
                                    &err),
                    FSQL_OK);
    uint64_t *ids;
    UNIT_EQ_INT(ckpt_dir_list(dir, &ids), 3);
    UNIT_CHECK(ids[0] == 8 && ids[2] == 10);
    xfree(ids);
    CkptFile f;
    uint64_t max_id;
    UNIT_EQ_INT(ckpt_load_newest(dir, 99, &f, &max_id, &err), 1);
    UNIT_EQ_INT(f.id, 10);
    UNIT_EQ_INT(max_id, 10);
    ckpt_file_free(&f);
    /* Damage 10 (truncate) and 9 (flip): 8 is used; max_id stays 10. */
    char path[512];
    size_t n;
    ckpt_file_path(dir, 10, path, sizeof path);
    uint8_t *b = slurp(path, &n);
    spit(path, b, n / 2);
    xfree(b);
    ckpt_file_path(dir, 9, path, sizeof path);
    b = slurp(path, &n);
    b[n - 6] ^= 0xFF;
    spit(path, b, n);
    xfree(b);
    UNIT_EQ_INT(ckpt_load_newest(dir, 99, &f, &max_id, &err), 1);
    UNIT_EQ_INT(f.id, 8);
    UNIT_EQ_INT(max_id, 10);
    ckpt_file_free(&f);
    /* Another job's checkpoint. */
    fsql_err_clear(&err);
    UNIT_EQ_INT(ckpt_load_newest(dir, 98, &f, &max_id, &err), FSQL_E_CONFIG);
    UNIT_CHECK(strstr(err.msg, "was taken by a different job") != NULL);
    /* Nothing left: 0. */
    ckpt_file_path(dir, 8, path, sizeof path);
    unlink(path);
    UNIT_EQ_INT(ckpt_load_newest(dir, 99, &f, &max_id, &err), 0);
    /* A missing directory holds no checkpoints. */
    UNIT_EQ_INT(ckpt_load_newest("/nonexistent/fsql", 99, &f, &max_id, &err),
                0);
    log_set_level(saved);
    remove_dir(dir);
}

static const UnitTest ckpt_tests[] = {
    {"ckpt_codec_roundtrip", test_ckpt_codec_roundtrip},
    {"ckpt_codec_truncated", test_ckpt_codec_truncated},
    {"ckpt_codec_malformed", test_ckpt_codec_malformed},
    {"ckpt_file_roundtrip", test_ckpt_file_roundtrip},
    {"ckpt_file_damage", test_ckpt_file_damage},
    {"ckpt_file_fallback", test_ckpt_file_fallback},
    {NULL, NULL},
};
UNIT_REGISTER(ckpt_tests)
