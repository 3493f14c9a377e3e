/*
 * test_sink_eo.c - the epoch row buffer of the exactly-once jdbc sinks
 * (runtime/sink_eo.h): rows of every value shape (NULLs, strings long and
 * short in the middle of a row, narrow and wide decimals, doubles,
 * timestamps) survive precommit -> blob -> load in another EpochRows, pending epochs carry over into the next
 * precommit until committed, commit(N) walks exactly the epochs up to N,
 * and a blob of another sink or a truncated one is refused.
 */
#include "runtime/fsql.h"
#include "runtime/sink_eo.h"
#include "tests/unit/unit.h"

#include <string.h>

static Value v_int(int64_t x)
{
    Value v = value_null(VK_INT);
    v.is_null = false;
    v.u.i = x;
    return v;
}

static Value v_str(const char *s)
{
    Value v = value_null(VK_STRING);
    v.is_null = false;
    v.u.s.ptr = s;
    v.u.s.len = (uint32_t)strlen(s);
    return v;
}

static Value v_dec(int64_t lo, int64_t hi)
{
    Value v = value_null(VK_DECIMAL);
    v.is_null = false;
    v.u.d.lo = (uint64_t)lo;
    v.u.d.hi = hi;
    return v;
}

/* Row i: id, name (NULL every 5th), a decimal (wide every 3rd, negative
 * every 2nd), a double, a timestamp; kind -D every 7th, else +I. */
static void make_row(int i, char *buf, size_t n, Value *row)
{
    snprintf(buf, n, "n'%d%s", i, i % 11 == 0 ? " a longer string to grow" : "");
    row[0] = v_int(i);
    row[1] = i % 5 == 0 ? value_null(VK_STRING) : v_str(buf);
    row[2] = i % 3 == 0 ? v_dec(i, 12345) : v_dec(i % 2 ? -i * 1000LL : i, i % 2 ? -1 : 0);
    row[3] = value_null(VK_DOUBLE);
    row[3].is_null = false;
    row[3].u.f = i * 0.5;
    row[4] = value_null(VK_TIMESTAMP);
    row[4].is_null = i % 4 == 0;
    row[4].u.i = i % 4 == 0 ? 0 : -1700000000000LL + i;
}

static void add_rows(EpochRows *e, int from, int to)
{
    char buf[64];
    Value row[5];
    for (int i = from; i < to; i++) {
        make_row(i, buf, sizeof buf, row);
        epoch_rows_add(e, i % 7 == 0 ? ROW_DELETE : ROW_INSERT, row);
    }
}

/* Walk the epochs up to `upto`: the ids must run from..to in order. */
static void check_rows(const EpochRows *e, uint64_t upto, int from, int to)
{
    EpochCursor c;
    epoch_cursor_init(&c, e, upto);
    Value row[5], exp[5];
    uint8_t kind;
    bool bad = false;
    int want = from;
    char buf[64];
    while (epoch_cursor_next(&c, &kind, row, &bad)) {
        make_row(want, buf, sizeof buf, exp);
        UNIT_EQ_INT(kind, want % 7 == 0 ? ROW_DELETE : ROW_INSERT);
        for (int k = 0; k < 5; k++) {
            UNIT_EQ_INT(row[k].kind, exp[k].kind);
            UNIT_EQ_INT(row[k].is_null, exp[k].is_null);
            if (exp[k].is_null)
                continue;
            if (exp[k].kind == VK_STRING)
                UNIT_CHECK(row[k].u.s.len == exp[k].u.s.len &&
                           memcmp(row[k].u.s.ptr, exp[k].u.s.ptr,
                                  row[k].u.s.len) == 0);
            else if (exp[k].kind == VK_DECIMAL)
                UNIT_CHECK(row[k].u.d.lo == exp[k].u.d.lo &&
                           row[k].u.d.hi == exp[k].u.d.hi);
            else if (exp[k].kind == VK_DOUBLE)
                UNIT_CHECK(row[k].u.f == exp[k].u.f);
            else
                UNIT_EQ_INT(row[k].u.i, exp[k].u.i);
        }
        want++;
    }
    UNIT_CHECK(!bad);
    UNIT_EQ_INT(want, to);
}

