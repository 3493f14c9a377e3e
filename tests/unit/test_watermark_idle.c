/*
 * test_watermark_idle.c - idle splits of the WatermarkAssigner on the test
 * clock (FSQL_TEST_IDLE_CLOCK_STEP_MS, runtime/op_watermark.c): the idle
 * clock advances n ms per row from any split, so idleness depends on row
 * counts only.  The cases push batches of rows with a split number into
 * the assigner of a TUMBLE query (datagen table; the reader is bypassed)
 * and check its output watermark, the window rows and the late count:
 *   - a quiet split turns idle at exactly the 10th row of another split
 *     (100 ms per row, 1 s timeout), in the middle of a batch: the rows
 *     after that row already carry the raised watermark, so the output
 *     is the same as with one row per batch;
 *   - without a timeout nothing turns idle, however many rows;
 *   - a split that produces again holds the watermark again until it is
 *     idle again, and its row behind the watermark is counted late (or,
 *     under 'emit', re-fires its window);
 *   - the idle flags survive a snapshot/restore (the clock itself is not
 *     state: it restarts at 0 in the restored job).
 * tests/kafka/idle_clock.sh checks the same on a live Kafka topic.
 *
 * White box: the test reaches the job's operators through job_int.h.
 */
#include "runtime/fsql.h"
#include "runtime/checkpoint.h"
#include "runtime/job.h"
#include "runtime/job_int.h"
#include "runtime/op.h"
#include "tests/unit/op_script.h"
#include "tests/unit/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IDLE_SQL(opts)                                                         \
    "CREATE TABLE t (k INT, ts TIMESTAMP(3), "                                 \
    "WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) "                           \
    "WITH ('connector' = 'datagen'" opts ");\n"                                \
    "SELECT window_start, COUNT(*) AS n, LISTAGG(CAST(k AS STRING)) AS ks "    \
    "FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' SECOND)) "       \
    "WHERE k > 0 GROUP BY window_start, window_end;\n"

#define IDLE_1S ", 'scan.watermark.idle-timeout' = '1 s'"

/* A run of rows of one split: k values k0, k0 + 1, ... (0: filler, not
 * counted by the query) at ts_ms each, n of them. */
typedef struct IdleRows {
    uint32_t split;
    int k;
    int64_t ts_ms;
    uint32_t n;
} IdleRows;

/* Push runs in order, as batches of at most per_batch rows; consecutive
 * runs of one split share batches (a batch holds rows of one split).
 * Returns false when the job failed. */
static bool idle_push(OpScriptRun *r, const IdleRows *runs, size_t n_runs,
                      uint32_t per_batch)
{
    const Program *prog = op_run_ctx(r->os)->prog;
    const RtSchema *in = &prog->ops[r->os->def->inputs[0]].out;
    int c_k = -1, c_ts = -1;
    for (uint32_t c = 0; c < in->n_cols; c++) {
        if (in->cols[c].type.kind == VK_TIMESTAMP)
            c_ts = (int)c;
        else if (in->cols[c].type.kind == VK_INT)
            c_k = (int)c;
    }
    if (c_ts < 0)
        return false;
    Batch b;
    batch_init(&b, in->n_cols, per_batch, job_batch_arena(r->j));
    for (size_t i = 0; i < n_runs; i++) {
        for (uint32_t done = 0; done < runs[i].n; done++) {
            if (b.n_rows > 0 &&
                (batch_is_full(&b) || b.split != runs[i].split)) {
                op_call_push(r->os, &b, 0);
                batch_clear(&b);
            }
            b.split = runs[i].split;
            Value *v = batch_add(&b, ROW_INSERT, WM_NONE);
            for (uint32_t c = 0; c < in->n_cols; c++)
                v[c] = value_null(in->cols[c].type.kind);
            if (c_k >= 0) {
                v[c_k].is_null = false;
                v[c_k].u.i = runs[i].k ? runs[i].k + (int64_t)done : 0;
            }
            v[c_ts].is_null = false;
            v[c_ts].u.i = runs[i].ts_ms;
        }
    }
    if (b.n_rows > 0)
        op_call_push(r->os, &b, 0);
    batch_fini(&b);
    return !job_failed(r->j);
}

static uint64_t idle_late(Job *j)
{
    uint64_t n = 0;
    for (uint32_t i = 0; i < j->n_ops; i++)
        n += j->ops[i]->rows_late;
    return n;
}

static const char *idle_out(OpScriptRun *r)
{
    fflush(r->out);
    return r->buf ? r->buf : "";
}

#define S(x) ((int64_t)(x)*1000)

/* Split 1: one row at 1 s; split 0: rows at 2, 3, 4 and 15 s, then
 * fillers at 16 s, then two rows at 5 s.  Split 1 turns idle at the 10th
 * row of split 0 (clock 1100, its last row at 100); the two rows at 5 s
 * come after it: late for [0 s, 10 s), which fired at that row. */
static const IdleRows idle_story[] = {
    {1, 100, S(1), 1}, {0, 1, S(2), 1},  {0, 2, S(3), 1},  {0, 3, S(4), 1},
    {0, 4, S(15), 1},  {0, 0, S(16), 5}, {0, 50, S(5), 2},
};

