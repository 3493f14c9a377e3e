/*
 * test_kafka_ckpt.c - the Kafka source's checkpoint entries
 * (SourceVtbl.snapshot/restore/checkpoint_done, runtime/conn_kafka.c)
 * against an in-process librdkafka mock cluster: a restored source
 * resumes at the snapshot's offsets whatever scan.startup.mode says, a
 * bounded one ends at its stop offsets, checkpoint_done commits the
 * positions to the group, and a truncated blob is refused.
 */
#include "runtime/fsql.h"
#include "runtime/batch.h"
#include "runtime/checkpoint.h"
#include "runtime/connector.h"
#include "runtime/kafka.h"
#include "runtime/timeutil.h"
#include "tests/unit/unit.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct KTest {
    rd_kafka_t *prod; /* owns the mock cluster */
    char bs[256];
    RtColumn col;
    const char *keys[8];
    const char *values[8];
    TableDef t;
    RunCtx ctx;
} KTest;

static bool kt_start(KTest *k, const char *topic)
{
    memset(k, 0, sizeof *k);
    char errstr[256];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "test.mock.num.brokers", "1", errstr,
                      sizeof errstr);
    k->prod = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!k->prod)
        return false;
    rd_kafka_mock_cluster_t *mc = rd_kafka_handle_mock_cluster(k->prod);
    if (!mc || rd_kafka_mock_topic_create(mc, topic, 2, 1))
        return false;
    snprintf(k->bs, sizeof k->bs, "%s", rd_kafka_mock_cluster_bootstraps(mc));
    return true;
}

/* Records "<tag><i>" for i in [from, to), even i to partition 0, odd to 1. */
static void kt_produce(KTest *k, const char *topic, int from, int to)
{
    for (int i = from; i < to; i++) {
        char v[32];
        int n = snprintf(v, sizeof v, "r%d", i);
        rd_kafka_producev(k->prod, RD_KAFKA_V_TOPIC(topic),
                          RD_KAFKA_V_PARTITION(i % 2),
                          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                          RD_KAFKA_V_VALUE(v, (size_t)n), RD_KAFKA_V_END);
    }
    rd_kafka_flush(k->prod, 5000);
}

static void kt_table(KTest *k, const char *topic, const char *group,
                     const char *startup, const char *bounded)
{
    uint32_t n = 0;
    k->keys[n] = "connector";
    k->values[n++] = "kafka";
    k->keys[n] = "topic";
    k->values[n++] = topic;
    k->keys[n] = "properties.bootstrap.servers";
    k->values[n++] = k->bs;
    k->keys[n] = "format";
    k->values[n++] = "raw";
    k->keys[n] = "properties.group.id";
    k->values[n++] = group;
    k->keys[n] = "scan.startup.mode";
    k->values[n++] = startup;
    if (bounded) {
        k->keys[n] = "scan.bounded.mode";
        k->values[n++] = bounded;
    }
    k->col.name = "v";
    k->col.type.kind = VK_STRING;
    k->col.type.precision = -1;
    k->col.type.is_nullable = true;
    memset(&k->t, 0, sizeof k->t);
    k->t.name = "src";
    k->t.connector = "kafka";
    k->t.format = "raw";
    k->t.n_opts = n;
    k->t.keys = k->keys;
    k->t.values = k->values;
    k->t.schema.n_cols = 1;
    k->t.schema.cols = &k->col;
    k->t.is_bounded = bounded != NULL;
    k->ctx.tz = tz_utc();
    k->ctx.job_name = "unit";
    k->ctx.checkpointing = true;
}

/* Poll until want rows arrived (or the source ended / 10 s passed); the
 * rows' values are summed as numbers into *sum.  Returns rows read;
 * *ended tells whether the source said SRC_END. */
