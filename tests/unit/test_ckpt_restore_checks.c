/*
 * test_ckpt_restore_checks.c - what a damaged checkpoint must not get
 * past (findings of tests/fuzz/fuzz_checkpoint.c, issue 10):
 *
 *   - snap_want_kind: a restored value whose kind is not its column's
 *     marks the blob bad (code that hashes by the column type would read
 *     an integer as a string pointer); a NULL takes the column's kind;
 *   - ckpt_restore: a file that names one operator twice (and another
 *     not at all) is refused - the section counts alone would match.
 *
 * The second test runs a small job over a bounded datagen source with
 * checkpoints on, rewrites the body of its final checkpoint and opens a
 * fresh job on it.
 */
#include "runtime/fsql.h"
#include "compiler/codegen.h"
#include "compiler/compile.h"
#include "runtime/checkpoint.h"
#include "runtime/checkpoint_int.h"
#include "runtime/job.h"
#include "runtime/log.h"
#include "tests/unit/op_script.h"
#include "tests/unit/unit.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_snap_want_kind(void)
{
    SnapWriter w;
    snap_writer_init(&w);
    Value v = value_null(VK_INT);
    v.is_null = false;
    v.u.i = 42;
    snap_put_value(&w, &v);
    Value s = value_null(VK_STRING);
    s.is_null = false;
    s.u.s.ptr = "abc";
    s.u.s.len = 3;
    snap_put_value(&w, &s);
    Value n = value_null(VK_DOUBLE);
    snap_put_value(&w, &n);

    /* the right kinds: nothing bad, the NULL takes the wanted kind */
    SnapReader r;
    snap_reader_init(&r, w.buf, w.len);
    Value got[3];
    snap_get_values(&r, got, 3);
    snap_want_kind(&r, &got[0], VK_INT);
    snap_want_kind(&r, &got[1], VK_STRING);
    snap_want_kind(&r, &got[2], VK_STRING);
    UNIT_CHECK(snap_reader_done(&r));
    UNIT_EQ_INT(got[0].u.i, 42);
    UNIT_EQ_INT(got[1].u.s.len, 3);
    UNIT_CHECK(got[2].is_null);
    UNIT_EQ_INT(got[2].kind, VK_STRING);

    /* an integer where a string is wanted: bad, and a NULL string */
    snap_reader_init(&r, w.buf, w.len);
    snap_get_value(&r, &got[0]);
    snap_want_kind(&r, &got[0], VK_STRING);
    UNIT_CHECK(r.bad);
    UNIT_CHECK(got[0].is_null);
    UNIT_EQ_INT(got[0].kind, VK_STRING);

    /* the schema form */
    RtColumn cols[2];
    memset(cols, 0, sizeof cols);
    cols[0].name = "a";
    cols[0].type.kind = VK_INT;
    cols[1].name = "b";
    cols[1].type.kind = VK_INT;
    RtSchema sch = {2, cols};
    snap_reader_init(&r, w.buf, w.len);
    snap_get_values(&r, got, 2);
    snap_want_kinds(&r, got, 2, &sch);
    UNIT_CHECK(r.bad);
    snap_writer_fini(&w);
}

static const char *restore_sql =
    "CREATE TEMPORARY TABLE tx (transaction_id BIGINT, user_id BIGINT, "
    "amount DECIMAL(15, 2), location STRING, transaction_time TIMESTAMP(3), "
    "WATERMARK FOR transaction_time AS transaction_time - INTERVAL '5' "
    "SECOND) WITH ('connector' = 'datagen', 'generator' = 'transactions', "
    "'number-of-rows' = '200', 'generator.users' = '5', 'generator.seed' = "
    "'3', 'generator.time-step' = '500 ms');\n"
    "SELECT user_id, COUNT(*), MAX(location) FROM tx WHERE amount > 10 "
    "GROUP BY user_id;";

static void rm_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        char p[600];
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(dir);
}

static Job *open_on(const Program *const *progs, const char *dir, FILE *out,
                    FsqlErr *err)
{
    JobConfig cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.out = out;
    cfg.err_out = out;
    cfg.output = OUTPUT_CHANGELOG;
    cfg.checkpoint_dir = dir;
    return job_new(progs, 1, &cfg, err);
}