static void idle_mid_batch(void)
{
    setenv("FSQL_TEST_IDLE_CLOCK_STEP_MS", "100", 1);
    Program *p = op_script_compile(IDLE_SQL(IDLE_1S));
    UNIT_REQUIRE(p);
    char *outs[3];
    uint32_t sizes[3] = {1, 3, 64};
    for (int i = 0; i < 3; i++) {
        OpScriptRun r;
        outs[i] = NULL;
        if (!op_script_open(&r, p, OP_KIND_WATERMARK)) {
            unit_fail(__FILE__, __LINE__, "no WatermarkAssigner");
            op_script_close(&r);
            free(r.buf);
            continue;
        }
        size_t n = sizeof idle_story / sizeof idle_story[0];
        UNIT_CHECK(idle_push(&r, idle_story, n, sizes[i]));
        UNIT_EQ_INT(idle_late(r.j), 2); /* the rows at 5 s */
        UNIT_EQ_INT(r.os->wm_out, S(15));
        outs[i] = xstrdup(idle_out(&r));
        op_script_close(&r);
        free(r.buf);
    }
    UNIT_EQ_STR(outs[0], "+I[1970-01-01 00:00:00.000, 4, 100,1,2,3]\n");
    for (int i = 1; i < 3; i++)
        if (outs[0] && outs[i])
            UNIT_EQ_STR(outs[i], outs[0]);
    for (int i = 0; i < 3; i++)
        xfree(outs[i]);
    program_free(p);
    unsetenv("FSQL_TEST_IDLE_CLOCK_STEP_MS");
}

/* Exactly 10 rows: 9 leave the watermark at split 1's, the 10th moves
 * it; then split 1 produces again (14.5 s, not late) and holds the
 * watermark for 9 rows of split 0, the 10th moves it; then split 1's row
 * at 5 s is late. */
static void idle_exact_and_back(void)
{
    setenv("FSQL_TEST_IDLE_CLOCK_STEP_MS", "100", 1);
    Program *p = op_script_compile(IDLE_SQL(IDLE_1S));
    UNIT_REQUIRE(p);
    OpScriptRun r;
    if (!op_script_open(&r, p, OP_KIND_WATERMARK)) {
        unit_fail(__FILE__, __LINE__, "no WatermarkAssigner");
        goto out;
    }
    IdleRows a[] = {
        {1, 100, S(1), 1}, {0, 1, S(2), 1}, {0, 4, S(15), 1}, {0, 0, S(16), 7}};
    UNIT_CHECK(idle_push(&r, a, 4, 8));
    UNIT_EQ_INT(r.os->wm_out, S(0)); /* split 1: 1 s - 1 s */
    UNIT_EQ_STR(idle_out(&r), "");
    IdleRows b[] = {{0, 0, S(16), 1}};
    UNIT_CHECK(idle_push(&r, b, 1, 8));
    UNIT_EQ_INT(r.os->wm_out, S(15));
    UNIT_EQ_STR(idle_out(&r), "+I[1970-01-01 00:00:00.000, 2, 100,1]\n");
    /* split 1 again: it holds the watermark at 15 s */
    IdleRows c[] = {{1, 201, S(14) + 500, 1}, {0, 0, S(31), 9}};
    UNIT_CHECK(idle_push(&r, c, 2, 4));
    UNIT_EQ_INT(r.os->wm_out, S(15));
    IdleRows d[] = {{0, 0, S(31), 1}};
    UNIT_CHECK(idle_push(&r, d, 1, 4));
    UNIT_EQ_INT(r.os->wm_out, S(30));
    UNIT_EQ_STR(idle_out(&r), "+I[1970-01-01 00:00:00.000, 2, 100,1]\n"
                              "+I[1970-01-01 00:00:10.000, 2, 4,201]\n");
    UNIT_EQ_INT(idle_late(r.j), 0);
    IdleRows e[] = {{1, 202, S(5), 1}};
    UNIT_CHECK(idle_push(&r, e, 1, 4));
    UNIT_EQ_INT(idle_late(r.j), 1);
    UNIT_EQ_INT(r.os->wm_out, S(30));
out:
    op_script_close(&r);
    free(r.buf);
    program_free(p);
    unsetenv("FSQL_TEST_IDLE_CLOCK_STEP_MS");
}

/* Under 'table.exec.late-data' = 'emit', split 1's row behind the
 * watermark (after split 1 turned idle and the window fired) re-fires
 * the window with it instead of being dropped. */
