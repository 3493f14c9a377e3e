/*
 * fuzz_checkpoint.c - libFuzzer target for the checkpoint reader (issue
 * 10): the file layer, the blob codec and the restore of real operators.
 *
 * The first byte of an input picks what the rest is:
 *   mode 0: a whole checkpoint file.  It is written to a private
 *           directory as chk-0000000001.fsqlcp and loaded with
 *           ckpt_file_read and ckpt_load_newest; when it loads, its
 *           section table is walked as ckpt_restore walks it.  The same
 *           bytes are also decoded as a script of SnapReader calls (each
 *           byte picks the next snap_get_*), which must never read past
 *           the end.
 *   mode k (1..N): the body (section table) of a checkpoint of job
 *           k, a small compiled query over a datagen source (group
 *           aggregate, TUMBLE window, OVER, MATCH_RECOGNIZE, regular join,
 *           deduplication).  The target wraps it in a valid file (right
 *           plan fingerprint and checksum, so the bytes reach the
 *           operators' restore functions) and opens a fresh job on that
 *           directory: job_open restores it, and when it did, the job
 *           runs to the end of its input.  A restore may fail with an
 *           error; it must not crash, read out of bounds or leak (the job
 *           is freed after each input, so LeakSanitizer sees leaks).
 *   mode N+k: splice: the real body of job k with the blob of one of its
 *           sections (the next byte picks which) replaced by the rest of
 *           the input, so that mutations reach one operator's or source's
 *           restore with the framing intact.
 *
 * At start-up each job runs once (0.4 s, rate-limited) to the end of its
 * bounded input with a checkpoint every 60 ms; the one from the middle of
 * the run gives the plan fingerprint and a real body.  With FUZZ_CKPT_SEEDS=DIR in the environment, the target
 * writes those real inputs (modes 0 and k) into DIR as seeds
 * (tests/fuzz/corpus-checkpoint holds a set made that way).
 *
 *   make fuzz-checkpoint FUZZ_SECONDS=300
 */
#include "runtime/fsql.h"
#include "compiler/codegen.h"
#include "compiler/compile.h"
#include "runtime/checkpoint.h"
#include "runtime/checkpoint_int.h"
#include "runtime/job.h"
#include "runtime/job_int.h"
#include "runtime/log.h"
#include "runtime/op.h"
#include "runtime/mem.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define RATE "'rows-per-second' = '1000', "
#define SRC_DDL                                                                \
    "SET 'execution.checkpointing.interval' = '60 ms';\n"                     \
    "SET 'state.checkpoints.num-retained' = '1000';\n"                       \
    "CREATE TEMPORARY TABLE tx (transaction_id BIGINT, user_id BIGINT, "      \
    "amount DECIMAL(15, 2), location STRING, transaction_time "               \
    "TIMESTAMP(3), WATERMARK FOR transaction_time AS transaction_time - "     \
    "INTERVAL '5' SECOND) WITH ('connector' = 'datagen', 'generator' = "      \
    "'transactions', 'number-of-rows' = '400', " RATE \
    "'generator.users' = '7', "                                             \
    "'generator.seed' = '3', 'generator.time-step' = '500 ms', "              \
    "'generator.out-of-orderness' = '5 s');\n"

static const char *const job_sql[] = {
    /* 1: GroupAggregate */
    SRC_DDL "SELECT user_id, COUNT(*), SUM(amount), MAX(location), "
            "COUNT(DISTINCT location) FROM tx GROUP BY user_id;",
    /* 2: TUMBLE window aggregate */
    SRC_DDL "SELECT window_start, user_id, COUNT(*), SUM(amount) FROM "
            "TABLE(TUMBLE(TABLE tx, DESCRIPTOR(transaction_time), INTERVAL "
            "'1' MINUTE)) GROUP BY window_start, window_end, user_id;",
    /* 3: OVER aggregate */
    SRC_DDL "SELECT transaction_id, COUNT(*) OVER w, SUM(amount) OVER w "
            "FROM tx WINDOW w AS (PARTITION BY user_id ORDER BY "
            "transaction_time RANGE BETWEEN INTERVAL '1' MINUTE PRECEDING "
            "AND CURRENT ROW);",
    /* 4: MATCH_RECOGNIZE */
    SRC_DDL "SELECT * FROM tx MATCH_RECOGNIZE (PARTITION BY user_id ORDER "
            "BY transaction_time MEASURES FIRST(A.transaction_id) AS f, "
            "LAST(A.transaction_id) AS l, COUNT(A.*) AS na, B.location AS "
            "loc AFTER MATCH SKIP PAST LAST ROW PATTERN (A+ B) WITHIN "
            "INTERVAL '30' SECOND DEFINE A AS A.amount < 200, B AS "
            "B.amount >= 200) m;",
    /* 5: regular join */
    SRC_DDL "SELECT a.transaction_id, b.transaction_id FROM tx a LEFT "
            "JOIN (SELECT * FROM tx WHERE amount > 100) b ON a.user_id = "
            "b.user_id AND a.location = b.location;",
    /* 6: deduplication and Top-N */
    SRC_DDL "SELECT * FROM (SELECT transaction_id, user_id, amount, "
            "ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY amount DESC) "
            "AS rn FROM tx) WHERE rn <= 3;",
};
#define N_JOBS (sizeof job_sql / sizeof job_sql[0])