static int kt_read_for(SourceReader *r, int want, long *sum, bool *ended,
                       int spins_max)
{
    Arena a;
    arena_init(&a, 4096);
    Batch b;
    batch_init(&b, 1, BATCH_ROWS, &a);
    int got = 0;
    *ended = false;
    for (int spins = 0; spins < spins_max && got < want; spins++) {
        batch_clear(&b);
        int64_t wait = 0;
        FsqlErr err;
        int rc = r->v->poll(r, &b, &wait, &err);
        for (uint32_t i = 0; i < b.n_rows; i++) {
            const Value *v = batch_row(&b, i);
            *sum += strtol(v->u.s.ptr + 1, NULL, 10);
            got++;
        }
        r->v->batch_done(r);
        arena_reset(&a);
        if (rc == SRC_END) {
            *ended = true;
            break;
        }
        if (rc < 0)
            break;
        if (b.n_rows == 0 && r->wait)
            r->wait(r, 10);
    }
    batch_fini(&b);
    arena_fini(&a);
    return got;
}

/* The offset committed for group / topic / partition (-1: none). */
static long kt_committed(KTest *k, const char *group, const char *topic,
                         int partition)
{
    char errstr[256];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", k->bs, errstr, sizeof errstr);
    rd_kafka_conf_set(conf, "group.id", group, errstr, sizeof errstr);
    rd_kafka_t *c =
        rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
    if (!c)
        return -2;
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(l, topic, partition);
    long o = -3;
    if (!rd_kafka_committed(c, l, 5000) && !l->elems[0].err)
        o = (long)l->elems[0].offset;
    rd_kafka_topic_partition_list_destroy(l);
    rd_kafka_destroy(c);
    return o;
}

static int kt_read(SourceReader *r, int want, long *sum, bool *ended)
{
    return kt_read_for(r, want, sum, ended, 1500);
}

static void kt_stop(KTest *k)
{
    if (k->prod)
        rd_kafka_destroy(k->prod);
}

static void test_kafka_ckpt_restore_unbounded(void)
{
    KTest k;
    UNIT_REQUIRE(kt_start(&k, "t1"));
    kt_produce(&k, "t1", 0, 10);
    kt_table(&k, "t1", "g1", "earliest-offset", NULL);
    FsqlErr err;
    SourceReader *r = NULL;
    UNIT_REQUIRE(connector_open_source(&k.t, &k.ctx, &r, &err) == FSQL_OK);
    long sum = 0;
    bool ended;
    UNIT_EQ_INT(kt_read(r, 10, &sum, &ended), 10);
    UNIT_EQ_INT(sum, 45);
    SnapWriter w;
    snap_writer_init(&w);
    UNIT_EQ_INT(r->v->snapshot(r, &w), FSQL_OK);
    r->v->close(r);

    /* Four more records; the restored source reads exactly those, though
     * its startup mode is earliest-offset. */
    kt_produce(&k, "t1", 10, 14);
    /* (Another group: the mock cluster lets a new member of the same
     * group join only after the old one's session timeout.) */
    kt_table(&k, "t1", "g2", "earliest-offset", NULL);
    r = NULL;
    UNIT_REQUIRE(connector_open_source(&k.t, &k.ctx, &r, &err) == FSQL_OK);
    SnapReader rd;
    snap_reader_init(&rd, w.buf, w.len);
    UNIT_EQ_INT(r->v->restore(r, &rd, &err), FSQL_OK);
    sum = 0;
    UNIT_EQ_INT(kt_read(r, 4, &sum, &ended), 4);
    UNIT_EQ_INT(sum, 10 + 11 + 12 + 13);
    /* Nothing else arrives. */
    UNIT_EQ_INT(kt_read_for(r, 1, &sum, &ended, 50), 0);
    /* Snapshot again and complete the checkpoint: the positions (7 and
     * 7) are committed to the group. */
    SnapWriter w2;
    snap_writer_init(&w2);
    UNIT_EQ_INT(r->v->snapshot(r, &w2), FSQL_OK);
    r->v->checkpoint_done(r, 2);
    r->v->close(r);
    UNIT_EQ_INT(kt_committed(&k, "g2", "t1", 0), 7);
    UNIT_EQ_INT(kt_committed(&k, "g2", "t1", 1), 7);

    /* A truncated blob is refused with an error, not a crash. */
    kt_table(&k, "t1", "g3", "earliest-offset", NULL);
    r = NULL;
    UNIT_REQUIRE(connector_open_source(&k.t, &k.ctx, &r, &err) == FSQL_OK);
    snap_reader_init(&rd, w.buf, w.len - 3);
    UNIT_CHECK(r->v->restore(r, &rd, &err) < 0);
    r->v->close(r);
    snap_writer_fini(&w);
    snap_writer_fini(&w2);
    kt_stop(&k);
}

