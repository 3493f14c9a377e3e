/*
 * test_window_snapshot.c - checkpoint round trips of the window and
 * group aggregates (issue 10): GroupWindowAggregate and WindowAggregate
 * for TUMBLE, HOP (with panes and per window), CUMULATE and SESSION
 * (merging sessions, out-of-order rows), late rows under 'drop' and
 * 'emit', and GroupAggregate on insert-only and updating input.
 *
 * Each case compiles a query, opens it as a job without running the
 * loop, and pushes a script of rows (each with its watermark) and
 * watermarks into one operator (the "entry": the aggregate itself, or
 * the WindowTableFunction under it); results reach the query's Collect,
 * which prints a changelog into a memory stream.  The script runs once
 * whole, and then, for every cut point, as two jobs: after the rows
 * before the cut, every operator that has state is snapshotted
 * (OpVtbl.snapshot) together with the OpState fields the checkpoint
 * framework saves itself (input watermarks, output watermark, ended
 * ports), the job is freed, a fresh job restores every operator and
 * takes the rest.  Window and group aggregates keep their emission order
 * across a restore, so the two outputs put together must equal the whole
 * run's output line for line.  Every case also checks the whole run's
 * output, so an operator that emits nothing cannot pass.
 *
 * White box: the test reaches the job's operators through job_int.h.
 */