typedef struct FuzzJob {
    Program *prog;     /* rate-limited: to take the seed checkpoints */
    Program *fast;     /* the same without the rate (same fingerprint:
                          option values are not part of it): fuzz runs */
    const Program *progs[1]; /* job_new borrows the array too */
    char dir[256];
    uint64_t fp;
    uint8_t *body;     /* the real body of its final checkpoint */
    size_t body_len;
    uint32_t n_sec;    /* its sections: head at body + head[i], blob at */
    size_t head[64];   /* body + blob[i] (after its u32 length), blob_len */
    size_t blob[64];   /* bytes */
    uint32_t blob_len[64];
    const char *seeds;  /* FUZZ_CKPT_SEEDS */
} FuzzJob;

static FuzzJob jobs[N_JOBS];
static char base_dir[200];
static char raw_dir[256];
static FILE *devnull;

static Program *fz_compile(const char *sql)
{
    CompileCtx cc;
    compile_init(&cc);
    uint32_t errs = compile_source(&cc, "<fuzz>", sql, strlen(sql));
    Program *p = NULL;
    if (errs == 0 && cc.n_plans > 0)
        p = codegen_program(&cc, cc.plans[cc.n_plans - 1]);
    else
        for (uint32_t i = 0; i < cc.diags.n; i++)
            fprintf(stderr, "fuzz_checkpoint: compile: %s\n",
                    cc.diags.items[i].msg);
    compile_fini(&cc);
    return p;
}

static void fz_clear_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char path[600];
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' &&
            (e->d_name[1] == '\0' ||
             (e->d_name[1] == '.' && e->d_name[2] == '\0')))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
}

static Job *fz_job_new(FuzzJob *fj, const Program *p, FsqlErr *err)
{
    JobConfig cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.out = devnull;
    cfg.err_out = devnull;
    cfg.output = OUTPUT_CHANGELOG;
    cfg.checkpoint_dir = fj->dir;
    fj->progs[0] = p;
    return job_new(fj->progs, 1, &cfg, err);
}

static void fz_write_seed(const char *dir, const char *name, uint8_t mode,
                          const uint8_t *p, size_t n)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        return;
    fputc(mode, f);
    fwrite(p, 1, n, f);
    fclose(f);
}

/* Run job k once with checkpoints on; keep the fingerprint and body of
 * its final checkpoint. */
