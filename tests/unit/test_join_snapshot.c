/*
 * test_join_snapshot.c - checkpoint round trips of the join operators
 * (issue 10): IntervalJoin, Join (streaming and with a bounded build
 * side whose probe rows wait), SemiJoin/AntiJoin/MarkJoin (streaming)
 * and TemporalJoin.
 *
 * Each case compiles a query, opens it as a job without running the
 * loop, and drives the join operator directly with a script of rows and
 * watermarks on its two ports; the operator's results reach the query's
 * Collect, which prints a changelog into a memory stream.  The script is
 * run once whole, and then, for every cut point, as two jobs: the first
 * takes the rows before the cut, its operator is snapshotted
 * (OpVtbl.snapshot into a SnapWriter) and the job is freed; a fresh job
 * restores the blob into a fresh operator (OpVtbl.restore, plus the
 * OpState fields the checkpoint framework saves itself: input
 * watermarks, ended ports) and takes the rest.  The two outputs put
 * together must be the whole run's output, as a multiset of changelog
 * lines (rows that leave at the same watermark may come out in another
 * order after a restore: the heaps are rebuilt).  Every case also checks
 * that the whole run produced the rows its comment says, so a broken
 * operator cannot pass by producing nothing twice.  join_unique_replace
 * checks the regular join's one-row-per-key side the same way (a +U
 * without its -U replaces the stored row and retracts its results).
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

/* One step of a script: a row ('+' insert, '-' delete, 'b'/'a' update
 * before/after) with its per-row watermark, or 'W' a watermark, or 'E'
 * end of input of a port (WM_END then finish). */
typedef struct Ev {
    uint32_t port;
    char what;
    const char *row; /* "1|abc|1000": INT, STRING, TIMESTAMP as ms... */
    int64_t wm;
} Ev;

/* Run evs[from, to) into operator os. */
static void drive(Job *j, OpState *os, const Ev *evs, size_t from, size_t to)
{
    for (size_t i = from; i < to && !job_failed(j); i++)
        op_script_step(j, os, evs[i].port, evs[i].what, evs[i].row,
                       evs[i].wm);
}

typedef OpScriptRun Run;

/* Release an open_memstream buffer (libc's malloc). */
static void free_stream_buf(char *p)
{
    free(p); /* libc-owned: open_memstream */
}