static void idle_late_emit(void)
{
    setenv("FSQL_TEST_IDLE_CLOCK_STEP_MS", "100", 1);
    Program *p = op_script_compile(
        "SET 'table.exec.late-data' = 'emit';\n" IDLE_SQL(IDLE_1S));
    UNIT_REQUIRE(p);
    OpScriptRun r;
    if (op_script_open(&r, p, OP_KIND_WATERMARK)) {
        IdleRows a[] = {{1, 100, S(1), 1},
                        {0, 1, S(2), 1},
                        {0, 0, S(16), 9},
                        {1, 202, S(5), 1}};
        UNIT_CHECK(idle_push(&r, a, 4, 3));
        UNIT_EQ_INT(r.os->wm_out, S(15));
        UNIT_EQ_INT(idle_late(r.j), 0);
        UNIT_EQ_STR(idle_out(&r), "+I[1970-01-01 00:00:00.000, 2, 100,1]\n"
                                  "+I[1970-01-01 00:00:00.000, 3, "
                                  "100,1,202]\n");
    } else {
        unit_fail(__FILE__, __LINE__, "no WatermarkAssigner");
    }
    op_script_close(&r);
    free(r.buf);
    program_free(p);
    unsetenv("FSQL_TEST_IDLE_CLOCK_STEP_MS");
}

/* No timeout: split 1 holds the watermark however many rows come. */
static void idle_no_timeout(void)
{
    setenv("FSQL_TEST_IDLE_CLOCK_STEP_MS", "100", 1);
    Program *p = op_script_compile(IDLE_SQL(""));
    UNIT_REQUIRE(p);
    OpScriptRun r;
    if (op_script_open(&r, p, OP_KIND_WATERMARK)) {
        IdleRows a[] = {{1, 100, S(1), 1}, {0, 1, S(2), 1}, {0, 0, S(60), 500}};
        UNIT_CHECK(idle_push(&r, a, 3, 7));
        UNIT_EQ_INT(r.os->wm_out, S(0));
        UNIT_EQ_STR(idle_out(&r), "");
    } else {
        unit_fail(__FILE__, __LINE__, "no WatermarkAssigner");
    }
    op_script_close(&r);
    free(r.buf);
    program_free(p);
    unsetenv("FSQL_TEST_IDLE_CLOCK_STEP_MS");
}

/* Snapshot the assigner after split 1 turned idle, restore it into a
 * fresh job: split 1 is still idle (split 0 alone moves the watermark),
 * and it holds the watermark again once it produces. */
static void idle_round_trip(void)
{
    setenv("FSQL_TEST_IDLE_CLOCK_STEP_MS", "100", 1);
    Program *p = op_script_compile(IDLE_SQL(IDLE_1S));
    UNIT_REQUIRE(p);
    OpScriptRun a, b;
    SnapWriter w;
    snap_writer_init(&w);
    int64_t wm_saved = WM_NONE;
    if (op_script_open(&a, p, OP_KIND_WATERMARK)) {
        IdleRows rows[] = {
            {1, 100, S(1), 1}, {0, 1, S(2), 1}, {0, 0, S(16), 9}};
        UNIT_CHECK(idle_push(&a, rows, 3, 5));
        UNIT_EQ_INT(a.os->wm_out, S(15));
        wm_saved = a.os->wm_out;
        UNIT_EQ_INT(a.os->v->snapshot(a.os, &w), FSQL_OK);
    } else {
        unit_fail(__FILE__, __LINE__, "no WatermarkAssigner");
    }
    op_script_close(&a);
    free(a.buf);
    if (op_script_open(&b, p, OP_KIND_WATERMARK)) {
        b.os->wm_out = wm_saved;
        SnapReader rd;
        snap_reader_init(&rd, w.buf, w.len);
        UNIT_EQ_INT(b.os->v->restore(b.os, &rd), FSQL_OK);
        IdleRows more[] = {{0, 0, S(21), 1}};
        UNIT_CHECK(idle_push(&b, more, 1, 5));
        UNIT_EQ_INT(b.os->wm_out, S(20)); /* split 1 still idle */
        IdleRows back[] = {{1, 7, S(25) + 500, 1}, {0, 0, S(41), 9}};
        UNIT_CHECK(idle_push(&b, back, 2, 5));
        UNIT_EQ_INT(b.os->wm_out, S(24) + 500); /* held by split 1 again */
        UNIT_EQ_STR(idle_out(&b), "");
        IdleRows last[] = {{0, 0, S(41), 1}};
        UNIT_CHECK(idle_push(&b, last, 1, 5));
        UNIT_EQ_INT(b.os->wm_out, S(40));
        UNIT_EQ_STR(idle_out(&b), "+I[1970-01-01 00:00:20.000, 1, 7]\n");
    } else {
        unit_fail(__FILE__, __LINE__, "no WatermarkAssigner");
    }
    op_script_close(&b);
    free(b.buf);
    snap_writer_fini(&w);
    program_free(p);
    unsetenv("FSQL_TEST_IDLE_CLOCK_STEP_MS");
}

static const UnitTest watermark_idle_tests[] = {
    {"watermark_idle_mid_batch", idle_mid_batch},
    {"watermark_idle_exact_and_back", idle_exact_and_back},
    {"watermark_idle_late_emit", idle_late_emit},
    {"watermark_idle_no_timeout", idle_no_timeout},
    {"watermark_idle_round_trip", idle_round_trip},
    {NULL, NULL},
};

UNIT_REGISTER(watermark_idle_tests)