static void fz_prepare(uint32_t k, const char *seeds)
{
    FuzzJob *fj = &jobs[k];
    snprintf(fj->dir, sizeof fj->dir, "%s/job%u", base_dir, k + 1);
    mkdir(fj->dir, 0700);
    fj->prog = fz_compile(job_sql[k]);
    char *fast = xstrdup(job_sql[k]);
    char *rate = strstr(fast, RATE);
    if (rate)
        memmove(rate, rate + strlen(RATE), strlen(rate + strlen(RATE)) + 1);
    fj->fast = fz_compile(fast);
    xfree(fast);
    if (!fj->prog || !fj->fast || !rate) {
        fprintf(stderr, "fuzz_checkpoint: job %u does not compile\n", k + 1);
        abort();
    }
    FsqlErr err;
    fsql_err_clear(&err);
    Job *j = fz_job_new(fj, fj->prog, &err);
    if (!j || job_open(j, &err) < 0 || job_run(j, &err) < 0) {
        fprintf(stderr, "fuzz_checkpoint: job %u: %s\n", k + 1, err.msg);
        abort();
    }
    job_free(j);
    /* A checkpoint from the middle of the run: open windows, pending
     * rows and partial matches, and input left to run through them. */
    CkptFile f;
    uint64_t *ids;
    uint32_t n_ids = ckpt_dir_list(fj->dir, &ids);
    char path[600];
    if (n_ids > 0)
        ckpt_file_path(fj->dir, ids[n_ids / 2], path, sizeof path);
    if (n_ids == 0 || ckpt_file_read(path, &f, &err) != FSQL_OK) {
        fprintf(stderr, "fuzz_checkpoint: job %u wrote no checkpoint\n",
                k + 1);
        abort();
    }
    xfree(ids);
    fj->fp = f.fingerprint;
    fj->body_len = f.body_len;
    fj->body = xmalloc(f.body_len ? f.body_len : 1);
    memcpy(fj->body, f.body, f.body_len);
    if (seeds) {
        char name[64];
        snprintf(name, sizeof name, "job%u-body", k + 1);
        fz_write_seed(seeds, name, (uint8_t)(k + 1), fj->body, fj->body_len);
        snprintf(name, sizeof name, "job%u-file", k + 1);
        fz_write_seed(seeds, name, 0, f.data, f.len);
        fj->seeds = seeds;
    }
    ckpt_file_free(&f);
    fz_clear_dir(fj->dir);
    /* Its sections, for splice mode. */
    SnapReader r;
    snap_reader_init(&r, fj->body, fj->body_len);
    Arena a;
    arena_init(&a, 1024);
    fj->n_sec = snap_get_u32(&r);
    if (fj->n_sec > 64)
        abort();
    for (uint32_t i = 0; i < fj->n_sec; i++) {
        fj->head[i] = (size_t)(r.p - fj->body);
        (void)snap_get_u8(&r);
        (void)snap_get_u32(&r);
        (void)snap_get_cstr(&r, &a);
        const uint8_t *b = snap_get_bytes(&r, &fj->blob_len[i]);
        fj->blob[i] = b ? (size_t)(b - fj->body) : 0;
    }
    arena_fini(&a);
    if (!snap_reader_done(&r))
        abort();
    /* splice seeds: each section's real blob */
    for (uint32_t i = 0; fj->seeds && i < fj->n_sec; i++) {
        char name[64];
        snprintf(name, sizeof name, "job%u-sec%u", k + 1, i);
        uint8_t *sb = xmalloc((size_t)fj->blob_len[i] + 1);
        sb[0] = (uint8_t)i;
        memcpy(sb + 1, fj->body + fj->blob[i], fj->blob_len[i]);
        fz_write_seed(fj->seeds, name, (uint8_t)(N_JOBS + 1 + k), sb,
                      (size_t)fj->blob_len[i] + 1);
        xfree(sb);
    }
    /* The harness must reach the operators: the real body, written the
     * way fz_restore writes inputs, restores without error. */
    if (ckpt_file_write(fj->dir, 1, 0, fj->fp, fj->body, fj->body_len, NULL,
                        &err) < 0 ||
        !(j = fz_job_new(fj, fj->fast, &err)) || job_open(j, &err) < 0) {
        fprintf(stderr, "fuzz_checkpoint: job %u: restore: %s\n", k + 1,
                err.msg);
        abort();
    }
    job_free(j);
    fz_clear_dir(fj->dir);
}