static void test_kafka_ckpt_restore_bounded(void)
{
    KTest k;
    UNIT_REQUIRE(kt_start(&k, "t2"));
    kt_produce(&k, "t2", 0, 6);
    kt_table(&k, "t2", "b1", "earliest-offset", "latest-offset");
    FsqlErr err;
    SourceReader *r = NULL;
    UNIT_REQUIRE(connector_open_source(&k.t, &k.ctx, &r, &err) == FSQL_OK);
    long sum = 0;
    bool ended;
    UNIT_EQ_INT(kt_read(r, 6, &sum, &ended), 6);
    SnapWriter w;
    snap_writer_init(&w);
    UNIT_EQ_INT(r->v->snapshot(r, &w), FSQL_OK);
    r->v->close(r);
    /* A bounded restart: stops at the new end, reads only the rest. */
    kt_produce(&k, "t2", 6, 9);
    r = NULL;
    UNIT_REQUIRE(connector_open_source(&k.t, &k.ctx, &r, &err) == FSQL_OK);
    SnapReader rd;
    snap_reader_init(&rd, w.buf, w.len);
    UNIT_EQ_INT(r->v->restore(r, &rd, &err), FSQL_OK);
    sum = 0;
    UNIT_EQ_INT(kt_read(r, 100, &sum, &ended), 3);
    UNIT_EQ_INT(sum, 6 + 7 + 8);
    UNIT_CHECK(ended);
    r->v->close(r);
    snap_writer_fini(&w);
    kt_stop(&k);
}


/* ---- the exactly-once sink ------------------------------------------------ */

/* Every record of topic (partitions 0..n_parts-1) as "key=value" lines,
 * sorted by partition then offset, joined with ';' into out. */
static int kt_dump(KTest *k, const char *topic, int n_parts, char *out,
                   size_t n)
{
    char errstr[256];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", k->bs, errstr, sizeof errstr);
    rd_kafka_conf_set(conf, "group.id", "unit-dump", errstr, sizeof errstr);
    rd_kafka_conf_set(conf, "enable.partition.eof", "true", errstr,
                      sizeof errstr);
    rd_kafka_t *c =
        rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(4);
    for (int p = 0; p < n_parts; p++)
        rd_kafka_topic_partition_list_add(l, topic, p)->offset =
            RD_KAFKA_OFFSET_BEGINNING;
    rd_kafka_assign(c, l);
    rd_kafka_topic_partition_list_destroy(l);
    int eofs = 0, got = 0;
    size_t len = 0;
    out[0] = '\0';
    for (int idle = 0; eofs < n_parts && idle < 50;) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(c, 100);
        if (!m) {
            idle++;
            continue;
        }
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            eofs++;
        } else if (!m->err) {
            len += (size_t)snprintf(out + len, n - len, "%s%.*s=%.*s",
                                    got ? ";" : "", (int)m->key_len,
                                    m->key ? (const char *)m->key : "",
                                    (int)m->len,
                                    m->payload ? (const char *)m->payload
                                               : "(null)");
            got++;
        }
        rd_kafka_message_destroy(m);
    }
    rd_kafka_consumer_close(c);
    rd_kafka_destroy(c);
    return got;
}

static void kt_sink_table(KTest *k, const char *topic, const char *prefix)
{
    kt_table(k, topic, "unused", "earliest-offset", NULL);
    k->t.n_opts = 4; /* connector, topic, bootstrap, format */
    k->keys[4] = "sink.delivery-guarantee";
    k->values[4] = "exactly-once";
    k->keys[5] = "sink.transactional-id-prefix";
    k->values[5] = prefix;
    k->t.n_opts = 6;
    k->t.name = "snk";
    k->t.is_bounded = false;
}