static int cmp_lines(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The lines of text, sorted, joined with '\n' (xmalloc'd). */
static char *sorted(const char *text)
{
    char *copy = xstrdup(text);
    size_t n = 0, cap = 16;
    char **lines = xmalloc(sizeof(char *) * cap);
    for (char *save = NULL, *l = strtok_r(copy, "\n", &save); l;
         l = strtok_r(NULL, "\n", &save)) {
        if (n == cap) {
            cap *= 2;
            lines = xrealloc(lines, sizeof(char *) * cap);
        }
        lines[n++] = l;
    }
    qsort(lines, n, sizeof(char *), cmp_lines);
    StrBuf sb;
    strbuf_init(&sb);
    for (size_t i = 0; i < n; i++)
        strbuf_printf(&sb, "%s\n", lines[i]);
    char *res = xstrdup(strbuf_cstr(&sb));
    strbuf_fini(&sb);
    xfree(lines);
    xfree(copy);
    return res;
}

/* Whole run vs every split run; returns the whole run's output (sorted,
 * xmalloc'd) for the case's own checks. */
static char *round_trips(const char *sql, OpKind kind, const Ev *evs, size_t n)
{
    Program *p = op_script_compile(sql);
    if (!p) {
        unit_fail(__FILE__, __LINE__, "query does not compile");
        return xstrdup("");
    }
    Run whole;
    if (!op_script_open(&whole, p, kind)) {
        unit_fail(__FILE__, __LINE__, "no operator of the kind");
        op_script_close(&whole);
        free_stream_buf(whole.buf);
        program_free(p);
        return xstrdup("");
    }
    drive(whole.j, whole.os, evs, 0, n);
    UNIT_CHECK(!job_failed(whole.j));
    op_script_close(&whole);
    char *want = sorted(whole.buf);
    for (size_t cut = 0; cut <= n; cut++) {
        Run a, b;
        bool ok = op_script_open(&a, p, kind);
        UNIT_CHECK(ok);
        drive(a.j, a.os, evs, 0, cut);
        SnapWriter w;
        snap_writer_init(&w);
        if (ok)
            UNIT_EQ_INT(a.os->v->snapshot(a.os, &w), FSQL_OK);
        uint32_t nin = a.os->def->n_inputs;
        int64_t wm_in[2] = {a.os->wm_in[0], nin > 1 ? a.os->wm_in[1] : 0};
        bool ended[2] = {a.os->ended[0], nin > 1 ? a.os->ended[1] : false};
        uint32_t n_ended = a.os->n_ended;
        int64_t wm_out = a.os->wm_out;
        op_script_close(&a);
        ok = op_script_open(&b, p, kind);
        UNIT_CHECK(ok);
        for (uint32_t i = 0; i < nin; i++) {
            b.os->wm_in[i] = wm_in[i];
            b.os->ended[i] = ended[i];
        }
        b.os->n_ended = n_ended;
        b.os->wm_out = wm_out;
        SnapReader rd;
        snap_reader_init(&rd, w.buf, w.len);
        int rc = b.os->v->restore(b.os, &rd);
        UNIT_EQ_INT(rc, FSQL_OK);
        drive(b.j, b.os, evs, cut, n);
        UNIT_CHECK(!job_failed(b.j));
        op_script_close(&b);
        StrBuf both;
        strbuf_init(&both);
        strbuf_printf(&both, "%s%s", a.buf ? a.buf : "", b.buf ? b.buf : "");
        char *got = sorted(strbuf_cstr(&both));
        if (strcmp(got, want) != 0)
            unit_fail(__FILE__, __LINE__,
                      "cut after %zu events: restored run differs\n"
                      "want:\n%sgot:\n%s",
                      cut, want, got);
        xfree(got);
        strbuf_fini(&both);
        free_stream_buf(a.buf);
        free_stream_buf(b.buf);
        snap_writer_fini(&w);
    }
    free_stream_buf(whole.buf);
    program_free(p);
    return want;
}

/* A truncated blob is refused with FSQL_E_STATE, not read past its end. */
static void truncated_blob(const char *sql, OpKind kind, const Ev *evs,
                           size_t n)
{
    Program *p = op_script_compile(sql);
    UNIT_REQUIRE(p);
    Run a, b;
    UNIT_REQUIRE(op_script_open(&a, p, kind));
    drive(a.j, a.os, evs, 0, n);
    SnapWriter w;
    snap_writer_init(&w);
    a.os->v->snapshot(a.os, &w);
    op_script_close(&a);
    UNIT_REQUIRE(op_script_open(&b, p, kind));
    SnapReader rd;
    snap_reader_init(&rd, w.buf, w.len - 3);
    UNIT_EQ_INT(b.os->v->restore(b.os, &rd), FSQL_E_STATE);
    UNIT_CHECK(job_failed(b.j));
    op_script_close(&b);
    free_stream_buf(a.buf);
    free_stream_buf(b.buf);
    snap_writer_fini(&w);
    program_free(p);
}

#define DG(name, cols, extra)                                                  \
    "CREATE TABLE " name " (" cols extra ") WITH ('connector' = 'datagen');\n"

/* ---- interval join ------------------------------------------------------- */

static const char *ij_sql =
    DG("a", "k INT, v STRING, ts TIMESTAMP(3)",
       ", WATERMARK FOR ts AS ts")
    DG("b", "k INT, w STRING, ts TIMESTAMP(3)",
       ", WATERMARK FOR ts AS ts")
    "SELECT a.k, a.v, b.w FROM a FULL JOIN b ON a.k = b.k AND "
    "a.ts BETWEEN b.ts - INTERVAL '2' SECOND AND b.ts + INTERVAL '1' SECOND;\n";

/* Left rows at 1000..; right rows; watermarks that expire some rows
 * unmatched (padded), a late row, a second match of a held row. */
static const Ev ij_evs[] = {
    {0, '+', "1|a1|1000", WM_NONE},
    {1, '+', "1|b1|1500", WM_NONE},  /* matches a1 (1000 - 1500 = -500) */
    {0, '+', "2|a2|1200", 1000},     /* no partner ever: padded */
    {1, '+', "3|b3|1300", 1500},     /* no partner ever: padded */
    {0, '+', "1|a3|2000", 1200},     /* matches b1 */
    {1, '+', "1|b4|3500", 1500},     /* matches a3 (2000 - 3500 = -1500) */
    {0, 'W', NULL, 4000},            /* right rows up to 3000 expire */
    {1, '+', "2|b5|5000", 3500},     /* a2 already gone: padded later */
    {1, 'W', NULL, 6000},            /* left rows up to 4000 expire */
    {0, '+', "4|a4|1000", 4000},     /* late: nothing held, padded at once */
    {0, '+', "2|a6|5500", 4000},     /* matches b5 (500 within [-2000,1000]) */
    {0, '+', "2|a7|6500", 4000},     /* b5 held, but 1500 > 1000: padded */
    {0, 'E', NULL, 0},
    {1, 'E', NULL, 0},
};

static void join_snapshot_interval(void)
{
    size_t n = sizeof ij_evs / sizeof ij_evs[0];
    char *got = round_trips(ij_sql, OP_KIND_INTERVAL_JOIN, ij_evs, n);
    UNIT_EQ_STR(got, "+I[1, a1, b1]\n"
                     "+I[1, a3, b1]\n"
                     "+I[1, a3, b4]\n"
                     "+I[2, a2, <NULL>]\n"
                     "+I[2, a6, b5]\n"
                     "+I[2, a7, <NULL>]\n"
                     "+I[4, a4, <NULL>]\n"
                     "+I[<NULL>, <NULL>, b3]\n");
    xfree(got);
    truncated_blob(ij_sql, OP_KIND_INTERVAL_JOIN, ij_evs, 6);
}

/* ---- regular join --------------------------------------------------------- */

static const char *j_sql =
    DG("a", "k INT, v STRING", "") DG("b", "k INT, w STRING", "")
    "SELECT a.k, a.v, b.w FROM a LEFT JOIN b ON a.k = b.k;\n";

/* Retractions on both sides, a padded row that finds and loses its
 * partner. */
static const Ev j_evs[] = {
    {0, '+', "1|a1", WM_NONE},   /* +I [1, a1, NULL] */
    {1, '+', "1|b1", WM_NONE},   /* -D padded, +I [1, a1, b1] */
    {1, '+', "1|b2", WM_NONE},   /* +I [1, a1, b2] */
    {0, '+', "2|a2", WM_NONE},   /* +I [2, a2, NULL] */
    {1, '-', "1|b1", WM_NONE},   /* -D [1, a1, b1] */
    {0, '+', "1|a3", WM_NONE},   /* +I [1, a3, b2] */
    {1, '-', "1|b2", WM_NONE},   /* -D a1 b2, +I a1 NULL, -D a3 b2, +I a3 NULL */
    {0, '-', "2|a2", WM_NONE},   /* -D [2, a2, NULL] */
    {1, '+', "3|b3", WM_NONE},   /* nothing */
    {0, '+', "3|a4", WM_NONE},   /* +I [3, a4, b3] */
};

static void join_snapshot_regular(void)
{
    size_t n = sizeof j_evs / sizeof j_evs[0];
    char *got = round_trips(j_sql, OP_KIND_JOIN, j_evs, n);
    UNIT_EQ_STR(got, "+I[1, a1, <NULL>]\n"
                     "+I[1, a1, <NULL>]\n"
                     "+I[1, a1, b1]\n"
                     "+I[1, a1, b2]\n"
                     "+I[1, a3, <NULL>]\n"
                     "+I[1, a3, b2]\n"
                     "+I[2, a2, <NULL>]\n"
                     "+I[3, a4, b3]\n"
                     "-D[1, a1, <NULL>]\n"
                     "-D[1, a1, b1]\n"
                     "-D[1, a1, b2]\n"
                     "-D[1, a3, b2]\n"
                     "-D[2, a2, <NULL>]\n");
    xfree(got);
    truncated_blob(j_sql, OP_KIND_JOIN, j_evs, 6);
}

/* A unique side (the left input is a GROUP BY on the join key) keeps one
 * row per key: a +U without its -U (as an upsert stream sends it)
 * replaces the stored row and retracts its results first; a retraction
 * takes the stored row. */
static const char *ju_sql =
    DG("a", "k INT, v STRING", "") DG("b", "k INT, w STRING", "")
    "SELECT x.k, x.v, b.w FROM (SELECT k, MAX(v) AS v FROM a GROUP BY k) x "
    "LEFT JOIN b ON x.k = b.k;\n";

static const Ev ju_evs[] = {
    {0, '+', "1|a1", WM_NONE}, /* +I [1, a1, NULL] */
    {1, '+', "1|b1", WM_NONE}, /* -D [1, a1, NULL], +I [1, a1, b1] */
    {0, 'a', "1|a2", WM_NONE}, /* replaces a1: -D [1, a1, b1], +I a2 b1 */
    {1, '+', "1|b2", WM_NONE}, /* +I [1, a2, b2] */
    {0, '-', "1|a2", WM_NONE}, /* -D [1, a2, b1], -D [1, a2, b2] */
    {0, '+', "1|a3", WM_NONE}, /* +I [1, a3, b1], +I [1, a3, b2] */
};

static void join_unique_replace(void)
{
    size_t n = sizeof ju_evs / sizeof ju_evs[0];
    char *got = round_trips(ju_sql, OP_KIND_JOIN, ju_evs, n);
    UNIT_EQ_STR(got, "+I[1, a1, <NULL>]\n"
                     "+I[1, a1, b1]\n"
                     "+I[1, a2, b1]\n"
                     "+I[1, a2, b2]\n"
                     "+I[1, a3, b1]\n"
                     "+I[1, a3, b2]\n"
                     "-D[1, a1, <NULL>]\n"
                     "-D[1, a1, b1]\n"
                     "-D[1, a2, b1]\n"
                     "-D[1, a2, b2]\n");
    xfree(got);
}

/* A bounded build side (a filesystem table): stream rows that arrive
 * before it has ended wait in the operator, and are in the snapshot. */
static const Ev jb_evs[] = {
    {0, '+', "1|a1", WM_NONE}, /* waits */
    {1, '+', "1|d1", WM_NONE},
    {0, '+', "2|a2", WM_NONE}, /* waits */
    {1, '+', "2|d2", WM_NONE},
    {1, 'E', NULL, 0},         /* a1, a2 joined now */
    {0, '+', "1|a3", WM_NONE}, /* passes through */
    {0, '+', "9|a4", WM_NONE}, /* no partner: padded */
};

static void join_snapshot_broadcast(void)
{
    char sql[1024];
    snprintf(sql, sizeof sql,
             DG("a", "k INT, v STRING", "")
             "CREATE TABLE d (k INT, w STRING) WITH ('connector' = "
             "'filesystem', 'path' = '/dev/null', 'format' = 'csv');\n"
             "SELECT a.k, a.v, d.w FROM a LEFT JOIN d ON a.k = d.k;\n");
    size_t n = sizeof jb_evs / sizeof jb_evs[0];
    char *got = round_trips(sql, OP_KIND_JOIN, jb_evs, n);
    UNIT_EQ_STR(got, "+I[1, a1, d1]\n"
                     "+I[1, a3, d1]\n"
                     "+I[2, a2, d2]\n"
                     "+I[9, a4, <NULL>]\n");
    xfree(got);
    truncated_blob(sql, OP_KIND_JOIN, jb_evs, 3);
}

/* ---- semi / anti / mark joins ---------------------------------------------- */

/* The subquery is updating (a GROUP BY), so its rows may be retracted
 * and no probe row's result is final. */
static const Ev sj_evs[] = {
    {0, '+', "1|p1", WM_NONE}, /* subquery empty: IN false, NOT IN true */
    {1, '+', "1|x", WM_NONE},  /* p1: IN true */
    {0, '+', "2|p2", WM_NONE},
    {1, '+', "2|y", WM_NONE},  /* p2: IN true */
    {1, '-', "1|x", WM_NONE},  /* p1: IN false again */
    {0, '+', "1|p3", WM_NONE},
    {1, '+', "NULL|z", WM_NONE}, /* a NULL: NOT IN keeps nothing */
    {0, '+', "3|p4", WM_NONE},
    {1, '-', "NULL|z", WM_NONE},
};

static const char *sj_tables =
    DG("a", "k INT, v STRING", "") DG("s", "k INT, x STRING", "");

static void join_snapshot_semi(void)
{
    size_t n = sizeof sj_evs / sizeof sj_evs[0];
    char sql[1024];
    snprintf(sql, sizeof sql,
             "%sSELECT k, v FROM a WHERE k IN (SELECT k FROM s GROUP BY k);\n",
             sj_tables);
    char *got = round_trips(sql, OP_KIND_SEMI_JOIN, sj_evs, n);
    UNIT_EQ_STR(got, "+I[1, p1]\n"
                     "+I[2, p2]\n"
                     "-D[1, p1]\n");
    xfree(got);
    snprintf(sql, sizeof sql,
             "%sSELECT k, v FROM a WHERE k NOT IN (SELECT k FROM s GROUP BY "
             "k);\n",
             sj_tables);
    got = round_trips(sql, OP_KIND_SEMI_JOIN, sj_evs, n);
    /* p1 in, out (x), in (x retracted); p2 in, out; p3 in; the NULL
     * takes p1, p3 out; p4 arrives while the NULL is there; the NULL
     * retracted: p1, p3, p4 in */
    UNIT_EQ_STR(got, "+I[1, p1]\n"
                     "+I[1, p1]\n"
                     "+I[1, p1]\n"
                     "+I[1, p3]\n"
                     "+I[1, p3]\n"
                     "+I[2, p2]\n"
                     "+I[3, p4]\n"
                     "-D[1, p1]\n"
                     "-D[1, p1]\n"
                     "-D[1, p3]\n"
                     "-D[2, p2]\n");
    xfree(got);
    snprintf(sql, sizeof sql,
             "%sSELECT k, v, k IN (SELECT k FROM s GROUP BY k) AS m FROM a;\n",
             sj_tables);
    got = round_trips(sql, OP_KIND_SEMI_JOIN, sj_evs, n);
    UNIT_CHECK(strstr(got, "+U[1, p1, TRUE]") != NULL ||
               strstr(got, "+U[1, p1, true]") != NULL);
    xfree(got);
    truncated_blob(sql, OP_KIND_SEMI_JOIN, sj_evs, 5);
}

/* ---- temporal join ---------------------------------------------------------- */

static const Ev tj_evs[] = {
    {1, '+', "1|r10|1000", WM_NONE},
    {0, '+', "1|o1|1500", WM_NONE},  /* waits for the watermark */
    {0, '+', "1|o0|500", 1000},      /* waits: before the first version */
    {1, '+', "1|r20|2000", 1000},
    {0, '+', "1|o2|2000", 1500},     /* exactly at r20 */
    {0, 'W', NULL, 2500},
    {1, 'W', NULL, 2000},            /* o0 (none), o1 (r10), o2 (r20) */
    {1, '-', "1|r20|3000", 2000},    /* deleted at 3000 */
    {0, '+', "1|o3|2800", 2500},     /* r20 */
    {0, '+', "1|o4|3200", 2500},     /* deleted: NULL */
    {1, '+', "1|r40|4000", 3000},
    {0, '+', "1|o5|4500", 3000},     /* r40 */
    {0, 'E', NULL, 0},
    {1, 'E', NULL, 0},
};

static void join_snapshot_temporal(void)
{
    const char *sql =
        DG("o", "k INT, v STRING, ts TIMESTAMP(3)", ", WATERMARK FOR ts AS ts")
        "CREATE TABLE r (k INT, w STRING, ts TIMESTAMP(3), PRIMARY KEY (k) "
        "NOT ENFORCED, WATERMARK FOR ts AS ts) WITH ('connector' = "
        "'filesystem', 'path' = '/dev/null', 'format' = 'csv');\n"
        "SELECT o.k, o.v, r.w FROM o LEFT JOIN r FOR SYSTEM_TIME AS OF o.ts "
        "ON o.k = r.k;\n";
    size_t n = sizeof tj_evs / sizeof tj_evs[0];
    char *got = round_trips(sql, OP_KIND_TEMPORAL_JOIN, tj_evs, n);
    UNIT_EQ_STR(got, "+I[1, o0, <NULL>]\n"
                     "+I[1, o1, r10]\n"
                     "+I[1, o2, r20]\n"
                     "+I[1, o3, r20]\n"
                     "+I[1, o4, <NULL>]\n"
                     "+I[1, o5, r40]\n");
    xfree(got);
    truncated_blob(sql, OP_KIND_TEMPORAL_JOIN, tj_evs, 5);
}

static const UnitTest tests[] = {
    {"join_snapshot_interval", join_snapshot_interval},
    {"join_snapshot_regular", join_snapshot_regular},
    {"join_snapshot_broadcast", join_snapshot_broadcast},
    {"join_unique_replace", join_unique_replace},
    {"join_snapshot_semi", join_snapshot_semi},
    {"join_snapshot_temporal", join_snapshot_temporal},
    {NULL, NULL},
};

UNIT_REGISTER(tests)