static void fz_cleanup(void)
{
    for (uint32_t k = 0; k < N_JOBS; k++) {
        fz_clear_dir(jobs[k].dir);
        rmdir(jobs[k].dir);
    }
    fz_clear_dir(raw_dir);
    rmdir(raw_dir);
    rmdir(base_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    log_set_level(LOG_ERROR);
    devnull = fopen("/dev/null", "w");
    const char *tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(base_dir, sizeof base_dir, "%s/fsql-fuzz-ckpt-%ld", tmp,
             (long)getpid());
    mkdir(base_dir, 0700);
    snprintf(raw_dir, sizeof raw_dir, "%s/raw", base_dir);
    mkdir(raw_dir, 0700);
    atexit(fz_cleanup);
    const char *seeds = getenv("FUZZ_CKPT_SEEDS");
    for (uint32_t k = 0; k < N_JOBS; k++)
        fz_prepare(k, seeds);
    return 0;
}

/* Reads of blob bytes go here, so that ASan checks them. */
static volatile unsigned fz_sink;

/* The bytes as a script of SnapReader calls. */
static void fz_codec(const uint8_t *p, size_t n)
{
    SnapReader r;
    snap_reader_init(&r, p, n);
    Arena a;
    arena_init(&a, 1024);
    while (!r.bad && r.p < r.end) {
        uint8_t op = snap_get_u8(&r);
        switch (op % 10) {
        case 0: (void)snap_get_u8(&r); break;
        case 1: (void)snap_get_u32(&r); break;
        case 2: (void)snap_get_u64(&r); break;
        case 3: (void)snap_get_i64(&r); break;
        case 4: (void)snap_get_f64(&r); break;
        case 5: (void)snap_get_bool(&r); break;
        case 6: {
            uint32_t len;
            const uint8_t *b = snap_get_bytes(&r, &len);
            if (b && len) /* first and last byte must be readable */
                fz_sink += (unsigned)(b[0] + b[len - 1]);
            break;
        }
        case 7: {
            char *s = snap_get_cstr(&r, &a);
            if (s && strlen(s) > n)
                abort(); /* longer than the input: not from the blob */
            break;
        }
        case 8: {
            Value v;
            snap_get_value(&r, &v);
            if (!v.is_null &&
                (v.kind == VK_STRING || v.kind == VK_BYTES) && v.u.s.len) {
                if (v.u.s.len > n)
                    abort();
                fz_sink += (unsigned)((uint8_t)v.u.s.ptr[0] +
                                      (uint8_t)v.u.s.ptr[v.u.s.len - 1]);
            }
            break;
        }
        default: {
            Value v[3];
            snap_get_values(&r, v, 3);
            break;
        }
        }
    }
    if (r.p > r.end)
        abort();
    (void)snap_reader_done(&r);
    arena_fini(&a);
}

/* Mode 0: a whole file. */
static void fz_file(const uint8_t *p, size_t n)
{
    char path[600];
    ckpt_file_path(raw_dir, 1, path, sizeof path);
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    fwrite(p, 1, n, f);
    fclose(f);
    CkptFile cf;
    FsqlErr err;
    fsql_err_clear(&err);
    if (ckpt_file_read(path, &cf, &err) == FSQL_OK) {
        if (cf.body < cf.data || cf.body + cf.body_len > cf.data + cf.len)
            abort();
        /* the section table, as ckpt_restore reads it */
        Arena a;
        arena_init(&a, 1024);
        SnapReader r;
        snap_reader_init(&r, cf.body, cf.body_len);
        uint32_t n_sec = snap_get_u32(&r);
        if (!r.bad && n_sec <= cf.body_len) {
            for (uint32_t k = 0; k < n_sec && !r.bad; k++) {
                (void)snap_get_u8(&r);
                (void)snap_get_u32(&r);
                (void)snap_get_cstr(&r, &a);
                uint32_t len;
                const void *b = snap_get_bytes(&r, &len);
                fz_codec(b, len);
            }
        }
        arena_fini(&a);
        ckpt_file_free(&cf);
    }
    uint64_t max_id;
    fsql_err_clear(&err);
    if (ckpt_load_newest(raw_dir, 0, &cf, &max_id, &err) == 1)
        ckpt_file_free(&cf);
    unlink(path);
    fz_codec(p, n);
}

/* Mode k: the body of job k's checkpoint, restored by a fresh job. */
static void fz_restore(FuzzJob *fj, const uint8_t *p, size_t n);

/* Splice mode: the real body of job k with the blob of one section
 * (p[0] picks it) replaced by the rest of the input, so that mutations
 * reach one operator's or source's restore with the framing intact. */
static void fz_splice(FuzzJob *fj, const uint8_t *p, size_t n)
{
    if (n < 1 || fj->n_sec == 0)
        return;
    uint32_t k = p[0] % fj->n_sec;
    p++;
    n--;
    size_t pre = fj->blob[k] - 4; /* up to the blob's u32 length */
    size_t post = fj->blob[k] + fj->blob_len[k];
    size_t len = pre + 4 + n + (fj->body_len - post);
    uint8_t *b = xmalloc(len);
    memcpy(b, fj->body, pre);
    for (int i = 0; i < 4; i++)
        b[pre + (size_t)i] = (uint8_t)((uint32_t)n >> (8 * i));
    memcpy(b + pre + 4, p, n);
    memcpy(b + pre + 4 + n, fj->body + post, fj->body_len - post);
    fz_restore(fj, b, len);
    xfree(b);
}

static void fz_restore(FuzzJob *fj, const uint8_t *p, size_t n)
{
    FsqlErr err;
    fsql_err_clear(&err);
    if (ckpt_file_write(fj->dir, 1, 0, fj->fp, p, n, NULL, &err) < 0) {
        fprintf(stderr, "fuzz_checkpoint: %s\n", err.msg);
        abort();
    }
    Job *j = fz_job_new(fj, fj->fast, &err);
    if (!j)
        abort();
    /* What restored must also run: the rest of the input goes through
     * the restored state (late findings: a bad row kind, a count that
     * does not match the rows). */
    if (job_open(j, &err) == FSQL_OK) {
        /* A damaged timer may lie days ahead, and the loop waits for
         * timers after the input ended: due now instead. */
        for (uint32_t i = 0; i < j->n_ops; i++)
            if (j->ops[i]->timer_ms != INT64_MAX)
                j->ops[i]->timer_ms = job_now_mono_ms();
        (void)job_run(j, &err);
    }
    job_free(j);
    fz_clear_dir(fj->dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > (1u << 20))
        return 0;
    uint32_t mode = data[0] % (2 * N_JOBS + 1);
    if (mode == 0)
        fz_file(data + 1, size - 1);
    else if (mode <= N_JOBS)
        fz_restore(&jobs[mode - 1], data + 1, size - 1);
    else
        fz_splice(&jobs[mode - 1 - N_JOBS], data + 1, size - 1);
    return 0;
}