#include "runtime/fsql.h"
#include "compiler/codegen.h"
#include "compiler/compile.h"
#include "runtime/checkpoint.h"
#include "runtime/job.h"
#include "runtime/job_int.h"
#include "runtime/op.h"
#include "runtime/str.h"
#include "tests/unit/op_script.h"
#include "tests/unit/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNIT_REQUIRE_RET(c, r)                                                 \
    do {                                                                       \
        if (!(c)) {                                                            \
            unit_fail(__FILE__, __LINE__, "requirement failed: %s", #c);       \
            return (r);                                                        \
        }                                                                      \
    } while (0)

/* A row ('+', '-', 'b', 'a') with its watermark, 'W' a watermark, 'E'
 * end of input. */
typedef struct WEv {
    char what;
    const char *row; /* "1|abc|5|1000": fields of the entry's input */
    int64_t wm;
} WEv;

static void w_drive(Job *j, OpState *os, const WEv *evs, size_t from, size_t to)
{
    for (size_t i = from; i < to && !job_failed(j); i++)
        op_script_step(j, os, 0, evs[i].what, evs[i].row, evs[i].wm);
}

typedef OpScriptRun WRun;

/* Operators whose state the test carries over (not the source, whose
 * reader the test bypasses, nor the Collect). */
static bool w_stateful(const OpState *os)
{
    OpKind k = os->def->kind;
    return k != OP_KIND_SOURCE && k != OP_KIND_SINK && k != OP_KIND_COLLECT;
}

typedef struct OpSave {
    SnapWriter w;
    int64_t wm_in[4];
    bool ended[4];
    uint32_t n_ended;
    int64_t wm_out;
} OpSave;

/* Snapshot every operator of r into saves (j->n_ops of them). */
static void w_save(WRun *r, OpSave *saves)
{
    for (uint32_t i = 0; i < r->j->n_ops; i++) {
        OpState *os = r->j->ops[i];
        OpSave *sv = &saves[i];
        snap_writer_init(&sv->w);
        for (uint32_t p = 0; p < os->def->n_inputs && p < 4; p++) {
            sv->wm_in[p] = os->wm_in[p];
            sv->ended[p] = os->ended[p];
        }
        sv->n_ended = os->n_ended;
        sv->wm_out = os->wm_out;
        if (w_stateful(os) && os->v->snapshot)
            UNIT_EQ_INT(os->v->snapshot(os, &sv->w), FSQL_OK);
    }
}

static void w_load(WRun *r, OpSave *saves)
{
    for (uint32_t i = 0; i < r->j->n_ops; i++) {
        OpState *os = r->j->ops[i];
        OpSave *sv = &saves[i];
        for (uint32_t p = 0; p < os->def->n_inputs && p < 4; p++) {
            os->wm_in[p] = sv->wm_in[p];
            os->ended[p] = sv->ended[p];
        }
        os->n_ended = sv->n_ended;
        os->wm_out = sv->wm_out;
        if (w_stateful(os) && os->v->restore) {
            SnapReader rd;
            snap_reader_init(&rd, sv->w.buf, sv->w.len);
            UNIT_EQ_INT(os->v->restore(os, &rd), FSQL_OK);
        }
        snap_writer_fini(&sv->w);
    }
}

/* Whole run vs every split run; returns the whole run's output
 * (xmalloc'd). */
static char *w_round_trips(const char *sql, OpKind entry, const WEv *evs,
                           size_t n)
{
    Program *p = op_script_compile(sql);
    if (!p) {
        unit_fail(__FILE__, __LINE__, "query does not compile");
        return xstrdup("");
    }
    WRun whole;
    if (!op_script_open(&whole, p, entry)) {
        unit_fail(__FILE__, __LINE__, "no entry operator");
        op_script_close(&whole);
        free(whole.buf);
        program_free(p);
        return xstrdup("");
    }
    w_drive(whole.j, whole.os, evs, 0, n);
    UNIT_CHECK(!job_failed(whole.j));
    op_script_close(&whole);
    char *want = xstrdup(whole.buf ? whole.buf : "");
    free(whole.buf);
    if (getenv("WIN_SNAP_SHOW"))
        fprintf(stderr, "%s", want);
    for (size_t cut = 0; cut <= n; cut++) {
        WRun a, b;
        bool ok = op_script_open(&a, p, entry);
        UNIT_REQUIRE_RET(ok, want);
        w_drive(a.j, a.os, evs, 0, cut);
        uint32_t n_ops = a.j->n_ops;
        OpSave *saves = xcalloc(n_ops + 1, sizeof(OpSave));
        w_save(&a, saves);
        op_script_close(&a);
        ok = op_script_open(&b, p, entry);
        UNIT_CHECK(ok && b.j->n_ops == n_ops);
        if (ok && b.j->n_ops == n_ops) {
            w_load(&b, saves);
            w_drive(b.j, b.os, evs, cut, n);
            UNIT_CHECK(!job_failed(b.j));
        }
        op_script_close(&b);
        xfree(saves);
        StrBuf both;
        strbuf_init(&both);
        strbuf_printf(&both, "%s%s", a.buf ? a.buf : "", b.buf ? b.buf : "");
        if (strcmp(strbuf_cstr(&both), want) != 0)
            unit_fail(__FILE__, __LINE__,
                      "cut after %zu events: restored run differs\n"
                      "want:\n%sgot:\n%s",
                      cut, want, strbuf_cstr(&both));
        strbuf_fini(&both);
        free(a.buf);
        free(b.buf);
    }
    program_free(p);
    return want;
}

/* A truncated or foreign blob is refused with FSQL_E_STATE. */
static void w_truncated(const char *sql, OpKind entry, OpKind kind,
                        const WEv *evs, size_t n)
{
    Program *p = op_script_compile(sql);
    UNIT_REQUIRE(p);
    WRun a, b;
    UNIT_REQUIRE(op_script_open(&a, p, entry));
    w_drive(a.j, a.os, evs, 0, n);
    OpState *os = op_script_find(a.j, kind);
    UNIT_REQUIRE(os);
    SnapWriter w;
    snap_writer_init(&w);
    os->v->snapshot(os, &w);
    op_script_close(&a);
    for (size_t cut = 0; cut < w.len; cut += 1 + w.len / 25) {
        UNIT_REQUIRE(op_script_open(&b, p, entry));
        OpState *ob = op_script_find(b.j, kind);
        SnapReader rd;
        snap_reader_init(&rd, w.buf, cut);
        UNIT_EQ_INT(ob->v->restore(ob, &rd), FSQL_E_STATE);
        UNIT_CHECK(job_failed(b.j));
        op_script_close(&b); /* frees what was restored: no leak under ASan */
        free(b.buf);
    }
    free(a.buf);
    snap_writer_fini(&w);
    program_free(p);
}

#define T_SQL                                                                  \
    "CREATE TABLE t (k INT, s STRING, x INT, ts TIMESTAMP(3), "                \
    "WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen');\n"

/* Rows of two keys over 0..9 s, out of order, watermarks that fire
 * windows between rows, a late row, end of input. */
static const WEv evs_win[] = {
    {'+', "1|a|10|100", WM_NONE},
    {'+', "2|b|20|300", WM_NONE},
    {'+', "1|c|5|1200", 100},
    {'+', "1|a|7|900", 300}, /* out of order */
    {'+', "2|NULL|NULL|1500", 900},
    {'W', NULL, 1000}, /* [0, 1 s) done */
    {'+', "2|d|3|2100", 1500},
    {'+', "1|b|1|2600", 2100},
    {'+', "1|z|40|800", 2100}, /* late for what has fired */
    {'+', "2|b|8|3400", 2600},
    {'+', "1|e|2|5200", 3400},
    {'W', NULL, 4000},
    {'+', "2|f|6|5900", 5200},
    {'+', "1|a|9|6300", 5900},
    {'+', "2|g|4|9100", 6300},
    {'E', NULL, 0},
};

#define N_WIN (sizeof evs_win / sizeof evs_win[0])

static void window_snapshot_tumble(void)
{
    const char *sql =
        T_SQL "SELECT k, TUMBLE_START(ts, INTERVAL '1' SECOND), COUNT(*), "
              "SUM(x), MIN(s), MAX(x), COUNT(DISTINCT s), LISTAGG(s), "
              "FIRST_VALUE(s), LAST_VALUE(x), STDDEV_POP(x) "
              "FROM t GROUP BY k, TUMBLE(ts, INTERVAL '1' SECOND);\n";
    char *got =
        w_round_trips(sql, OP_KIND_GROUP_WINDOW_AGGREGATE, evs_win, N_WIN);
    UNIT_CHECK(strstr(got, "+I[1, 1970-01-01 00:00:00.000, 2, 17, a, 10, 1, "
                           "a,a, a, 7, 1]\n") != NULL);
    UNIT_CHECK(strstr(got, "1970-01-01 00:00:09.000") != NULL);
    xfree(got);
    w_truncated(sql, OP_KIND_GROUP_WINDOW_AGGREGATE,
                OP_KIND_GROUP_WINDOW_AGGREGATE, evs_win, 8);
}

/* HOP(slide 1 s, size 3 s): panes (every call merges). */
static void window_snapshot_hop_panes(void)
{
    const char *sql =
        T_SQL "SELECT k, HOP_END(ts, INTERVAL '1' SECOND, INTERVAL '3' "
              "SECOND), COUNT(*), SUM(x), MIN(s), MAX(x), AVG(x), "
              "VAR_SAMP(x) FROM t "
              "GROUP BY k, HOP(ts, INTERVAL '1' SECOND, "
              "INTERVAL '3' SECOND);\n";
    char *got =
        w_round_trips(sql, OP_KIND_GROUP_WINDOW_AGGREGATE, evs_win, N_WIN);
    /* key 1, window [0, 3 s): 10, 7, 5, 1 and the late 40 (late for the
     * windows that have fired, not for this one) */
    UNIT_CHECK(strstr(got, "+I[1, 1970-01-01 00:00:03.000, 5, 63, a, 40, "
                           "12, 245]\n") != NULL);
    /* the same rows as the per-window form computes them */
    setenv("FSQL_WINDOW_PANES", "0", 1);
    char *per =
        w_round_trips(sql, OP_KIND_GROUP_WINDOW_AGGREGATE, evs_win, N_WIN);
    unsetenv("FSQL_WINDOW_PANES");
    UNIT_EQ_STR(got, per);
    xfree(per);
    xfree(got);
    w_truncated(sql, OP_KIND_GROUP_WINDOW_AGGREGATE,
                OP_KIND_GROUP_WINDOW_AGGREGATE, evs_win, 10);
}

/* HOP with COUNT(DISTINCT): one accumulator per window. */
static void window_snapshot_hop_windows(void)
{
    const char *sql =
        T_SQL "SELECT k, HOP_END(ts, INTERVAL '1' SECOND, INTERVAL '3' "
              "SECOND), COUNT(DISTINCT s), LISTAGG(s) FROM t "
              "GROUP BY k, HOP(ts, INTERVAL '1' SECOND, "
              "INTERVAL '3' SECOND);\n";
    char *got =
        w_round_trips(sql, OP_KIND_GROUP_WINDOW_AGGREGATE, evs_win, N_WIN);
    UNIT_CHECK(strstr(got, "+I[1, 1970-01-01 00:00:03.000, 4, a,c,a,b,z]\n") !=
               NULL);
    xfree(got);
}

/* HOP and CUMULATE as table functions: the TVF feeds the aggregate
 * panes. */
static void window_snapshot_tvf(void)
{
    const char *hop =
        T_SQL "SELECT k, window_start, window_end, COUNT(*), SUM(x), MAX(s) "
              "FROM TABLE(HOP(TABLE t, DESCRIPTOR(ts), INTERVAL '1' SECOND, "
              "INTERVAL '2' SECOND)) GROUP BY k, window_start, window_end;\n";
    char *got =
        w_round_trips(hop, OP_KIND_WINDOW_TABLE_FUNCTION, evs_win, N_WIN);
    UNIT_CHECK(strstr(got, "+I[2, 1970-01-01 00:00:08.000, "
                           "1970-01-01 00:00:10.000, 1, 4, g]\n") != NULL);
    /* the TVF feeds panes here: the same rows as per window */
    setenv("FSQL_WINDOW_PANES", "0", 1);
    char *per =
        w_round_trips(hop, OP_KIND_WINDOW_TABLE_FUNCTION, evs_win, N_WIN);
    unsetenv("FSQL_WINDOW_PANES");
    UNIT_EQ_STR(got, per);
    xfree(per);
    xfree(got);
    const char *cum =
        T_SQL "SELECT k, window_start, window_end, COUNT(*), MAX(s), SUM(x) "
              "FROM TABLE(CUMULATE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' "
              "SECOND, INTERVAL '4' SECOND)) "
              "GROUP BY k, window_start, window_end;\n";
    got = w_round_trips(cum, OP_KIND_WINDOW_TABLE_FUNCTION, evs_win, N_WIN);
    UNIT_CHECK(strstr(got, "+I[1, 1970-01-01 00:00:00.000, "
                           "1970-01-01 00:00:03.000, 5, z, 63]\n") != NULL);
    /* CUMULATE runs on 1-second panes too: the same rows as per window */
    setenv("FSQL_WINDOW_PANES", "0", 1);
    per = w_round_trips(cum, OP_KIND_WINDOW_TABLE_FUNCTION, evs_win, N_WIN);
    unsetenv("FSQL_WINDOW_PANES");
    UNIT_EQ_STR(got, per);
    xfree(per);
    xfree(got);
}

/* SESSION(gap 1 s): sessions that merge when an out-of-order row
 * bridges them; a session whose absorbed neighbour ended later. */
static const WEv evs_sess[] = {
    {'+', "1|a|1|1000", WM_NONE},
    {'+', "1|b|2|3500", WM_NONE}, /* own session [3.5, 4.5) */
    {'+', "1|c|3|2000", WM_NONE}, /* [2, 3): separate (3 < 3.5) */
    {'+', "2|x|9|1100", WM_NONE},
    {'+', "1|d|4|2800", 1000}, /* bridges [1,2)+[2,3)+[3.5,4.5) */
    {'W', NULL, 3000},
    {'+', "2|y|8|2000", 3000}, /* late: [1.1, 2.1) has fired */
    {'W', NULL, 3500},
    {'+', "2|z|7|1000", 3500}, /* late: no open session */
    {'+', "1|e|5|9000", 3500},
    {'W', NULL, 6000},
    {'E', NULL, 0},
};

static void window_snapshot_session(void)
{
    const char *sql =
        T_SQL "SELECT k, SESSION_START(ts, INTERVAL '1' SECOND), "
              "SESSION_END(ts, INTERVAL '1' SECOND), COUNT(*), SUM(x), "
              "LISTAGG(s) FROM t "
              "GROUP BY k, SESSION(ts, INTERVAL '1' SECOND);\n";
    size_t n = sizeof evs_sess / sizeof evs_sess[0];
    char *got = w_round_trips(sql, OP_KIND_GROUP_WINDOW_AGGREGATE, evs_sess, n);
    UNIT_EQ_STR(got, "+I[2, 1970-01-01 00:00:01.100, 1970-01-01 00:00:02.100, "
                     "1, 9, x]\n"
                     "+I[1, 1970-01-01 00:00:01.000, 1970-01-01 00:00:04.500, "
                     "4, 10, b,a,c,d]\n"
                     "+I[1, 1970-01-01 00:00:09.000, 1970-01-01 00:00:10.000, "
                     "1, 5, e]\n");
    xfree(got);
    w_truncated(sql, OP_KIND_GROUP_WINDOW_AGGREGATE,
                OP_KIND_GROUP_WINDOW_AGGREGATE, evs_sess, 5);
    /* the SESSION table function: the same sessions */
    const char *tvf =
        T_SQL "SELECT k, window_start, window_end, COUNT(*), SUM(x), "
              "MAX(s) FROM TABLE(SESSION(TABLE t PARTITION BY k, "
              "DESCRIPTOR(ts), INTERVAL '1' SECOND)) "
              "GROUP BY k, window_start, window_end;\n";
    got = w_round_trips(tvf, OP_KIND_WINDOW_TABLE_FUNCTION, evs_sess, n);
    UNIT_CHECK(strstr(got, "+I[1, 1970-01-01 00:00:01.000, "
                           "1970-01-01 00:00:04.500, 4, 10, d]\n") != NULL);
    xfree(got);
}

/* 'emit': fired windows are kept and a late row re-fires its window. */
static void window_snapshot_late_emit(void)
{
    const char *sql =
        "SET 'table.exec.late-data' = 'emit';\n" T_SQL
        "SELECT k, TUMBLE_START(ts, INTERVAL '1' SECOND), COUNT(*), SUM(x), "
        "MAX(s) "
        "FROM t GROUP BY k, TUMBLE(ts, INTERVAL '1' SECOND);\n";
    char *got =
        w_round_trips(sql, OP_KIND_GROUP_WINDOW_AGGREGATE, evs_win, N_WIN);
    /* [0, 1 s) of key 1 fires with 2 rows, then again with the late one */
    UNIT_CHECK(strstr(got, "+I[1, 1970-01-01 00:00:00.000, 2, 17, a]\n") !=
               NULL);
    UNIT_CHECK(strstr(got, "+I[1, 1970-01-01 00:00:00.000, 3, 57, z]\n") !=
               NULL);
    xfree(got);
}

/* GroupAggregate: an insert-only inner aggregate feeding an updating
 * outer one (-U/+U and -D from the inner results). */
static const WEv evs_grp[] = {
    {'+', "1|a|10|0", WM_NONE},   {'+', "2|b|20|0", WM_NONE},
    {'+', "1|c|5|0", WM_NONE},    {'+', "3|a|1|0", WM_NONE},
    {'+', "2|NULL|4|0", WM_NONE}, {'+', "1|a|NULL|0", WM_NONE},
    {'+', "3|z|2|0", WM_NONE},    {'+', "4|q|8|0", WM_NONE},
};

static void window_snapshot_group(void)
{
    const char *sql =
        T_SQL "SELECT n, COUNT(*), SUM(sx), MAX(ms) FROM (SELECT k, "
              "COUNT(*) AS n, SUM(x) AS sx, MIN(s) AS ms FROM t GROUP BY k) "
              "GROUP BY n;\n";
    size_t n = sizeof evs_grp / sizeof evs_grp[0];
    char *got = w_round_trips(sql, OP_KIND_GROUP_AGGREGATE, evs_grp, n);
    UNIT_CHECK(strstr(got, "+I[3, 1, 15, a]\n") != NULL);
    UNIT_CHECK(strstr(got, "-D[") != NULL);
    xfree(got);
    w_truncated(sql, OP_KIND_GROUP_AGGREGATE, OP_KIND_GROUP_AGGREGATE, evs_grp,
                5);
}

static const UnitTest window_snapshot_tests[] = {
    {"window_snapshot_tumble", window_snapshot_tumble},
    {"window_snapshot_hop_panes", window_snapshot_hop_panes},
    {"window_snapshot_hop_windows", window_snapshot_hop_windows},
    {"window_snapshot_tvf", window_snapshot_tvf},
    {"window_snapshot_session", window_snapshot_session},
    {"window_snapshot_late_emit", window_snapshot_late_emit},
    {"window_snapshot_group", window_snapshot_group},
    {NULL, NULL},
};

UNIT_REGISTER(window_snapshot_tests)