static void kt_write(SinkWriter *w, int from, int to)
{
    Arena a;
    arena_init(&a, 4096);
    Batch b;
    batch_init(&b, 1, 64, &a);
    batch_clear(&b);
    char bufs[64][16];
    for (int i = from; i < to; i++) {
        Value *v = batch_row(&b, b.n_rows);
        int n = snprintf(bufs[i - from], sizeof bufs[0], "r%d", i);
        v->kind = VK_STRING;
        v->is_null = false;
        v->u.s.ptr = bufs[i - from];
        v->u.s.len = (uint32_t)n;
        batch_add(&b, ROW_INSERT, WM_NONE);
    }
    FsqlErr err;
    UNIT_EQ_INT(w->v->write(w, &b, &err), FSQL_OK);
    batch_fini(&b);
    arena_fini(&a);
}

static void test_kafka_ckpt_sink_exactly_once(void)
{
    KTest k;
    UNIT_REQUIRE(kt_start(&k, "o1"));
    rd_kafka_mock_cluster_t *mc = rd_kafka_handle_mock_cluster(k.prod);
    UNIT_REQUIRE(!rd_kafka_mock_topic_create(mc, "p1-progress", 1, 1));
    UNIT_REQUIRE(!rd_kafka_mock_topic_create(mc, "o2", 2, 1));
    UNIT_REQUIRE(!rd_kafka_mock_topic_create(mc, "p2-progress", 1, 1));
    FsqlErr err;
    char dump[2048];

    /* Without checkpoints exactly-once is refused at open. */
    kt_sink_table(&k, "o1", "p1");
    k.ctx.checkpointing = false;
    SinkWriter *w = NULL;
    UNIT_CHECK(connector_open_sink(&k.t, &k.ctx, &w, &err) < 0);
    UNIT_CHECK(strstr(err.msg, "checkpoint") != NULL);
    k.ctx.checkpointing = true;

    /* Two epochs, each committed: records and progress records 1, 2. */
    UNIT_REQUIRE(connector_open_sink(&k.t, &k.ctx, &w, &err) == FSQL_OK);
    UNIT_REQUIRE(w->v->precommit && w->v->commit && w->v->recover);
    kt_write(w, 0, 3);
    SnapWriter b1, b2, b3;
    snap_writer_init(&b1);
    snap_writer_init(&b2);
    snap_writer_init(&b3);
    UNIT_EQ_INT(w->v->precommit(w, 1, &b1, &err), FSQL_OK);
    UNIT_EQ_INT(w->v->commit(w, 1, &err), FSQL_OK);
    UNIT_EQ_INT(w->v->commit(w, 1, &err), FSQL_OK); /* idempotent */
    kt_write(w, 3, 5);
    UNIT_EQ_INT(w->v->precommit(w, 2, &b2, &err), FSQL_OK);
    UNIT_EQ_INT(w->v->commit(w, 2, &err), FSQL_OK);
    /* An empty epoch commits nothing and writes no progress record. */
    UNIT_EQ_INT(w->v->precommit(w, 3, &b3, &err), FSQL_OK);
    UNIT_EQ_INT(w->v->commit(w, 3, &err), FSQL_OK);
    w->v->close(w);
    UNIT_EQ_INT(kt_dump(&k, "p1-progress", 1, dump, sizeof dump), 2);
    UNIT_EQ_STR(dump, "unit/snk=1;unit/snk=2");
    UNIT_EQ_INT(kt_dump(&k, "o1", 2, dump, sizeof dump), 5);

    /* Recovery where the epoch's progress record is missing (a sink with
     * another prefix stands for "the transaction was aborted"): the
     * epoch's records are produced again with the progress record; a
     * second recovery of the same checkpoint finds it and does nothing. */
    kt_sink_table(&k, "o2", "p2");
    UNIT_REQUIRE(connector_open_sink(&k.t, &k.ctx, &w, &err) == FSQL_OK);
    SnapReader rd;
    snap_reader_init(&rd, b2.buf, b2.len);
    UNIT_EQ_INT(w->v->recover(w, 2, &rd, &err), FSQL_OK);
    w->v->close(w);
    UNIT_REQUIRE(connector_open_sink(&k.t, &k.ctx, &w, &err) == FSQL_OK);
    snap_reader_init(&rd, b2.buf, b2.len);
    UNIT_EQ_INT(w->v->recover(w, 2, &rd, &err), FSQL_OK);
    snap_reader_init(&rd, b3.buf, b3.len);
    UNIT_EQ_INT(w->v->recover(w, 3, &rd, &err), FSQL_OK);
    /* A truncated blob is an error. */
    snap_reader_init(&rd, b2.buf, b2.len - 1);
    UNIT_CHECK(w->v->recover(w, 4, &rd, &err) < 0);
    w->v->close(w);
    UNIT_EQ_INT(kt_dump(&k, "p2-progress", 1, dump, sizeof dump), 1);
    UNIT_EQ_STR(dump, "unit/snk=2");
    UNIT_EQ_INT(kt_dump(&k, "o2", 2, dump, sizeof dump), 2);
    UNIT_CHECK(strstr(dump, "=r3") && strstr(dump, "=r4"));

    /* A missing progress topic is created by a broker that auto-creates
     * topics (the mock cluster does). */
    kt_sink_table(&k, "o2", "auto");
    w = NULL;
    UNIT_CHECK(connector_open_sink(&k.t, &k.ctx, &w, &err) == FSQL_OK);
    if (w)
        w->v->close(w);
    snap_writer_fini(&b1);
    snap_writer_fini(&b2);
    snap_writer_fini(&b3);
    kt_stop(&k);
}