typedef struct Sec {
    const uint8_t *start; /* the whole section, head included */
    size_t len;
    uint8_t type;
    uint32_t index;
} Sec;

static void test_ckpt_restore_duplicate_section(void)
{
    LogLevel saved = log_level_current;
    log_set_level(LOG_ERROR);
    char dir[] = "/tmp/fsql-unit-ckdup-XXXXXX";
    UNIT_REQUIRE(mkdtemp(dir) != NULL);
    FILE *out = fopen("/dev/null", "w");
    UNIT_REQUIRE(out != NULL);

    Program *prog = op_script_compile(restore_sql);
    UNIT_REQUIRE(prog != NULL);
    const Program *progs[1] = {prog};

    /* a real checkpoint: the final one at the end of input */
    FsqlErr err;
    fsql_err_clear(&err);
    Job *j = open_on(progs, dir, out, &err);
    UNIT_REQUIRE(j != NULL);
    UNIT_EQ_INT(job_open(j, &err), FSQL_OK);
    UNIT_EQ_INT(job_run(j, &err), FSQL_OK);
    job_free(j);
    CkptFile f;
    uint64_t max_id = 0;
    UNIT_REQUIRE(ckpt_load_newest(dir, 0, &f, &max_id, &err) == 1);

    /* its sections */
    SnapReader r;
    snap_reader_init(&r, f.body, f.body_len);
    uint32_t n_sec = snap_get_u32(&r);
    UNIT_REQUIRE(n_sec >= 2 && n_sec < 64);
    Sec secs[64];
    Arena a;
    arena_init(&a, 1024);
    int first_op = -1, second_op = -1;
    for (uint32_t k = 0; k < n_sec; k++) {
        secs[k].start = r.p;
        secs[k].type = snap_get_u8(&r);
        secs[k].index = snap_get_u32(&r);
        (void)snap_get_cstr(&r, &a);
        uint32_t n;
        (void)snap_get_bytes(&r, &n);
        secs[k].len = (size_t)(r.p - secs[k].start);
        if (secs[k].type == 1 && first_op < 0)
            first_op = (int)k;
        else if (secs[k].type == 1 && second_op < 0)
            second_op = (int)k;
    }
    UNIT_REQUIRE(snap_reader_done(&r));
    UNIT_REQUIRE(first_op >= 0 && second_op >= 0);

    /* the same body with the first operator's section in place of the
     * second's: as many operator sections as operators, one twice */
    SnapWriter w;
    snap_writer_init(&w);
    snap_put_u32(&w, n_sec);
    for (uint32_t k = 0; k < n_sec; k++) {
        const Sec *s = &secs[(int)k == second_op ? (uint32_t)first_op : k];
        for (size_t b = 0; b < s->len; b++)
            snap_put_u8(&w, s->start[b]);
    }
    uint64_t fp = f.fingerprint, id = max_id + 1;
    /* the untouched body restores (the harness reaches restore) */
    UNIT_EQ_INT(ckpt_file_write(dir, id, 0, fp, f.body, f.body_len, NULL,
                                &err),
                FSQL_OK);
    j = open_on(progs, dir, out, &err);
    UNIT_REQUIRE(j != NULL);
    UNIT_EQ_INT(job_open(j, &err), FSQL_OK);
    job_free(j);
    /* the doctored one is refused */
    UNIT_EQ_INT(ckpt_file_write(dir, id + 1, 0, fp, w.buf, w.len, NULL, &err),
                FSQL_OK);
    fsql_err_clear(&err);
    j = open_on(progs, dir, out, &err);
    UNIT_REQUIRE(j != NULL);
    UNIT_EQ_INT(job_open(j, &err), FSQL_E_STATE);
    UNIT_CHECK(strstr(err.msg, "an operator saved twice") != NULL);
    job_free(j);

    snap_writer_fini(&w);
    arena_fini(&a);
    ckpt_file_free(&f);
    program_free(prog);
    fclose(out);
    rm_dir(dir);
    log_set_level(saved);
}

static const UnitTest ckpt_restore_checks_tests[] = {
    {"ckpt_snap_want_kind", test_snap_want_kind},
    {"ckpt_restore_duplicate_section", test_ckpt_restore_duplicate_section},
    {NULL, NULL},
};
UNIT_REGISTER(ckpt_restore_checks_tests)