static void test_sink_eo_roundtrip(void)
{
    EpochRows a, b;
    epoch_rows_init(&a, 5);
    add_rows(&a, 0, 100);
    SnapWriter w1;
    snap_writer_init(&w1);
    epoch_rows_precommit(&a, 1, "t", &w1);
    UNIT_EQ_INT(epoch_rows_pending(&a, 1), 100);
    /* Epoch 1 is not committed (a failed checkpoint): the next precommit
     * carries it along with epoch 2. */
    add_rows(&a, 100, 130);
    SnapWriter w2;
    snap_writer_init(&w2);
    epoch_rows_precommit(&a, 2, "t", &w2);
    UNIT_EQ_INT(epoch_rows_pending(&a, 2), 130);
    UNIT_EQ_INT(epoch_rows_pending(&a, 1), 100);
    check_rows(&a, 1, 0, 100);
    check_rows(&a, 2, 0, 130);

    /* Another process loads the second blob: the same rows. */
    epoch_rows_init(&b, 5);
    SnapReader r;
    snap_reader_init(&r, w2.buf, w2.len);
    FsqlErr err;
    fsql_err_clear(&err);
    UNIT_EQ_INT(epoch_rows_load(&b, &r, "t", "t", &err), FSQL_OK);
    UNIT_CHECK(snap_reader_done(&r));
    check_rows(&b, 2, 0, 130);

    /* commit(1) drops epoch 1 only; commit(2) the rest. */
    epoch_rows_drop(&a, 1);
    UNIT_EQ_INT(epoch_rows_pending(&a, 2), 30);
    check_rows(&a, 2, 100, 130);
    epoch_rows_drop(&a, 2);
    UNIT_EQ_INT(epoch_rows_pending(&a, UINT64_MAX), 0);
    /* An empty epoch is still an epoch (commit finds nothing to do). */
    SnapWriter w3;
    snap_writer_init(&w3);
    epoch_rows_precommit(&a, 3, "t", &w3);
    UNIT_EQ_INT(a.n_pend, 1);
    UNIT_EQ_INT(epoch_rows_pending(&a, 3), 0);

    snap_writer_fini(&w1);
    snap_writer_fini(&w2);
    snap_writer_fini(&w3);
    epoch_rows_fini(&a);
    epoch_rows_fini(&b);
}

static void test_sink_eo_refuses(void)
{
    EpochRows a, b;
    epoch_rows_init(&a, 5);
    add_rows(&a, 0, 10);
    SnapWriter w;
    snap_writer_init(&w);
    epoch_rows_precommit(&a, 7, "t", &w);
    FsqlErr err;

    /* Another sink's blob. */
    epoch_rows_init(&b, 5);
    SnapReader r;
    snap_reader_init(&r, w.buf, w.len);
    fsql_err_clear(&err);
    UNIT_EQ_INT(epoch_rows_load(&b, &r, "t#2", "t", &err), FSQL_E_STATE);
    UNIT_CHECK(strstr(err.msg, "belong to sink \"t\"") != NULL);
    epoch_rows_fini(&b);

    /* Every truncation is refused without crashing. */
    for (size_t n = 0; n < w.len; n++) {
        epoch_rows_init(&b, 5);
        snap_reader_init(&r, w.buf, n);
        fsql_err_clear(&err);
        int rc = epoch_rows_load(&b, &r, "t", "t", &err);
        if (rc == FSQL_OK) {
            /* A cut inside the row bytes is found by the cursor. */
            EpochCursor c;
            epoch_cursor_init(&c, &b, 7);
            Value row[5];
            uint8_t kind;
            bool bad = false;
            int rows = 0;
            while (epoch_cursor_next(&c, &kind, row, &bad))
                rows++;
            UNIT_CHECK(bad || rows == 10);
        } else {
            UNIT_EQ_INT(rc, FSQL_E_STATE);
        }
        epoch_rows_fini(&b);
    }
    snap_writer_fini(&w);
    epoch_rows_fini(&a);
}

static void test_sink_eo_keys(void)
{
    char k1[64], k2[64], k3[64];
    sink_key_acquire("jdbc", "job", "alerts", k1, sizeof k1);
    sink_key_acquire("jdbc", "job", "alerts", k2, sizeof k2);
    sink_key_acquire("filesystem", "job", "alerts", k3, sizeof k3);
    UNIT_EQ_STR(k1, "alerts");
    UNIT_EQ_STR(k2, "alerts#2");
    UNIT_EQ_STR(k3, "alerts");
    sink_key_release("jdbc", "job", k1);
    sink_key_release("jdbc", "job", k2);
    sink_key_release("filesystem", "job", k3);
    /* Released keys are free again: a next job gets the plain name. */
    sink_key_acquire("jdbc", "job", "alerts", k1, sizeof k1);
    UNIT_EQ_STR(k1, "alerts");
    sink_key_release("jdbc", "job", k1);
}

static const UnitTest sink_eo_tests[] = {
    {"sink_eo_roundtrip", test_sink_eo_roundtrip},
    {"sink_eo_refuses", test_sink_eo_refuses},
    {"sink_eo_keys", test_sink_eo_keys},
    {NULL, NULL},
};
UNIT_REGISTER(sink_eo_tests)