/* The upsert-kafka source's changelog state survives a snapshot: after a
 * restore, a known key updates (-U/+U) and a repeated value is skipped. */
static void test_kafka_ckpt_upsert_state(void)
{
    KafkaUpsertState *s = kafka_upsert_state_new();
    const char *old;
    size_t old_len;
    char k[16], v[16];
    for (int i = 0; i < 3000; i++) {
        int kl = snprintf(k, sizeof k, "k%d", i);
        int vl = snprintf(v, sizeof v, "v%d", i);
        UNIT_EQ_INT(kafka_upsert_state_apply(s, k, (size_t)kl, v, (size_t)vl,
                                             false, &old, &old_len),
                    KUP_INSERT);
    }
    UNIT_EQ_INT(kafka_upsert_state_apply(s, "k7", 2, NULL, 0, true, &old,
                                         &old_len),
                KUP_DELETE);
    kafka_upsert_state_batch_done(s);
    SnapWriter w;
    snap_writer_init(&w);
    kafka_upsert_state_snapshot(s, &w);
    kafka_upsert_state_free(s);

    s = kafka_upsert_state_new();
    SnapReader rd;
    snap_reader_init(&rd, w.buf, w.len);
    UNIT_CHECK(kafka_upsert_state_restore(s, &rd));
    UNIT_CHECK(snap_reader_done(&rd));
    UNIT_EQ_INT(kafka_upsert_state_keys(s), 2999);
    UNIT_EQ_INT(kafka_upsert_state_apply(s, "k5", 2, "v5", 2, false, &old,
                                         &old_len),
                KUP_SKIP);
    UNIT_EQ_INT(kafka_upsert_state_apply(s, "k5", 2, "x", 1, false, &old,
                                         &old_len),
                KUP_UPDATE);
    UNIT_CHECK(old_len == 2 && memcmp(old, "v5", 2) == 0);
    UNIT_EQ_INT(kafka_upsert_state_apply(s, "k7", 2, "v7", 2, false, &old,
                                         &old_len),
                KUP_INSERT);
    kafka_upsert_state_free(s);
    /* Truncated: refused. */
    s = kafka_upsert_state_new();
    snap_reader_init(&rd, w.buf, w.len / 2);
    UNIT_CHECK(!kafka_upsert_state_restore(s, &rd));
    kafka_upsert_state_free(s);
    snap_writer_fini(&w);
}

static const UnitTest kafka_ckpt_tests[] = {
    {"kafka_ckpt_restore_unbounded", test_kafka_ckpt_restore_unbounded},
    {"kafka_ckpt_restore_bounded", test_kafka_ckpt_restore_bounded},
    {"kafka_ckpt_sink_exactly_once", test_kafka_ckpt_sink_exactly_once},
    {"kafka_ckpt_upsert_state", test_kafka_ckpt_upsert_state},
    {NULL, NULL},
};

UNIT_REGISTER(kafka_ckpt_tests)
