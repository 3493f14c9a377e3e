/*
 * conn_kafka.c - the 'kafka' connector: a source over one or more topics
 * and a sink into one topic, on librdkafka (runtime/kafka.h).  The
 * 'upsert-kafka' connector (conn_upsert_kafka.c) runs the same code with
 * is_upsert set.
 *
 * Source.
 *   Partitions: an unbounded source subscribes to its topics ('topic', a
 *   ';' list, or 'topic-pattern') in the consumer group, so fsql processes
 *   with the same group id share the partitions (DESIGN.md section 5); a
 *   bounded source (scan.bounded.mode) assigns itself every partition of
 *   its topics, so a backtest reads everything and ends deterministically.
 *   Every assigned partition is one split (Batch.split): a batch holds rows
 *   of one partition, watermarks are kept per partition, and a partition
 *   that is revoked or reaches its stop offset ends its split
 *   (BATCH_F_SPLIT_END).  A partition assigned again gets a new split id.
 *   Start: scan.startup.mode on the first assignment of a partition in
 *   this process (earliest-offset, latest-offset, group-offsets falling
 *   back to auto.offset.reset = earliest, timestamp, specific-offsets with
 *   unlisted partitions at the group offset); later assignments resume at
 *   the committed offset.
 *   Stop (bounded): the partition's end offset when the job started
 *   (latest-offset), the committed offset (group-offsets), the first
 *   offset at or after the timestamp (timestamp), or the listed offset
 *   (specific-offsets); partitions without one stop at their end offset.
 *   The source ends when every partition has reached its stop offset.
 *   Reading: rd_kafka_consume_batch_queue fills up to a batch of messages
 *   at once; records are decoded in place (strings point into the message
 *   payloads), and after the push cycle batch_done() hands the messages
 *   to librdkafka's broker threads, which destroy them from an interceptor
 *   (grave_reap: freeing them here would collide with the broker thread's
 *   allocations on its malloc arena lock).  No allocation per row.
 *   Offsets (at-least-once): enable.auto.offset.store is off; after a
 *   batch's push cycle the source notes (partition, next offset, ack mark)
 *   and stores the offset with rd_kafka_offsets_store only once every
 *   record the Kafka sinks produced up to that mark has been acknowledged
 *   (kafka.h, the acknowledgement log).  librdkafka's auto commit commits
 *   stored offsets every auto.commit.interval.ms; revocation and close
 *   commit synchronously.
 *   Bad records: fail the job naming topic, partition and offset (rows
 *   before it in the batch are still pushed), or with the format's
 *   ignore-parse-errors are skipped and counted.  Records with a null
 *   value are skipped (Flink does the same).
 *   Metadata columns: topic, partition, offset, timestamp, timestamp-type,
 *   headers (declared MAP<STRING, BYTES> as Flink does, or STRING: a JSON
 *   object text; see headers_map and headers_json).
 *   Discovery: scan.topic-partition-discovery.interval sets the consumer's
 *   metadata refresh; new partitions (and topics matching the pattern)
 *   arrive through a rebalance.
 *   Checkpoints (kr_snapshot/kr_restore): the next offset of every
 *   partition delivered from (plus the upsert state); a restored partition
 *   is assigned at its saved offset whatever the startup mode says.  With
 *   checkpoints the ack-driven offset storing below is off: offsets reach
 *   the group only in checkpoint_done (and at close), so the group is
 *   never ahead of the newest checkpoint.
 *   Metrics: partition_lag gives high watermark - next offset per
 *   assigned partition from librdkafka's cached watermarks.
 *
 * Sink.
 *   One topic; key (key.fields, or the PRIMARY KEY for upsert-kafka) and
 *   value formats; sink.partitioner default (librdkafka murmur2_random:
 *   by key hash like the Java client, random without a key), fixed (all to
 *   partition 0: fsql runs one sink instance) or round-robin.
 *   sink.delivery-guarantee at-least-once: every record gets an ack
 *   sequence number, so sources store offsets only behind acknowledged
 *   output; flush() (end of input, stop) waits for every delivery report.
 *   none: the same, but sources do not wait for acknowledgements.  A
 *   failed delivery fails the job with the broker's error; it is never
 *   dropped.  A full producer queue (QUEUE_FULL) serves delivery reports
 *   for up to 100 ms and retries.
 *   exactly-once (issue 10; the protocol and its correctness argument are
 *   in docs/connectors/kafka.md, "Exactly-once"): transactional.id
 *   "<prefix>-0"; an epoch's records are produced in one transaction and
 *   kept (key, value, headers, timestamp, partition) for the checkpoint
 *   blob; precommit adds the progress record "<job>/<table>" = id to
 *   partition 0 of "<prefix>-progress" and flushes; commit commits.  At
 *   open init_transactions fences the previous producer and aborts its
 *   open transaction; recover reads the progress partition read_committed
 *   and produces the epoch again unless its progress record is there.
 *   Headers and timestamp metadata columns are written.
 *   upsert-kafka: +I/+U rows are written as key -> value, -D rows as a
 *   tombstone (key -> null), -U rows are dropped; sink.buffer-flush.*
 *   keeps the last row per key until max-rows keys or the interval
 *   (upbuf_add).
 */
#include "runtime/fsql.h"
#include "runtime/checkpoint.h"
#include "runtime/job.h"
#include "runtime/kafka.h"
#include "runtime/log.h"
#include "runtime/value_map.h"

#include <errno.h>
#include <pthread.h>
#include <regex.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define META_TIMEOUT_MS 10000

typedef enum KStart {
    KSTART_GROUP,
    KSTART_EARLIEST,
    KSTART_LATEST,
    KSTART_TIMESTAMP,
    KSTART_SPECIFIC
} KStart;

typedef enum KStop {
    KSTOP_NONE,
    KSTOP_LATEST,
    KSTOP_GROUP,
    KSTOP_TIMESTAMP,
    KSTOP_SPECIFIC
} KStop;

typedef enum KMeta {
    KM_NONE,
    KM_TOPIC,
    KM_PARTITION,
    KM_OFFSET,
    KM_TIMESTAMP,
    KM_TIMESTAMP_TYPE,
    KM_HEADERS
} KMeta;

typedef struct KOffset {
    int32_t partition;
    int64_t offset;
} KOffset;

/* One assigned partition: one split. */
typedef struct KPart {
    char *topic; /* xmalloc */
    int32_t partition;
    uint32_t split;
    int64_t next;    /* offset after the last record seen; -1 unknown */
    int64_t stop;    /* bounded: exclusive stop offset; -1 none */
    int64_t skip_ts; /* skip records older than this (-1: none) */
    int64_t resume;  /* restored from a checkpoint: the first assignment
                        starts here (-1: none) */
    const rd_kafka_topic_t *rkt; /* handle messages carry (lookup cache) */
    bool active;                 /* assigned now */
    bool done;                   /* reached stop (bounded) */
} KPart;

typedef struct KPending {
    uint32_t part;  /* index in parts */
    uint32_t split; /* to notice a reassignment */
    int64_t next;   /* offset to store */
    uint64_t mark;  /* ack mark at the end of the push cycle */
} KPending;

/* Messages the main thread is done with, destroyed by librdkafka's broker
 * threads (grave_on_response).  v[0..n) under mu; spare is the second
 * array (NULL while a thread destroys the messages it held); n_pub is n
 * for a look without the lock. */
typedef struct KGrave {
    pthread_mutex_t mu;
    rd_kafka_message_t **v, **spare;
    size_t n, cap, spare_cap;
    atomic_size_t n_pub;
} KGrave;

typedef struct KReader {
    SourceReader base;
    const RunCtx *ctx;
    rd_kafka_t *rk;
    rd_kafka_queue_t *q;
    bool is_upsert;
    char **topics;
    uint32_t n_topics;
    char *pattern; /* topic-pattern, or NULL */
    regex_t re;
    bool has_re;
    KStart start;
    int64_t start_ts;
    KOffset *start_offs;
    uint32_t n_start_offs;
    KStop stop;
    int64_t stop_ts;
    KOffset *stop_offs;
    uint32_t n_stop_offs;
    bool paused;  /* held back by watermark alignment (kr_set_paused) */
    bool bounded;
    KPart *parts;
    uint32_t n_parts, cap_parts;
    uint32_t next_split;
    uint32_t *ends; /* split ids whose end is still to be sent */
    uint32_t n_ends, cap_ends;
    /* messages fetched but not yet decoded: fetched[fpos..fn) */
    rd_kafka_message_t **fetched;
    size_t fpos, fn;
    /* messages of the batch being processed (destroyed at batch_done) */
    rd_kafka_message_t **held;
    size_t n_held;
    KGrave grave; /* messages done with, destroyed by a broker thread */
    int32_t batch_part; /* part index of the current batch, -1 none */
    int64_t batch_next; /* offset after its last consumed record */
    int64_t *row_off;   /* per row of the batch: its offset */
    uint32_t row_cap;
    KafkaCodec key, val;
    bool has_key, has_val;
    /* csv is positional: when the scan reads only some physical columns,
     * the codecs decode every physical column of the declared table
     * (wide_t: the table with schema = table_phys) into wide_row, then
     * phys_to_schema picks the ones the scan reads. */
    bool wide;
    TableDef wide_t;
    Value *wide_row;
    KMeta *meta; /* per schema column */
    bool has_meta;
    uint64_t hdr_nulled; /* headers columns nulled (not UTF-8, ignored) */
    bool has_pending_err;
    FsqlErr pending_err;
    KPending *pend;
    uint32_t n_pend, cap_pend, pend_head;
    KafkaUpsertState *ups;
    Value *img; /* scratch row (upsert old image) */
    uint64_t nulled_again; /* NULLed fields of re-decoded old images */
    bool warned_missing;
    uint64_t dropped_null;   /* records without value skipped */
    bool stored;             /* offsets stored since the last commit */
    rd_kafka_topic_t **rkts; /* topic handles kept by a bounded source */
    uint32_t n_rkts, cap_rkts;
    /* Checkpoints: the positions of the last snapshot, committed to the
     * group when its checkpoint completes. */
    rd_kafka_topic_partition_list_t *snap_offs;
    bool committed_snap; /* an asynchronous commit of snap_offs was sent */
    /* bounded: the assignment made at the first poll */
    rd_kafka_topic_partition_list_t *pending_assign;
} KReader;

/* ---- option parsing ------------------------------------------------------ */

static char **split_list(const char *s, char sep, uint32_t *n_out)
{
    uint32_t n = 0, cap = 4;
    char **v = xmalloc(sizeof(char *) * cap);
    const char *p = s;
    while (p) {
        const char *e = strchr(p, sep);
        size_t len = e ? (size_t)(e - p) : strlen(p);
        while (len && *p == ' ') {
            p++;
            len--;
        }
        while (len && p[len - 1] == ' ')
            len--;
        if (len) {
            if (n == cap) {
                cap *= 2;
                v = xrealloc(v, sizeof(char *) * cap);
            }
            char *x = xmalloc(len + 1);
            memcpy(x, p, len);
            x[len] = '\0';
            v[n++] = x;
        }
        p = e ? e + 1 : NULL;
    }
    *n_out = n;
    return v;
}

static void free_list(char **v, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        xfree(v[i]);
    xfree(v);
}

/* 'partition:0,offset:42;partition:1,offset:300' */
static int parse_offsets(const TableDef *t, const char *key, const char *s,
                         KOffset **out, uint32_t *n_out, FsqlErr *err)
{
    uint32_t n = 0;
    char **items = split_list(s ? s : "", ';', &n);
    KOffset *o = xcalloc(n + 1, sizeof(KOffset));
    for (uint32_t i = 0; i < n; i++) {
        long long p, off;
        char tail;
        if (sscanf(items[i], " partition : %lld , offset : %lld %c", &p, &off,
                   &tail) != 2 ||
            p < 0 || off < 0) {
            fsql_err_set(err, FSQL_E_CONFIG,
                         "table \"%s\": option '%s': cannot read \"%s\" "
                         "(expected 'partition:N,offset:M')",
                         t->name, key, items[i]);
            free_list(items, n);
            xfree(o);
            return FSQL_E_CONFIG;
        }
        o[i].partition = (int32_t)p;
        o[i].offset = off;
    }
    free_list(items, n);
    *out = o;
    *n_out = n;
    return FSQL_OK;
}

static int64_t offset_for(const KOffset *o, uint32_t n, int32_t partition)
{
    for (uint32_t i = 0; i < n; i++)
        if (o[i].partition == partition)
            return o[i].offset;
    return -1;
}

/* The consumer group: properties.group.id, else pipeline.name, else
 * "fsql-" and the script's name. */
static void default_group(const TableDef *t, const RunCtx *ctx, char *buf,
                          size_t n)
{
    const char *pn =
        ctx && ctx->prog ? program_setting(ctx->prog, "pipeline.name") : NULL;
    if (pn) {
        snprintf(buf, n, "%s", pn);
        return;
    }
    const char *path = ctx && ctx->prog ? ctx->prog->src_path : NULL;
    if (!path) {
        snprintf(buf, n, "fsql-%s", t->name);
        return;
    }
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    size_t len = strlen(b);
    if (len > 4 && strcmp(b + len - 4, ".sql") == 0)
        len -= 4;
    snprintf(buf, n, "fsql-%.*s", (int)len, b);
}

/* ---- partitions and splits ----------------------------------------------- */

static int32_t part_find(KReader *r, const char *topic, int32_t partition)
{
    for (uint32_t i = 0; i < r->n_parts; i++)
        if (r->parts[i].partition == partition &&
            strcmp(r->parts[i].topic, topic) == 0)
            return (int32_t)i;
    return -1;
}

/* The part for (topic, partition), created if new. */
static KPart *part_get(KReader *r, const char *topic, int32_t partition,
                       bool *is_new)
{
    int32_t i = part_find(r, topic, partition);
    *is_new = i < 0;
    if (i >= 0)
        return &r->parts[i];
    if (r->n_parts == r->cap_parts) {
        r->cap_parts = r->cap_parts ? r->cap_parts * 2 : 16;
        r->parts = xrealloc(r->parts, sizeof(KPart) * r->cap_parts);
    }
    KPart *p = &r->parts[r->n_parts++];
    memset(p, 0, sizeof *p);
    p->topic = xstrdup(topic);
    p->partition = partition;
    p->next = -1;
    p->stop = -1;
    p->skip_ts = -1;
    p->resume = -1;
    return p;
}

static void queue_end(KReader *r, uint32_t split)
{
    if (r->n_ends == r->cap_ends) {
        r->cap_ends = r->cap_ends ? r->cap_ends * 2 : 16;
        r->ends = xrealloc(r->ends, sizeof(uint32_t) * r->cap_ends);
    }
    r->ends[r->n_ends++] = split;
}

static bool topic_wanted(KReader *r, const char *topic)
{
    if (r->has_re) {
        regmatch_t m;
        return regexec(&r->re, topic, 1, &m, 0) == 0 && m.rm_so == 0 &&
               (size_t)m.rm_eo == strlen(topic);
    }
    for (uint32_t i = 0; i < r->n_topics; i++)
        if (strcmp(r->topics[i], topic) == 0)
            return true;
    return false;
}

/* Start offset of a partition assigned for the first time.  For a
 * timestamp the broker looks the offset up; when it has none (no record
 * that recent, or a broker that cannot look up by time, like the mock
 * cluster), the partition is read from the beginning and records older
 * than the timestamp are skipped, which gives the same rows. */
static int64_t start_offset(KReader *r, KPart *kp)
{
    const char *topic = kp->topic;
    int32_t partition = kp->partition;
    switch (r->start) {
    case KSTART_EARLIEST:
        return RD_KAFKA_OFFSET_BEGINNING;
    case KSTART_LATEST:
        return RD_KAFKA_OFFSET_END;
    case KSTART_SPECIFIC: {
        int64_t o = offset_for(r->start_offs, r->n_start_offs, partition);
        return o >= 0 ? o : RD_KAFKA_OFFSET_INVALID;
    }
    case KSTART_TIMESTAMP: {
        rd_kafka_topic_partition_list_t *l =
            rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(l, topic, partition)->offset =
            r->start_ts;
        rd_kafka_resp_err_t e =
            rd_kafka_offsets_for_times(r->rk, l, META_TIMEOUT_MS);
        int64_t o = RD_KAFKA_OFFSET_BEGINNING;
        if (!e && l->elems[0].err == 0 && l->elems[0].offset >= 0)
            o = l->elems[0].offset;
        else
            kp->skip_ts = r->start_ts;
        rd_kafka_topic_partition_list_destroy(l);
        return o;
    }
    case KSTART_GROUP:
        break;
    }
    return RD_KAFKA_OFFSET_INVALID; /* committed, else auto.offset.reset */
}

/* Stop offset of a partition for a bounded source (-1: none). */
static int64_t stop_offset(KReader *r, const char *topic, int32_t partition,
                           int64_t *lo_out, FsqlErr *err, int *rc)
{
    int64_t lo = 0, hi = 0;
    rd_kafka_resp_err_t e = rd_kafka_query_watermark_offsets(
        r->rk, topic, partition, &lo, &hi, META_TIMEOUT_MS);
    *rc = FSQL_OK;
    if (e) {
        *rc = kafka_err_set(err, e,
                            "could not read table \"%s\": could not get the "
                            "end offset of topic \"%s\" partition %d",
                            r->base.table->name, topic, (int)partition);
        return -1;
    }
    int64_t o = -1;
    if (r->stop == KSTOP_SPECIFIC) {
        o = offset_for(r->stop_offs, r->n_stop_offs, partition);
    } else if (r->stop == KSTOP_TIMESTAMP) {
        /* The partition's end; kr_poll stops at the first record at or
         * after the timestamp (what the broker's lookup would give). */
        o = hi;
    } else if (r->stop == KSTOP_GROUP) {
        rd_kafka_topic_partition_list_t *l =
            rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(l, topic, partition);
        if (!rd_kafka_committed(r->rk, l, META_TIMEOUT_MS) &&
            l->elems[0].err == 0)
            o = l->elems[0].offset;
        rd_kafka_topic_partition_list_destroy(l);
    }
    if (o < 0 || o > hi)
        o = hi;
    *lo_out = lo;
    return o;
}

/* ---- offsets: store behind acknowledged output ------------------------------ */

static void pend_add(KReader *r, uint32_t part, int64_t next)
{
    /* With checkpoints, offsets reach the group only when a checkpoint
     * completes (checkpoint_done): a restart resumes from the checkpoint,
     * and the group must never be ahead of it. */
    if (r->ctx && r->ctx->checkpointing)
        return;
    /* Coalesce with the newest entry of the same partition. */
    uint64_t mark = kafka_ack_mark();
    if (r->n_pend > r->pend_head) {
        KPending *last = &r->pend[r->n_pend - 1];
        if (last->part == part && last->mark == mark) {
            last->next = next;
            return;
        }
    }
    if (r->pend_head > 0 && r->n_pend == r->cap_pend) {
        memmove(r->pend, r->pend + r->pend_head,
                sizeof(KPending) * (r->n_pend - r->pend_head));
        r->n_pend -= r->pend_head;
        r->pend_head = 0;
    }
    if (r->n_pend == r->cap_pend) {
        r->cap_pend = r->cap_pend ? r->cap_pend * 2 : 64;
        r->pend = xrealloc(r->pend, sizeof(KPending) * r->cap_pend);
    }
    KPending *p = &r->pend[r->n_pend++];
    p->part = part;
    p->split = r->parts[part].split;
    p->next = next;
    p->mark = mark;
}

/* Store the offsets whose output has been acknowledged. */
static void store_acked(KReader *r)
{
    if (r->pend_head == r->n_pend)
        return;
    rd_kafka_topic_partition_list_t *l = NULL;
    while (r->pend_head < r->n_pend &&
           kafka_ack_reached(r->pend[r->pend_head].mark)) {
        KPending *p = &r->pend[r->pend_head++];
        KPart *kp = &r->parts[p->part];
        if (!kp->active || kp->split != p->split)
            continue; /* revoked since: the new owner re-reads */
        if (!l)
            l = rd_kafka_topic_partition_list_new(8);
        rd_kafka_topic_partition_t *e = NULL;
        for (int i = 0; i < l->cnt; i++)
            if (l->elems[i].partition == kp->partition &&
                strcmp(l->elems[i].topic, kp->topic) == 0)
                e = &l->elems[i];
        if (!e)
            e = rd_kafka_topic_partition_list_add(l, kp->topic, kp->partition);
        e->offset = p->next;
    }
    if (r->pend_head == r->n_pend)
        r->pend_head = r->n_pend = 0;
    if (l) {
        rd_kafka_offsets_store(r->rk, l);
        r->stored = true;
        rd_kafka_topic_partition_list_destroy(l);
    }
}

/* ---- rebalancing (unbounded sources) ----------------------------------------- */

static void on_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t e,
                         rd_kafka_topic_partition_list_t *l, void *opaque)
{
    KReader *r = opaque;
    bool coop = strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
    if (log_enabled(LOG_INFO)) { /* issue 10: one line per rebalance */
        char parts[300];
        size_t n = 0;
        parts[0] = '\0';
        for (int i = 0; i < l->cnt && n < sizeof parts - 40; i++)
            n += (size_t)snprintf(parts + n, sizeof parts - n, "%s%s[%d]",
                                  i ? ", " : "", l->elems[i].topic,
                                  (int)l->elems[i].partition);
        log_info("kafka rebalance of source %s (%s): %s %d partition%s: "
                 "%s",
                 r->base.table->name, coop ? "cooperative" : "eager",
                 e == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS ? "assigned"
                 : rd_kafka_assignment_lost(rk)            ? "lost"
                                                           : "revoked",
                 l->cnt, l->cnt == 1 ? "" : "s", parts);
    }
    if (e == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        for (int i = 0; i < l->cnt; i++) {
            rd_kafka_topic_partition_t *tp = &l->elems[i];
            bool is_new;
            KPart *kp = part_get(r, tp->topic, tp->partition, &is_new);
            kp->active = true;
            kp->done = false;
            kp->split = r->next_split++;
            if (kp->resume >= 0)
                tp->offset = kp->resume; /* from the checkpoint */
            else
                tp->offset =
                    is_new ? start_offset(r, kp) : RD_KAFKA_OFFSET_INVALID;
            kp->resume = -1;
        }
        r->base.n_splits = r->next_split;
        if (coop) {
            rd_kafka_error_t *x = rd_kafka_incremental_assign(rk, l);
            if (x)
                rd_kafka_error_destroy(x);
        } else {
            rd_kafka_assign(rk, l);
        }
        return;
    }
    /* Revoked (or lost): store what is acknowledged, commit, end the
     * partitions' splits. */
    kafka_producers_poll();
    store_acked(r);
    if (e == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS && r->stored &&
        !rd_kafka_assignment_lost(rk)) {
        rd_kafka_commit(rk, NULL, 0);
        r->stored = false;
    }
    for (int i = 0; i < l->cnt; i++) {
        int32_t pi = part_find(r, l->elems[i].topic, l->elems[i].partition);
        if (pi < 0 || !r->parts[pi].active)
            continue;
        r->parts[pi].active = false;
        queue_end(r, r->parts[pi].split);
    }
    if (coop) {
        rd_kafka_error_t *x = rd_kafka_incremental_unassign(rk, l);
        if (x)
            rd_kafka_error_destroy(x);
    } else {
        rd_kafka_assign(rk, NULL);
    }
}

/* ---- bounded: assign every partition ------------------------------------------ */

static int assign_all(KReader *r, FsqlErr *err)
{
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_resp_err_t e =
        rd_kafka_metadata(r->rk, 1, NULL, &md, META_TIMEOUT_MS);
    if (e)
        return kafka_err_set(
            err, e,
            "could not read table \"%s\": could not get the topics of the "
            "Kafka cluster at \"%s\"",
            r->base.table->name,
            kafka_property(r->base.table, "bootstrap.servers"));
    /* Every named topic must exist. */
    for (uint32_t i = 0; i < r->n_topics; i++) {
        bool found = false;
        for (int k = 0; k < md->topic_cnt; k++)
            if (strcmp(md->topics[k].topic, r->topics[i]) == 0 &&
                md->topics[k].err == 0)
                found = true;
        if (!found) {
            rd_kafka_metadata_destroy(md);
            return fsql_err_set(err, FSQL_E_IO,
                                "could not read table \"%s\": topic \"%s\" "
                                "does not exist",
                                r->base.table->name, r->topics[i]);
        }
    }
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(16);
    int rc = FSQL_OK;
    for (int k = 0; k < md->topic_cnt && rc == FSQL_OK; k++) {
        const struct rd_kafka_metadata_topic *mt = &md->topics[k];
        if (mt->err || !topic_wanted(r, mt->topic))
            continue;
        /* A topic handle with fresh metadata tells the consumer the
         * partition leaders now; without it the first offset lookup
         * waits for a retry timer (half a second). */
        rd_kafka_topic_t *rkt = rd_kafka_topic_new(r->rk, mt->topic, NULL);
        if (rkt) {
            const struct rd_kafka_metadata *tmd = NULL;
            if (!rd_kafka_metadata(r->rk, 0, rkt, &tmd, META_TIMEOUT_MS))
                rd_kafka_metadata_destroy(tmd);
            if (r->n_rkts == r->cap_rkts) {
                r->cap_rkts = r->cap_rkts ? r->cap_rkts * 2 : 8;
                r->rkts =
                    xrealloc(r->rkts, sizeof(rd_kafka_topic_t *) * r->cap_rkts);
            }
            r->rkts[r->n_rkts++] = rkt;
        }
        for (int p = 0; p < mt->partition_cnt && rc == FSQL_OK; p++) {
            int32_t pid = mt->partitions[p].id;
            bool is_new;
            KPart *kp = part_get(r, mt->topic, pid, &is_new);
            kp->active = true;
            kp->split = r->next_split++;
            int64_t lo = 0;
            kp->stop = stop_offset(r, mt->topic, pid, &lo, err, &rc);
            if (rc == FSQL_OK && kp->stop <= lo) {
                /* Nothing to read: end the split without fetching. */
                kp->done = true;
                queue_end(r, kp->split);
                continue;
            }
            rd_kafka_topic_partition_list_add(l, mt->topic, pid)->offset =
                start_offset(r, kp);
        }
    }
    rd_kafka_metadata_destroy(md);
    r->base.n_splits = r->next_split;
    /* Assigned at the first poll, so that a restore can change the start
     * offsets before anything is fetched (reassign_bounded). */
    if (rc == FSQL_OK)
        r->pending_assign = l;
    else
        rd_kafka_topic_partition_list_destroy(l);
    return rc;
}

/* ---- reading ------------------------------------------------------------------- */

/* The record's headers as a JSON object text into a (see "headers" in
 * docs/connectors/kafka.md): values as JSON strings, bytes that are not
 * UTF-8 as \u00XX, a null value as null; a repeated name keeps its last
 * value, as Flink's MAP does. */
static void headers_json(const rd_kafka_message_t *m, Arena *a, Value *v)
{
    rd_kafka_headers_t *hs = NULL;
    size_t cnt = 0;
    if (rd_kafka_message_headers(m, &hs) == 0 && hs)
        cnt = rd_kafka_header_cnt(hs);
    size_t cap = 3;
    for (size_t i = 0; i < cnt; i++) {
        const char *name;
        const void *val;
        size_t size;
        if (rd_kafka_header_get_all(hs, i, &name, &val, &size) == 0)
            cap += strlen(name) * 6 + size * 6 + 8;
    }
    char *out = arena_alloc(a, cap);
    size_t n = 0;
    out[n++] = '{';
    bool first = true;
    for (size_t i = 0; i < cnt; i++) {
        const char *name;
        const void *val;
        size_t size;
        if (rd_kafka_header_get_all(hs, i, &name, &val, &size))
            continue;
        bool later = false; /* the last one of a repeated name wins */
        for (size_t k = i + 1; k < cnt && !later; k++) {
            const char *n2;
            const void *v2;
            size_t s2;
            later = rd_kafka_header_get_all(hs, k, &n2, &v2, &s2) == 0 &&
                    strcmp(n2, name) == 0;
        }
        if (later)
            continue;
        if (!first)
            out[n++] = ',';
        first = false;
        for (int part = 0; part < 2; part++) {
            const unsigned char *p = part ? val : (const void *)name;
            size_t len = part ? size : strlen(name);
            if (part && !val) {
                memcpy(out + n, "null", 4);
                n += 4;
                break;
            }
            out[n++] = '"';
            for (size_t k = 0; k < len;) {
                unsigned c = p[k];
                size_t ul = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2
                                        : (c & 0xF0) == 0xE0 ? 3
                                        : (c & 0xF8) == 0xF0 ? 4 : 0;
                bool ok = ul > 0 && k + ul <= len;
                for (size_t q = 1; ok && q < ul; q++)
                    ok = (p[k + q] & 0xC0) == 0x80;
                if (ok && ul > 1) {
                    memcpy(out + n, p + k, ul);
                    n += ul;
                    k += ul;
                    continue;
                }
                if (c == '"' || c == '\\') {
                    out[n++] = '\\';
                    out[n++] = (char)c;
                } else if (c < 0x20 || !ok) {
                    n += (size_t)snprintf(out + n, 7, "\\u%04x", c);
                } else {
                    out[n++] = (char)c;
                }
                k++;
            }
            out[n++] = '"';
            if (!part)
                out[n++] = ':';
        }
    }
    out[n++] = '}';
    v->u.s.ptr = out;
    v->u.s.len = (uint32_t)n;
}

/* The record's headers as a MAP value (runtime/value_map.h) of type t
 * into a: names as the key, values as the value (NULL for a null header
 * value); a repeated name keeps its first position and its last value,
 * as Flink's map does.  Allocates only from a (the batch arena).  STRING
 * elements must be valid UTF-8 (names always, values in a MAP<STRING,
 * STRING>), as the json format requires of a string field: otherwise
 * *v is unchanged and why (why_n bytes) says which header. */
static bool headers_map(const rd_kafka_message_t *m, const RtType *t,
                        Arena *a, Value *v, char *why, size_t why_n)
{
    rd_kafka_headers_t *hs = NULL;
    size_t cnt = 0;
    if (rd_kafka_message_headers(m, &hs) == 0 && hs)
        cnt = rd_kafka_header_cnt(hs);
    RtType kt = map_key_type(t), vt = map_value_type(t);
    Value *kv = arena_alloc(a, sizeof(Value) * (2 * cnt + 1));
    uint32_t n = 0;
    for (size_t i = 0; i < cnt; i++) {
        const char *name;
        const void *val;
        size_t size;
        if (rd_kafka_header_get_all(hs, i, &name, &val, &size))
            continue;
        size_t nl = strlen(name);
        bool name_ok = utf8_valid(name, nl);
        if (!name_ok || (val && vt.kind == VK_STRING &&
                         !utf8_valid(val, size))) {
            /* quote the name as far as it is printable ASCII */
            size_t q = 0;
            while (q < nl && q < 40 && name[q] >= 0x20 && name[q] < 0x7f)
                q++;
            snprintf(why, why_n,
                     "header \"%.*s%s\": %s is not valid UTF-8 (column "
                     "type MAP<STRING, %s>)",
                     (int)q, name, q < nl ? "..." : "",
                     name_ok ? "the value" : "the name",
                     vt.kind == VK_STRING ? "STRING" : "BYTES");
            return false;
        }
        Value *k = &kv[2 * n], *x = &kv[2 * n + 1];
        k->kind = (uint8_t)kt.kind;
        k->is_null = false;
        k->u.s.ptr = name;
        k->u.s.len = (uint32_t)nl;
        *x = value_null(vt.kind);
        if (val) {
            x->is_null = false;
            x->u.s.ptr = val;
            x->u.s.len = (uint32_t)size;
        }
        n++;
    }
    map_build(a, v, &kt, &vt, kv, n);
    return true;
}

/* Fill the metadata columns of row from m.  0, or -1 with why set when a
 * headers MAP is not valid UTF-8 and the value format (else the key
 * format) does not ignore parse errors; when it does, the column is NULL
 * and counted as a nulled field. */
static int fill_meta(KReader *r, const rd_kafka_message_t *m, Arena *a,
                     Value *row, char *why, size_t why_n)
{
    if (!r->has_meta)
        return 0;
    const RtSchema *s = &r->base.table->schema;
    for (uint32_t c = 0; c < s->n_cols; c++) {
        KMeta k = r->meta[c];
        if (k == KM_NONE)
            continue;
        Value *v = &row[c];
        v->kind = (uint8_t)s->cols[c].type.kind;
        v->is_null = false;
        switch (k) {
        case KM_NONE:
            break;
        case KM_TOPIC: {
            const char *tn = rd_kafka_topic_name(m->rkt);
            v->u.s.ptr = tn;
            v->u.s.len = (uint32_t)strlen(tn);
            break;
        }
        case KM_PARTITION:
            v->u.i = m->partition;
            break;
        case KM_HEADERS:
            if (!rt_is_map(&s->cols[c].type)) {
                headers_json(m, a, v);
            } else if (!headers_map(m, &s->cols[c].type, a, v, why, why_n)) {
                bool ignore = r->has_val ? r->val.ignore_parse_errors
                                         : r->key.ignore_parse_errors;
                if (!ignore)
                    return -1;
                *v = value_null(VK_BYTES);
                r->hdr_nulled++;
            }
            break;
        case KM_OFFSET:
            v->u.i = m->offset;
            break;
        case KM_TIMESTAMP:
        case KM_TIMESTAMP_TYPE: {
            rd_kafka_timestamp_type_t tt;
            int64_t ts = rd_kafka_message_timestamp(m, &tt);
            if (k == KM_TIMESTAMP) {
                v->is_null = tt == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
                v->u.i = ts;
            } else {
                const char *tx = tt == RD_KAFKA_TIMESTAMP_CREATE_TIME
                                     ? "CreateTime"
                                 : tt == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME
                                     ? "LogAppendTime"
                                     : "NoTimestampType";
                v->u.s.ptr = tx;
                v->u.s.len = (uint32_t)strlen(tx);
            }
            break;
        }
        }
    }
    return 0;
}

/* Decode key and value of m into row.  0 ok, 1 skip (counted), 2 skip
 * silently, -1 error (why). */
/* Fields read as NULL so far by the key, value and header decoders. */
static uint64_t nulled_total(const KReader *r)
{
    uint64_t n = r->hdr_nulled;
    if (r->key.jd)
        n += json_decoder_stats(r->key.jd).fields_nulled;
    if (r->val.jd)
        n += json_decoder_stats(r->val.jd).fields_nulled;
    if (r->key.cd)
        n += csv_decoder_stats(r->key.cd).fields_nulled;
    if (r->val.cd)
        n += csv_decoder_stats(r->val.cd).fields_nulled;
    return n;
}

static int decode_parts(KReader *r, const char *kp, size_t kl, const char *vp,
                        size_t vl, Arena *a, Value *row, char *why,
                        size_t why_n, const char **part_name)
{
    int rc;
    Value *dst = r->wide ? r->wide_row : row;
    if (r->has_key) {
        *part_name = "key";
        rc = kafka_codec_decode(&r->key, kp, kl, a, dst, why, why_n);
        if (rc == 2) {
            /* no key: its columns are NULL */
            for (uint32_t i = 0; i < r->key.n; i++)
                dst[r->key.cols[i]] =
                    value_null(r->key.schema.cols[i].type.kind);
        } else if (rc != 0) {
            return rc;
        }
    }
    if (r->has_val) {
        *part_name = "value";
        rc = kafka_codec_decode(&r->val, vp, vl, a, dst, why, why_n);
        if (rc != 0)
            return rc;
    }
    if (r->wide) {
        const TableDef *t = r->base.table;
        for (uint32_t i = 0; i < t->table_phys.n_cols; i++)
            if (t->phys_to_schema[i] >= 0)
                row[t->phys_to_schema[i]] = r->wide_row[i];
    }
    return 0;
}

static void set_pending_or_err(KReader *r, Batch *b, FsqlErr *err,
                               const rd_kafka_message_t *m, const char *part,
                               const char *why)
{
    FsqlErr *e = b->n_rows ? &r->pending_err : err;
    fsql_err_set(e, FSQL_E_DATA,
                 "topic \"%s\", partition %d, offset %lld (record %s): %s",
                 rd_kafka_topic_name(m->rkt), (int)m->partition,
                 (long long)m->offset, part, why);
    if (b->n_rows)
        r->has_pending_err = true;
}

/* Handle an error event from the consumer; returns <0 to fail. */
static int consumer_event(KReader *r, rd_kafka_message_t *m, FsqlErr *err)
{
    const char *tn = m->rkt ? rd_kafka_topic_name(m->rkt) : NULL;
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        if (!tn)
            return FSQL_OK;
        int32_t pi = part_find(r, tn, m->partition);
        if (pi < 0)
            return FSQL_OK;
        KPart *kp = &r->parts[pi];
        if (r->bounded && kp->active && !kp->done && kp->stop >= 0 &&
            m->offset >= kp->stop) {
            kp->done = true;
            queue_end(r, kp->split);
        }
        return FSQL_OK;
    }
    if (m->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
        m->err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC ||
        m->err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION) {
        if (!r->warned_missing)
            fprintf(stderr,
                    "fsql: warning: table \"%s\": topic \"%s\" does not exist "
                    "(yet); waiting for it\n",
                    r->base.table->name,
                    tn ? tn : (r->n_topics ? r->topics[0] : "?"));
        r->warned_missing = true;
        return FSQL_OK;
    }
    char fe[256];
    if (m->err == RD_KAFKA_RESP_ERR__FATAL ||
        rd_kafka_fatal_error(r->rk, fe, sizeof fe)) {
        return kafka_err_set(err, m->err, "could not read table \"%s\"",
                             r->base.table->name);
    }
    fprintf(stderr, "fsql: kafka: table \"%s\": %s (retrying)\n",
            r->base.table->name, rd_kafka_message_errstr(m));
    return FSQL_OK;
}

/* ---- message release ------------------------------------------------------- */

/* Destroy every message in v[0..n). */
static void msgs_destroy(rd_kafka_message_t **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        rd_kafka_message_destroy(v[i]);
}

/* Take the graveyard's messages out under its lock (the caller holds it),
 * leaving the spare array in their place; false when there is nothing to
 * take or the spare is in use by another thread's release. */
static bool grave_take(KGrave *g, rd_kafka_message_t ***v, size_t *n,
                       size_t *cap)
{
    if (g->n == 0 || !g->spare)
        return false;
    *v = g->v;
    *n = g->n;
    *cap = g->cap;
    g->v = g->spare;
    g->cap = g->spare_cap;
    g->n = 0;
    g->spare = NULL;
    g->spare_cap = 0;
    return true;
}

/* Destroy the taken messages and hand the emptied array back as the
 * spare (the lock is not held while destroying). */
static void grave_release(KGrave *g, rd_kafka_message_t **v, size_t n,
                          size_t cap)
{
    msgs_destroy(v, n);
    pthread_mutex_lock(&g->mu);
    if (!g->spare) {
        g->spare = v;
        g->spare_cap = cap;
        v = NULL;
    }
    pthread_mutex_unlock(&g->mu);
    xfree(v);
}

/* Release what the graveyard holds from a librdkafka thread (the
 * interceptors below): each record is one allocation of the broker
 * thread that fetched it; freeing it in fsql's thread takes that thread's
 * malloc arena lock, which the broker thread takes for every record it
 * allocates, and the two threads collide on it (futex waits and wake-ups:
 * measured at 0.1-0.25 futex calls per record, and about a fifth of the
 * source's CPU).  Freed in the broker thread, the lock is uncontended.
 * Never blocks: a busy lock skips this turn. */
static void grave_reap(KGrave *g)
{
    rd_kafka_message_t **v;
    size_t n, cap;
    if (atomic_load_explicit(&g->n_pub, memory_order_relaxed) == 0 ||
        pthread_mutex_trylock(&g->mu) != 0)
        return;
    bool took = grave_take(g, &v, &n, &cap);
    atomic_store_explicit(&g->n_pub, g->n, memory_order_relaxed);
    pthread_mutex_unlock(&g->mu);
    if (took)
        grave_release(g, v, n, cap);
}

/* Interceptors, called by the broker threads for every request sent and
 * response received (a consumer keeps one fetch in flight per broker, so
 * both come at least every fetch.wait.max.ms while a broker is up). */
static rd_kafka_resp_err_t grave_on_response(
    rd_kafka_t *rk, int sockfd, const char *brokername, int32_t brokerid,
    int16_t ApiKey, int16_t ApiVersion, int32_t CorrId, size_t size,
    int64_t rtt, rd_kafka_resp_err_t e, void *ic_opaque)
{
    (void)rk, (void)sockfd, (void)brokername, (void)brokerid, (void)ApiKey;
    (void)ApiVersion, (void)CorrId, (void)size, (void)rtt, (void)e;
    grave_reap(ic_opaque);
    return RD_KAFKA_RESP_ERR_NO_ERROR;
}

static rd_kafka_resp_err_t grave_on_request(rd_kafka_t *rk, int sockfd,
                                            const char *brokername,
                                            int32_t brokerid, int16_t ApiKey,
                                            int16_t ApiVersion, int32_t CorrId,
                                            size_t size, void *ic_opaque)
{
    (void)rk, (void)sockfd, (void)brokername, (void)brokerid, (void)ApiKey;
    (void)ApiVersion, (void)CorrId, (void)size;
    grave_reap(ic_opaque);
    return RD_KAFKA_RESP_ERR_NO_ERROR;
}

static rd_kafka_resp_err_t grave_on_new(rd_kafka_t *rk,
                                        const rd_kafka_conf_t *conf,
                                        void *ic_opaque, char *errstr,
                                        size_t errstr_size)
{
    (void)conf, (void)errstr, (void)errstr_size;
    rd_kafka_resp_err_t e = rd_kafka_interceptor_add_on_response_received(
        rk, "fsql-release", grave_on_response, ic_opaque);
    if (!e)
        e = rd_kafka_interceptor_add_on_request_sent(
            rk, "fsql-release", grave_on_request, ic_opaque);
    return e;
}

/* The main thread is done with messages v[0..n): leave them to the broker
 * threads (grave_reap), or destroy them here when the graveyard holds more
 * than GRAVE_MAX records (the broker threads are not reaping: a long
 * fetch response being parsed, a full consumer queue, brokers down).  At
 * 1024 records it fell back about every tenth batch on the benchmark's
 * 2-6 MB fetch responses; at 32 batches about once per million records.
 * An idle source needs no flush of its own: the records held (at most
 * GRAVE_MAX, about 10 MB of librdkafka's 296-byte messages plus the fetch
 * buffers they pin) go at the next fetch or at close. */
#define GRAVE_MAX (32 * BATCH_ROWS)
static void grave_add(KGrave *g, rd_kafka_message_t **v, size_t n)
{
    rd_kafka_message_t **tv = NULL;
    size_t tn = 0, tcap = 0;
    bool took = false;
    if (n == 0)
        return;
    pthread_mutex_lock(&g->mu);
    if (g->n + n > g->cap) {
        size_t c = g->cap ? g->cap : BATCH_ROWS;
        while (c < g->n + n)
            c *= 2;
        g->v = xrealloc(g->v, c * sizeof *g->v);
        g->cap = c;
    }
    memcpy(g->v + g->n, v, n * sizeof *v);
    g->n += n;
    if (g->n > GRAVE_MAX)
        took = grave_take(g, &tv, &tn, &tcap);
    atomic_store_explicit(&g->n_pub, g->n, memory_order_relaxed);
    pthread_mutex_unlock(&g->mu);
    if (took)
        grave_release(g, tv, tn, tcap);
}

/* Destroy whatever the graveyard holds (close).  When a broker
 * thread is releasing a taken array, the rest is destroyed under the lock
 * (the broker thread waits only to hand its array back). */
static void grave_flush(KGrave *g)
{
    rd_kafka_message_t **v;
    size_t n, cap;
    if (atomic_load_explicit(&g->n_pub, memory_order_relaxed) == 0)
        return;
    pthread_mutex_lock(&g->mu);
    bool took = grave_take(g, &v, &n, &cap);
    if (!took) {
        msgs_destroy(g->v, g->n);
        g->n = 0;
    }
    atomic_store_explicit(&g->n_pub, 0, memory_order_relaxed);
    pthread_mutex_unlock(&g->mu);
    if (took)
        grave_release(g, v, n, cap);
}

static int kr_poll(SourceReader *base, Batch *b, int64_t *wait_ms, FsqlErr *err)
{
    KReader *r = (KReader *)base;
    if (r->pending_assign) {
        rd_kafka_resp_err_t e = rd_kafka_assign(r->rk, r->pending_assign);
        rd_kafka_topic_partition_list_destroy(r->pending_assign);
        r->pending_assign = NULL;
        if (e) {
            kafka_err_set(err, e, "could not read table \"%s\"",
                          base->table->name);
            return SRC_ERROR;
        }
    }
    /* Delivery reports of the job's producers, and their first failure. */
    kafka_producers_poll();
    if (kafka_delivery_error(err) < 0)
        return SRC_ERROR;
    store_acked(r);
    if (r->has_pending_err) {
        *err = r->pending_err;
        return SRC_ERROR;
    }
    if (r->n_ends) {
        b->split = r->ends[0];
        b->flags |= BATCH_F_SPLIT_END;
        memmove(r->ends, r->ends + 1, sizeof(uint32_t) * --r->n_ends);
        return SRC_OK;
    }
    if (r->bounded) {
        bool all = true;
        for (uint32_t i = 0; i < r->n_parts && all; i++)
            all = !r->parts[i].active || r->parts[i].done;
        if (all)
            return SRC_END;
    }
    if (r->paused) {
        /* Held back by watermark alignment: deliver nothing, but keep
         * the consumer polled (its partitions are paused, so at most what
         * was queued before the pause arrives, and waits in fetched). */
        if (r->fpos == r->fn) {
            r->fpos = 0;
            ssize_t n =
                rd_kafka_consume_batch_queue(r->q, 0, r->fetched, BATCH_ROWS);
            r->fn = n > 0 ? (size_t)n : 0;
        }
        *wait_ms = 10;
        return SRC_OK;
    }
    if (r->fpos == r->fn) {
        /* What is there now; never block here, other sources share the
         * loop (kr_wait blocks when this is the only one). */
        r->fpos = 0;
        ssize_t n =
            rd_kafka_consume_batch_queue(r->q, 0, r->fetched, BATCH_ROWS);
        r->fn = n > 0 ? (size_t)n : 0;
        if (r->fn == 0) {
            *wait_ms = 10;
            return SRC_OK;
        }
    }
    uint32_t need = r->is_upsert ? 2 : 1;
    r->batch_part = -1;
    if (b->cap > r->row_cap) {
        r->row_cap = b->cap;
        r->row_off = xrealloc(r->row_off, sizeof(int64_t) * r->row_cap);
    }
    while (r->fpos < r->fn) {
        rd_kafka_message_t *m = r->fetched[r->fpos];
        if (m->err) {
            r->fpos++;
            int rc = consumer_event(r, m, err);
            rd_kafka_message_destroy(m);
            if (rc < 0)
                return SRC_ERROR;
            if (r->n_ends)
                break; /* send the split end before more rows */
            continue;
        }
        int32_t pi;
        if (r->batch_part >= 0 &&
            r->parts[r->batch_part].partition == m->partition &&
            r->parts[r->batch_part].rkt == m->rkt) {
            pi = r->batch_part;
        } else {
            pi = part_find(r, rd_kafka_topic_name(m->rkt), m->partition);
            if (pi >= 0)
                r->parts[pi].rkt = m->rkt;
        }
        if (pi < 0 || !r->parts[pi].active || r->parts[pi].done) {
            r->fpos++;
            rd_kafka_message_destroy(m);
            continue;
        }
        KPart *kp = &r->parts[pi];
        if (r->batch_part >= 0 && pi != r->batch_part)
            break; /* one partition per batch */
        if (b->n_rows + need > b->cap)
            break;
        int64_t mts = -1;
        if (kp->skip_ts >= 0 || r->stop == KSTOP_TIMESTAMP)
            mts = rd_kafka_message_timestamp(m, NULL);
        if (r->bounded && ((kp->stop >= 0 && m->offset >= kp->stop) ||
                           (r->stop == KSTOP_TIMESTAMP && mts >= r->stop_ts))) {
            r->fpos++;
            rd_kafka_message_destroy(m);
            kp->done = true;
            rd_kafka_topic_partition_list_t *l =
                rd_kafka_topic_partition_list_new(1);
            rd_kafka_topic_partition_list_add(l, kp->topic, kp->partition);
            rd_kafka_pause_partitions(r->rk, l);
            rd_kafka_topic_partition_list_destroy(l);
            if (r->batch_part == pi) {
                b->flags |= BATCH_F_SPLIT_END;
                break;
            }
            queue_end(r, kp->split);
            break;
        }
        r->fpos++;
        r->batch_part = pi;
        b->split = kp->split;
        r->held[r->n_held++] = m;
        r->batch_next = m->offset + 1;
        kp->next = m->offset + 1;

        if (kp->skip_ts >= 0) {
            if (mts >= 0 && mts < kp->skip_ts)
                continue; /* before the startup timestamp */
            kp->skip_ts = -1;
        }
        base->bytes_read += m->len + m->key_len; /* metrics (issue 10) */
        /* Decode. */
        char why[200];
        const char *part = "value";
        why[0] = '\0';
        int rc;
        uint32_t row0 = b->n_rows;
        if (r->is_upsert) {
            /* The new image is decoded before the key's state changes: a
             * record that does not decode (skipped under
             * ignore-parse-errors) leaves the key's last good image in
             * place, so the next update or delete of the key retracts
             * the row that was really emitted. */
            Value *row = batch_row(b, row0);
            rc = 0;
            if (m->payload) {
                rc = decode_parts(r, m->key, m->key_len, m->payload, m->len,
                                  b->a, row, why, sizeof why, &part);
                if (rc == 0 &&
                    (rc = fill_meta(r, m, b->a, row, why, sizeof why)) < 0)
                    part = "headers";
            }
            const char *old = NULL;
            size_t old_len = 0;
            KafkaUpsertAction act = KUP_SKIP;
            if (rc == 0)
                act = kafka_upsert_state_apply(r->ups, m->key, m->key_len,
                                               m->payload, m->len,
                                               m->payload == NULL, &old,
                                               &old_len);
            if (rc == 0 && act == KUP_UPDATE) /* +U goes after the -U */
                memcpy(batch_row(b, row0 + 1), row,
                       sizeof(Value) * b->n_cols);
            if (rc == 0 && (act == KUP_UPDATE || act == KUP_DELETE)) {
                /* the old image's NULLed fields were counted when it was
                 * new, and this message's headers for its new image */
                uint64_t n0 = nulled_total(r);
                rc = decode_parts(r, m->key, m->key_len, old, old_len, b->a,
                                  row, why, sizeof why, &part);
                if (rc == 0 &&
                    (rc = fill_meta(r, m, b->a, row, why, sizeof why)) < 0)
                    part = "headers";
                r->nulled_again += nulled_total(r) - n0;
                if (rc == 0) {
                    r->row_off[b->n_rows] = m->offset;
                    batch_add(
                        b, act == KUP_UPDATE ? ROW_UPDATE_BEFORE : ROW_DELETE,
                        WM_NONE);
                }
            }
            if (rc == 0 && (act == KUP_INSERT || act == KUP_UPDATE)) {
                r->row_off[b->n_rows] = m->offset;
                batch_add(b, act == KUP_INSERT ? ROW_INSERT : ROW_UPDATE_AFTER,
                          WM_NONE);
            }
            if (rc != 0)
                b->n_rows = row0; /* keep -U/+U pairs whole */
        } else {
            if (!m->payload) {
                r->dropped_null++;
                continue;
            }
            Value *row = batch_row(b, b->n_rows);
            rc = decode_parts(r, m->key, m->key_len, m->payload, m->len, b->a,
                              row, why, sizeof why, &part);
            if (rc == 0 &&
                (rc = fill_meta(r, m, b->a, row, why, sizeof why)) < 0)
                part = "headers";
            if (rc == 0) {
                r->row_off[b->n_rows] = m->offset;
                batch_add(b, ROW_INSERT, WM_NONE);
            }
        }
        if (rc == 1) {
            base->rows_skipped++;
        } else if (rc < 0) {
            /* The bad record is not consumed: the offset stored at
             * batch_done (or at close) stays at it, so a rerun of the
             * group fails on it again instead of skipping it. */
            r->batch_next = m->offset;
            kp->next = m->offset;
            set_pending_or_err(r, b, err, m, part, why);
            if (!b->n_rows)
                return SRC_ERROR;
            return SRC_OK;
        }
        if (rc == 0)
            base->rows_read += b->n_rows - row0;
        if (r->bounded && kp->stop >= 0 && kp->next >= kp->stop) {
            kp->done = true;
            b->flags |= BATCH_F_SPLIT_END;
            break;
        }
    }
    base->fields_nulled = nulled_total(r) - r->nulled_again;
    *wait_ms = 0;
    return SRC_OK;
}

/* The loop has nothing else to do: wait on the consumer queue for up to
 * timeout_ms; a message that arrives is kept for the next poll. */
static void kr_wait(SourceReader *base, int64_t timeout_ms)
{
    KReader *r = (KReader *)base;
    if (r->fpos < r->fn || r->n_ends)
        return;
    r->fpos = 0;
    ssize_t n = rd_kafka_consume_batch_queue(
        r->q, (int)(timeout_ms > 1000 ? 1000 : timeout_ms), r->fetched, 1);
    r->fn = n > 0 ? (size_t)n : 0;
}

static void kr_batch_done(SourceReader *base)
{
    KReader *r = (KReader *)base;
    grave_add(&r->grave, r->held, r->n_held);
    r->n_held = 0;
    if (r->batch_part >= 0) {
        pend_add(r, (uint32_t)r->batch_part, r->batch_next);
        r->batch_part = -1;
    }
    if (r->ups)
        kafka_upsert_state_batch_done(r->ups);
}

static void kr_describe(SourceReader *base, uint32_t row, char *buf, size_t n)
{
    KReader *r = (KReader *)base;
    if (r->n_held == 0 || row >= r->row_cap) {
        buf[0] = '\0';
        return;
    }
    const rd_kafka_message_t *m = r->held[0];
    snprintf(buf, n, "topic \"%s\", partition %d, offset %lld",
             rd_kafka_topic_name(m->rkt), (int)m->partition,
             (long long)r->row_off[row]);
}

/* Close: the last completed checkpoint's positions of the partitions
 * still assigned, synchronously (the asynchronous commit may still be in
 * flight). */
static void kr_commit_snap_sync(KReader *r)
{
    rd_kafka_topic_partition_list_t *l =
        rd_kafka_topic_partition_list_new(r->snap_offs->cnt + 1);
    for (int i = 0; i < r->snap_offs->cnt; i++) {
        const rd_kafka_topic_partition_t *e = &r->snap_offs->elems[i];
        int32_t pi = part_find(r, e->topic, e->partition);
        if (pi >= 0 && r->parts[pi].active)
            rd_kafka_topic_partition_list_add(l, e->topic, e->partition)
                ->offset = e->offset;
    }
    if (l->cnt > 0)
        rd_kafka_commit(r->rk, l, 0);
    rd_kafka_topic_partition_list_destroy(l);
}

static void kr_close(SourceReader *base)
{
    KReader *r = (KReader *)base;
    for (size_t i = 0; i < r->n_held; i++)
        rd_kafka_message_destroy(r->held[i]);
    grave_flush(&r->grave);
    for (size_t i = r->fpos; i < r->fn; i++)
        rd_kafka_message_destroy(r->fetched[i]);
    if (r->rk) {
        if (r->batch_part >= 0)
            pend_add(r, (uint32_t)r->batch_part, r->batch_next);
        kafka_producers_poll();
        store_acked(r);
        /* Synchronously, so the next run starts where this one ended
         * (auto commit may not have run yet). */
        if (r->stored)
            rd_kafka_commit(r->rk, NULL, 0);
        /* The last completed checkpoint's positions, synchronously (the
         * asynchronous commit may still be in flight). */
        if (r->committed_snap)
            kr_commit_snap_sync(r);
        if (r->snap_offs)
            rd_kafka_topic_partition_list_destroy(r->snap_offs);
        if (r->pending_assign)
            rd_kafka_topic_partition_list_destroy(r->pending_assign);
        if (r->q)
            rd_kafka_queue_destroy(r->q);
        for (uint32_t i = 0; i < r->n_rkts; i++)
            rd_kafka_topic_destroy(r->rkts[i]);
        rd_kafka_consumer_close(r->rk);
        rd_kafka_destroy(r->rk);
    }
    if (r->has_re)
        regfree(&r->re);
    free_list(r->topics, r->n_topics);
    xfree(r->pattern);
    xfree(r->start_offs);
    xfree(r->stop_offs);
    for (uint32_t i = 0; i < r->n_parts; i++)
        xfree(r->parts[i].topic);
    xfree(r->parts);
    xfree(r->ends);
    xfree(r->fetched);
    xfree(r->held);
    /* emptied by grave_flush above; no broker thread is left */
    xfree(r->grave.v);
    xfree(r->grave.spare);
    pthread_mutex_destroy(&r->grave.mu);
    xfree(r->row_off);
    kafka_codec_fini(&r->key);
    kafka_codec_fini(&r->val);
    xfree(r->wide_row);
    xfree(r->meta);
    xfree(r->pend);
    xfree(r->rkts);
    if (r->ups)
        kafka_upsert_state_free(r->ups);
    xfree(r->img);
    xfree(r);
    kafka_client_closed();
}

/* ---- checkpoints ------------------------------------------------------------ */

#define KSNAP_VERSION 1u

/* Blob: version, then per partition with a known position its topic,
 * number and next offset (the first record not yet delivered), then for
 * upsert-kafka the changelog state.  The positions are also kept for
 * checkpoint_done, which commits them to the group. */
static int kr_snapshot(SourceReader *base, SnapWriter *w)
{
    KReader *r = (KReader *)base;
    if (r->snap_offs)
        rd_kafka_topic_partition_list_destroy(r->snap_offs);
    r->snap_offs = rd_kafka_topic_partition_list_new((int)r->n_parts + 1);
    for (uint32_t i = 0; i < r->n_parts; i++)
        if (r->parts[i].next >= 0)
            rd_kafka_topic_partition_list_add(r->snap_offs, r->parts[i].topic,
                                              r->parts[i].partition)
                ->offset = r->parts[i].next;
    snap_put_u32(w, KSNAP_VERSION);
    snap_put_u32(w, (uint32_t)r->snap_offs->cnt);
    for (int i = 0; i < r->snap_offs->cnt; i++) {
        const char *tn = r->snap_offs->elems[i].topic;
        snap_put_bytes(w, tn, (uint32_t)strlen(tn));
        snap_put_u32(w, (uint32_t)r->snap_offs->elems[i].partition);
        snap_put_i64(w, r->snap_offs->elems[i].offset);
    }
    snap_put_bool(w, r->ups != NULL);
    if (r->ups)
        kafka_upsert_state_snapshot(r->ups, w);
    return FSQL_OK;
}

/* A bounded source prepared its assignment at open (pending_assign):
 * restored partitions start at their positions instead, and those already
 * at their stop offsets end. */
static int reassign_bounded(KReader *r, FsqlErr *err)
{
    (void)err;
    rd_kafka_topic_partition_list_t *l = r->pending_assign;
    for (int i = l ? l->cnt - 1 : -1; i >= 0; i--) {
        rd_kafka_topic_partition_t *e = &l->elems[i];
        int32_t pi = part_find(r, e->topic, e->partition);
        if (pi < 0)
            continue;
        KPart *kp = &r->parts[pi];
        if (kp->resume < 0)
            continue;
        if (kp->stop >= 0 && kp->resume >= kp->stop) {
            kp->done = true;
            queue_end(r, kp->split);
            rd_kafka_topic_partition_list_del_by_idx(l, i);
        } else {
            e->offset = kp->resume;
            kp->skip_ts = -1;
        }
    }
    for (uint32_t i = 0; i < r->n_parts; i++)
        r->parts[i].resume = -1;
    return FSQL_OK;
}

static int kr_restore(SourceReader *base, SnapReader *rd, FsqlErr *err)
{
    KReader *r = (KReader *)base;
    uint32_t ver = snap_get_u32(rd);
    if (ver != KSNAP_VERSION && !rd->bad)
        return fsql_err_set(err, FSQL_E_STATE,
                            "cannot restore table \"%s\": Kafka source "
                            "state version %u is not known to this build",
                            base->table->name, ver);
    uint32_t n = snap_get_u32(rd);
    uint32_t n_used = 0;
    for (uint32_t i = 0; i < n && !rd->bad; i++) {
        uint32_t tl = 0;
        const char *tp = snap_get_bytes(rd, &tl);
        char topic[512];
        if (tl >= sizeof topic)
            rd->bad = true;
        else if (tp)
            memcpy(topic, tp, tl);
        topic[rd->bad ? 0 : tl] = '\0';
        int32_t partition = (int32_t)snap_get_u32(rd);
        int64_t next = snap_get_i64(rd);
        if (!rd->bad && next >= 0 && topic_wanted(r, topic)) {
            bool is_new;
            KPart *kp = part_get(r, topic, partition, &is_new);
            kp->resume = next;
            kp->next = next;
            kp->skip_ts = -1;
            n_used++;
        }
    }
    bool has_ups = snap_get_bool(rd);
    if (has_ups && r->ups && !rd->bad)
        kafka_upsert_state_restore(r->ups, rd);
    if (!snap_reader_done(rd) || (has_ups && !r->ups))
        return fsql_err_set(err, FSQL_E_STATE,
                            "cannot restore table \"%s\": the Kafka source "
                            "state in the checkpoint is malformed",
                            base->table->name);
    log_info("kafka source %s restored: %u partition position%s from the "
             "checkpoint",
             base->table->name, n_used, n_used == 1 ? "" : "s");
    if (r->bounded)
        return reassign_bounded(r, err);
    return FSQL_OK;
}

/* The checkpoint of the last snapshot is durable: commit its positions to
 * the group (for monitoring and for a run without the checkpoint;
 * asynchronous, like Flink's commit on checkpoint completion). */
static void kr_checkpoint_done(SourceReader *base, uint64_t id)
{
    KReader *r = (KReader *)base;
    (void)id;
    if (!r->snap_offs || r->snap_offs->cnt == 0)
        return;
    /* Only partitions assigned to this process: another member of the
     * group owns the others now, and a commit must not move them back. */
    rd_kafka_topic_partition_list_t *l =
        rd_kafka_topic_partition_list_new(r->snap_offs->cnt);
    for (int i = 0; i < r->snap_offs->cnt; i++) {
        const rd_kafka_topic_partition_t *e = &r->snap_offs->elems[i];
        int32_t pi = part_find(r, e->topic, e->partition);
        if (pi >= 0 && r->parts[pi].active)
            rd_kafka_topic_partition_list_add(l, e->topic, e->partition)
                ->offset = e->offset;
    }
    if (l->cnt > 0) {
        rd_kafka_commit(r->rk, l, 1);
        r->committed_snap = true;
    }
    rd_kafka_topic_partition_list_destroy(l);
}

/* Metrics: lag of the i-th assigned partition from the high watermark of
 * the last fetch response (librdkafka's cache; no request). */
static bool kr_partition_lag(SourceReader *base, uint32_t i,
                             const char **topic, int32_t *partition,
                             int64_t *lag)
{
    KReader *r = (KReader *)base;
    for (uint32_t k = 0; k < r->n_parts; k++) {
        const KPart *kp = &r->parts[k];
        if (!kp->active)
            continue;
        if (i-- > 0)
            continue;
        *topic = kp->topic;
        *partition = kp->partition;
        *lag = -1;
        int64_t lo = -1, hi = -1;
        if (kp->next >= 0 &&
            !rd_kafka_get_watermark_offsets(r->rk, kp->topic, kp->partition,
                                            &lo, &hi) &&
            hi >= 0)
            *lag = hi > kp->next ? hi - kp->next : 0;
        return true;
    }
    return false;
}

/* Watermark alignment: pause or resume every assigned partition that has
 * not reached its stop (librdkafka keeps the consumer polled and in its
 * group; the positions stay where the application read to). */
static void kr_set_paused(SourceReader *base, bool paused)
{
    KReader *r = (KReader *)base;
    r->paused = paused;
    rd_kafka_topic_partition_list_t *l =
        rd_kafka_topic_partition_list_new((int)r->n_parts + 1);
    for (uint32_t i = 0; i < r->n_parts; i++)
        if (r->parts[i].active && !r->parts[i].done)
            rd_kafka_topic_partition_list_add(l, r->parts[i].topic,
                                              r->parts[i].partition);
    if (l->cnt > 0) {
        if (paused)
            rd_kafka_pause_partitions(r->rk, l);
        else
            rd_kafka_resume_partitions(r->rk, l);
    }
    rd_kafka_topic_partition_list_destroy(l);
}

static const SourceVtbl kr_vtbl = {
    .poll = kr_poll,
    .batch_done = kr_batch_done,
    .describe = kr_describe,
    .close = kr_close,
    .snapshot = kr_snapshot,
    .restore = kr_restore,
    .checkpoint_done = kr_checkpoint_done,
    .set_paused = kr_set_paused,
};

/* The types a 'headers' metadata column may have: MAP<STRING, BYTES>
 * (Flink's), MAP<STRING, STRING>, or STRING / BYTES (a JSON object text). */
static bool headers_type_ok(const RtType *t)
{
    if (!rt_is_map(t))
        return t->kind == VK_STRING || t->kind == VK_BYTES;
    RtType kt = map_key_type(t), vt = map_value_type(t);
    return t->kind == VK_BYTES && kt.kind == VK_STRING &&
           (vt.kind == VK_BYTES || vt.kind == VK_STRING);
}

static KMeta meta_kind(const char *k)
{
    if (strcmp(k, "topic") == 0)
        return KM_TOPIC;
    if (strcmp(k, "partition") == 0)
        return KM_PARTITION;
    if (strcmp(k, "offset") == 0)
        return KM_OFFSET;
    if (strcmp(k, "timestamp") == 0)
        return KM_TIMESTAMP;
    if (strcmp(k, "timestamp-type") == 0)
        return KM_TIMESTAMP_TYPE;
    if (strcmp(k, "headers") == 0)
        return KM_HEADERS;
    return KM_NONE;
}

/* Key columns: key.fields (kafka) or the primary key (upsert-kafka). */
static int key_columns(const TableDef *t, bool is_upsert, bool for_source,
                       uint32_t **cols, uint32_t *n, FsqlErr *err)
{
    *cols = NULL;
    *n = 0;
    if (is_upsert) {
        if (t->n_pk == 0 && !for_source)
            return fsql_err_set(err, FSQL_E_CONFIG,
                                "table \"%s\": an upsert-kafka table needs a "
                                "PRIMARY KEY",
                                t->name);
        *cols = xcalloc(t->n_pk + 1, sizeof(uint32_t));
        for (uint32_t i = 0; i < t->n_pk; i++)
            (*cols)[i] = t->pk[i];
        *n = t->n_pk;
        if (t->n_pk == 0 && for_source) {
            /* Not every key column is scanned: take the ones that are,
             * by the key.fields-like reading of the declared key. */
            return FSQL_OK;
        }
        return FSQL_OK;
    }
    const char *kf = table_def_option(t, "key.fields");
    if (!kf)
        return FSQL_OK;
    return kafka_fields_parse(t, "key.fields", kf, NULL, cols, n, for_source,
                              err);
}

static bool in_list(const uint32_t *v, uint32_t n, uint32_t x)
{
    for (uint32_t i = 0; i < n; i++)
        if (v[i] == x)
            return true;
    return false;
}

/* Whether a source's key or value is csv while the scan reads only some
 * of the table's physical columns (csv maps fields by position). */
static bool csv_pruned(const TableDef *t)
{
    if (t->table_phys.n_cols == 0 || !t->phys_to_schema)
        return false;
    uint32_t n_phys = 0;
    for (uint32_t c = 0; c < t->schema.n_cols; c++)
        if (!(t->metadata_keys && t->metadata_keys[c]))
            n_phys++;
    bool same = n_phys == t->table_phys.n_cols;
    for (uint32_t i = 0; i < t->table_phys.n_cols && same; i++)
        same = t->phys_to_schema[i] == (int32_t)i;
    if (same)
        return false;
    const char *kfmt = table_def_option(t, "key.format");
    const char *vfmt = table_def_option(t, "value.format");
    if (!vfmt)
        vfmt = t->format ? t->format : table_def_option(t, "format");
    return (kfmt && strcasecmp(kfmt, "csv") == 0) ||
           (vfmt && strcasecmp(vfmt, "csv") == 0);
}

/* Set up the key and value codecs over the physical columns. */
static int setup_codecs(const TableDef *t, const RunCtx *ctx, bool is_upsert,
                        bool for_source, KafkaCodec *key, bool *has_key,
                        KafkaCodec *val, bool *has_val, FsqlErr *err)
{
    uint32_t *kc = NULL, nk = 0;
    int rc = key_columns(t, is_upsert, for_source, &kc, &nk, err);
    if (rc < 0)
        return rc;
    const char *kfmt = table_def_option(t, "key.format");
    const char *vfmt = table_def_option(t, "value.format");
    if (!vfmt)
        vfmt = t->format ? t->format : table_def_option(t, "format");
    const char *prefix = table_def_option(t, "key.fields-prefix");
    const char *inc = table_def_option_or(t, "value.fields-include", "ALL");
    bool except_key = strcasecmp(inc, "EXCEPT_KEY") == 0;
    const RtSchema *s = &t->schema;
    uint32_t *vc = xcalloc(s->n_cols + 1, sizeof(uint32_t));
    uint32_t nv = 0;
    for (uint32_t c = 0; c < s->n_cols; c++) {
        if (t->metadata_keys && t->metadata_keys[c])
            continue;
        if (except_key && in_list(kc, nk, c))
            continue;
        vc[nv++] = c;
    }
    *has_key = false;
    *has_val = false;
    /* A source with value.fields-include = ALL reads the key columns from
     * the value (the value wins in Flink too); the key is decoded only for
     * EXCEPT_KEY.  A sink always writes the key when it has one. */
    bool want_key = nk > 0 && kfmt && (!for_source || except_key);
    if (want_key) {
        rc = kafka_codec_init(key, t, ctx, kfmt, "key.", kc, nk, prefix,
                              for_source, !for_source, err);
        *has_key = rc == FSQL_OK;
    }
    if (rc == FSQL_OK && !vfmt)
        rc = fsql_err_set(err, FSQL_E_CONFIG,
                          "table \"%s\" has no 'format' or 'value.format'",
                          t->name);
    if (rc == FSQL_OK && (nv > 0 || !for_source)) {
        const char *vpre =
            table_def_option(t, "value.format") ? "value." : NULL;
        rc = kafka_codec_init(val, t, ctx, vfmt, vpre, vc, nv, NULL, for_source,
                              !for_source, err);
        *has_val = rc == FSQL_OK;
    }
    if (rc == FSQL_OK && for_source && except_key && nk && !kfmt)
        rc = fsql_err_set(err, FSQL_E_CONFIG,
                          "table \"%s\": value.fields-include = EXCEPT_KEY "
                          "needs 'key.format'",
                          t->name);
    xfree(kc);
    xfree(vc);
    return rc;
}

int kafka_source_open(const TableDef *t, const RunCtx *ctx, bool is_upsert,
                      SourceReader **out, FsqlErr *err)
{
    KReader *r = xcalloc(1, sizeof *r);
    pthread_mutex_init(&r->grave.mu, NULL);
    atomic_init(&r->grave.n_pub, 0);
    r->grave.spare_cap = BATCH_ROWS;
    r->grave.spare = xmalloc(BATCH_ROWS * sizeof(rd_kafka_message_t *));
    kafka_client_opened();
    r->base.v = &kr_vtbl;
    r->base.wait = kr_wait;
    r->base.partition_lag = kr_partition_lag;
    r->base.splits_concurrent = true; /* every partition holds back */
    r->base.table = t;
    r->ctx = ctx;
    r->is_upsert = is_upsert;
    r->batch_part = -1;
    *out = NULL;
    int rc = FSQL_OK;
    const char *topic = table_def_option(t, "topic");
    const char *pattern = table_def_option(t, "topic-pattern");
    if (topic) {
        r->topics = split_list(topic, ';', &r->n_topics);
    } else {
        r->topics = xmalloc(sizeof(char *));
        r->n_topics = 0;
    }
    if (pattern) {
        r->pattern = xstrdup(pattern);
        int e = regcomp(&r->re, pattern, REG_EXTENDED);
        if (e) {
            char m[128];
            regerror(e, &r->re, m, sizeof m);
            rc = fsql_err_set(err, FSQL_E_CONFIG,
                              "table \"%s\": 'topic-pattern' is not a regular "
                              "expression: %s",
                              t->name, m);
        } else {
            r->has_re = true;
        }
    }
    if (rc == FSQL_OK && !r->n_topics && !r->has_re)
        rc = fsql_err_set(err, FSQL_E_CONFIG,
                          "table \"%s\" has no 'topic' or 'topic-pattern'",
                          t->name);
    /* Startup and bounded modes. */
    /* upsert-kafka always reads the whole changelog. */
    const char *sm = is_upsert ? "earliest-offset"
                               : table_def_option_or(t, "scan.startup.mode",
                                                     "group-offsets");
    r->start = strcmp(sm, "earliest-offset") == 0    ? KSTART_EARLIEST
               : strcmp(sm, "latest-offset") == 0    ? KSTART_LATEST
               : strcmp(sm, "timestamp") == 0        ? KSTART_TIMESTAMP
               : strcmp(sm, "specific-offsets") == 0 ? KSTART_SPECIFIC
                                                     : KSTART_GROUP;
    if (rc == FSQL_OK)
        rc = table_opt_int(t, "scan.startup.timestamp-millis", 0, &r->start_ts,
                           err);
    if (rc == FSQL_OK && r->start == KSTART_SPECIFIC)
        rc = parse_offsets(t, "scan.startup.specific-offsets",
                           table_def_option(t, "scan.startup.specific-offsets"),
                           &r->start_offs, &r->n_start_offs, err);
    const char *bm = table_def_option_or(t, "scan.bounded.mode", "unbounded");
    r->stop = strcmp(bm, "latest-offset") == 0      ? KSTOP_LATEST
              : strcmp(bm, "group-offsets") == 0    ? KSTOP_GROUP
              : strcmp(bm, "timestamp") == 0        ? KSTOP_TIMESTAMP
              : strcmp(bm, "specific-offsets") == 0 ? KSTOP_SPECIFIC
                                                    : KSTOP_NONE;
    r->bounded = r->stop != KSTOP_NONE;
    if (rc == FSQL_OK)
        rc = table_opt_int(t, "scan.bounded.timestamp-millis", 0, &r->stop_ts,
                           err);
    if (rc == FSQL_OK && r->stop == KSTOP_SPECIFIC)
        rc = parse_offsets(t, "scan.bounded.specific-offsets",
                           table_def_option(t, "scan.bounded.specific-offsets"),
                           &r->stop_offs, &r->n_stop_offs, err);
    /* Columns. */
    const RtSchema *s = &t->schema;
    r->meta = xcalloc(s->n_cols + 1, sizeof(KMeta));
    for (uint32_t c = 0; c < s->n_cols && rc == FSQL_OK; c++) {
        const char *mk = t->metadata_keys ? t->metadata_keys[c] : NULL;
        if (!mk)
            continue;
        r->meta[c] = meta_kind(mk);
        r->has_meta = true;
        if (r->meta[c] == KM_HEADERS && !headers_type_ok(&s->cols[c].type))
            rc = fsql_err_set(err, FSQL_E_UNSUPPORTED,
                              "table \"%s\": metadata column \"%s\" "
                              "(headers) must be declared MAP<STRING, BYTES> "
                              "(or MAP<STRING, STRING>, or STRING for the "
                              "headers as a JSON object text)",
                              t->name, s->cols[c].name);
        else if (r->meta[c] == KM_NONE)
            rc = fsql_err_set(err, FSQL_E_CONFIG,
                              "table \"%s\": the Kafka connectors have no "
                              "metadata key \"%s\" (they have topic, "
                              "partition, offset, timestamp, "
                              "timestamp-type and headers)",
                              t->name, mk);
    }
    const TableDef *ct = t;
    if (rc == FSQL_OK && !is_upsert && csv_pruned(t)) {
        r->wide = true;
        r->wide_t = *t;
        r->wide_t.schema = t->table_phys;
        r->wide_t.table_cols = NULL;
        r->wide_t.metadata_keys = NULL;
        r->wide_t.n_pk = 0;
        r->wide_t.pk = NULL;
        r->wide_t.table_phys.n_cols = 0;
        r->wide_t.phys_to_schema = NULL;
        r->wide_row = xcalloc(t->table_phys.n_cols + 1, sizeof(Value));
        ct = &r->wide_t;
    }
    if (rc == FSQL_OK)
        rc = setup_codecs(ct, ctx, is_upsert, true, &r->key, &r->has_key,
                          &r->val, &r->has_val, err);
    /* The consumer. */
    rd_kafka_conf_t *conf = NULL;
    if (rc == FSQL_OK)
        rc = kafka_conf_new(t, "consumer", &conf, err);
    if (rc == FSQL_OK) {
        char errstr[512], grp[256];
        const char *gid = kafka_property(t, "group.id");
        if (!gid) {
            default_group(t, ctx, grp, sizeof grp);
            rd_kafka_conf_set(conf, "group.id", grp, errstr, sizeof errstr);
        }
        rd_kafka_conf_set(conf, "enable.auto.offset.store", "false", errstr,
                          sizeof errstr);
        if (!kafka_property(t, "auto.offset.reset"))
            rd_kafka_conf_set(conf, "auto.offset.reset", "earliest", errstr,
                              sizeof errstr);
        rd_kafka_conf_set(conf, "enable.partition.eof",
                          r->bounded ? "true" : "false", errstr, sizeof errstr);
        /* A bounded run learns that a partition is at its end from an
         * empty fetch; do not let the broker hold it for long. */
        if (r->bounded && !kafka_property(t, "fetch.wait.max.ms"))
            rd_kafka_conf_set(conf, "fetch.wait.max.ms", "50", errstr,
                              sizeof errstr);
        /* Partition discovery: the subscription's metadata refresh finds
         * new partitions and topics matching topic-pattern, and a
         * rebalance assigns them (0 or a negative interval: never). */
        if (!r->bounded &&
            !kafka_property(t, "topic.metadata.refresh.interval.ms")) {
            int64_t di = 0;
            if (table_opt_duration(t, "scan.topic-partition-discovery.interval",
                                   300000, &di, err) < 0) {
                rc = FSQL_E_CONFIG;
            } else {
                char v[32];
                snprintf(v, sizeof v, "%lld",
                         di > 0 ? (long long)(di < 10 ? 10 : di) : -1LL);
                rd_kafka_conf_set(conf, "topic.metadata.refresh.interval.ms",
                                  v, errstr, sizeof errstr);
            }
        }
        rd_kafka_conf_set_opaque(conf, r);
        if (!r->bounded)
            rd_kafka_conf_set_rebalance_cb(conf, on_rebalance);
        rd_kafka_conf_interceptor_add_on_new(conf, "fsql-release",
                                             grave_on_new, &r->grave);
        r->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
        if (!r->rk) {
            rd_kafka_conf_destroy(conf);
            rc = fsql_err_set(err, FSQL_E_CONFIG,
                              "could not read table \"%s\": could not create "
                              "a Kafka consumer: %s",
                              t->name, errstr);
        }
    }
    if (rc == FSQL_OK) {
        rd_kafka_poll_set_consumer(r->rk);
        r->q = rd_kafka_queue_get_consumer(r->rk);
        r->fetched = xcalloc(BATCH_ROWS, sizeof(rd_kafka_message_t *));
        r->held = xcalloc(BATCH_ROWS, sizeof(rd_kafka_message_t *));
        r->row_cap = BATCH_ROWS;
        r->row_off = xcalloc(r->row_cap, sizeof(int64_t));
        if (is_upsert)
            r->ups = kafka_upsert_state_new();
        if (r->bounded) {
            rc = assign_all(r, err);
        } else {
            rd_kafka_topic_partition_list_t *l =
                rd_kafka_topic_partition_list_new((int)r->n_topics + 1);
            for (uint32_t i = 0; i < r->n_topics; i++)
                rd_kafka_topic_partition_list_add(l, r->topics[i],
                                                  RD_KAFKA_PARTITION_UA);
            if (r->pattern) {
                /* librdkafka treats a leading '^' as a regex. */
                char *p = xmalloc(strlen(r->pattern) + 2);
                sprintf(p, "%s%s", r->pattern[0] == '^' ? "" : "^", r->pattern);
                rd_kafka_topic_partition_list_add(l, p, RD_KAFKA_PARTITION_UA);
                xfree(p);
            }
            rd_kafka_resp_err_t e = rd_kafka_subscribe(r->rk, l);
            rd_kafka_topic_partition_list_destroy(l);
            if (e)
                rc = kafka_err_set(err, e, "could not read table \"%s\"",
                                   t->name);
        }
    }
    if (rc < 0) {
        kr_close(&r->base);
        return rc;
    }
    *out = &r->base;
    return FSQL_OK;
}

/* ---- sink ------------------------------------------------------------------------ */

/* ---- headers written by the sink --------------------------------------------- */

/* A JSON string at *pp (after its opening quote) into sb (cleared first),
 * \u escapes below 0x100 as that byte (what headers_json writes for
 * bytes that are not UTF-8), others as UTF-8.  false when malformed. */
static bool json_str(const char **pp, const char *e, StrBuf *sb)
{
    const char *p = *pp;
    strbuf_clear(sb);
    while (p < e && *p != '"') {
        if (*p != '\\') {
            strbuf_putc(sb, *p++);
            continue;
        }
        if (++p >= e)
            return false;
        char c = *p++;
        switch (c) {
        case 'b': strbuf_putc(sb, '\b'); break;
        case 'f': strbuf_putc(sb, '\f'); break;
        case 'n': strbuf_putc(sb, '\n'); break;
        case 'r': strbuf_putc(sb, '\r'); break;
        case 't': strbuf_putc(sb, '\t'); break;
        case 'u': {
            if (e - p < 4)
                return false;
            unsigned u = 0;
            for (int i = 0; i < 4; i++) {
                char h = *p++;
                u = u * 16 + (unsigned)(h >= '0' && h <= '9'   ? h - '0'
                                        : h >= 'a' && h <= 'f' ? h - 'a' + 10
                                        : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                                               : 99);
                if (u > 0xFFFF)
                    return false;
            }
            if (u < 0x100) {
                strbuf_putc(sb, (char)u);
            } else if (u < 0x800) {
                strbuf_putc(sb, (char)(0xC0 | (u >> 6)));
                strbuf_putc(sb, (char)(0x80 | (u & 0x3F)));
            } else {
                strbuf_putc(sb, (char)(0xE0 | (u >> 12)));
                strbuf_putc(sb, (char)(0x80 | ((u >> 6) & 0x3F)));
                strbuf_putc(sb, (char)(0x80 | (u & 0x3F)));
            }
            break;
        }
        default:
            strbuf_putc(sb, c);
        }
    }
    if (p >= e)
        return false;
    *pp = p + 1;
    return true;
}

static const char *skip_ws(const char *p, const char *e)
{
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

/* The headers column's text, a JSON object of strings (or nulls), as
 * librdkafka headers; NULL with *bad set when it is not such an object. */
static rd_kafka_headers_t *headers_parse(const char *p, size_t n, StrBuf *nb,
                                         StrBuf *vb, bool *bad)
{
    const char *e = p + n;
    *bad = true;
    p = skip_ws(p, e);
    if (p >= e || *p++ != '{')
        return NULL;
    rd_kafka_headers_t *hs = rd_kafka_headers_new(4);
    p = skip_ws(p, e);
    if (p < e && *p == '}') {
        *bad = false;
        return hs;
    }
    for (;;) {
        p = skip_ws(p, e);
        if (p >= e || *p++ != '"' || !json_str(&p, e, nb))
            break;
        p = skip_ws(p, e);
        if (p >= e || *p++ != ':')
            break;
        p = skip_ws(p, e);
        if (e - p >= 4 && memcmp(p, "null", 4) == 0) {
            p += 4;
            rd_kafka_header_add(hs, strbuf_cstr(nb), (ssize_t)nb->len, NULL,
                                0);
        } else if (p < e && *p == '"') {
            p++;
            if (!json_str(&p, e, vb))
                break;
            rd_kafka_header_add(hs, strbuf_cstr(nb), (ssize_t)nb->len,
                                vb->ptr ? vb->ptr : "", (ssize_t)vb->len);
        } else {
            break;
        }
        p = skip_ws(p, e);
        if (p < e && *p == ',') {
            p++;
            continue;
        }
        if (p < e && *p == '}' && skip_ws(p + 1, e) == e) {
            *bad = false;
            return hs;
        }
        break;
    }
    rd_kafka_headers_destroy(hs);
    return NULL;
}

/* The headers column's MAP value (runtime/value_map.h) as librdkafka
 * headers, in the map's order: a NULL value is a header with a null value;
 * keys and values that are not STRING/BYTES are written as their text.
 * NULL with *why set for a NULL key or a malformed block (a damaged
 * exactly-once checkpoint: the block is checked first). */
static rd_kafka_headers_t *headers_from_map(const char *p, size_t n,
                                            StrBuf *nb, StrBuf *vb,
                                            const char **why)
{
    if (!map_validate(p, n)) {
        *why = "a malformed MAP value";
        return NULL;
    }
    Value m = value_null(VK_BYTES), k, v;
    m.is_null = false;
    m.u.s.ptr = p;
    m.u.s.len = (uint32_t)n;
    MapIter it;
    map_iter_init(&it, &m);
    rd_kafka_headers_t *hs = rd_kafka_headers_new(it.left ? it.left : 1);
    while (map_iter_next(&it, &k, &v)) {
        if (k.is_null) {
            rd_kafka_headers_destroy(hs);
            *why = "a NULL key (a Kafka header needs a name)";
            return NULL;
        }
        const char *kp = k.u.s.ptr, *vp = v.u.s.ptr;
        size_t kl = k.u.s.len, vl = v.u.s.len;
        if (it.kt.kind != VK_STRING && it.kt.kind != VK_BYTES) {
            strbuf_clear(nb);
            value_format(nb, &k, &it.kt, NULL);
            kp = nb->ptr;
            kl = nb->len;
        }
        if (!v.is_null && it.vt.kind != VK_STRING && it.vt.kind != VK_BYTES) {
            strbuf_clear(vb);
            value_format(vb, &v, &it.vt, NULL);
            vp = vb->ptr;
            vl = vb->len;
        }
        rd_kafka_header_add(hs, kl ? kp : "", (ssize_t)kl,
                            v.is_null ? NULL : (vl ? vp : ""),
                            v.is_null ? 0 : (ssize_t)vl);
    }
    return hs;
}

typedef enum KPartitioner { KP_DEFAULT, KP_FIXED, KP_ROUND_ROBIN } KPartitioner;

/* One record of an exactly-once epoch: where its bytes are in
 * KWriter.data and the partition its delivery report named. */
typedef struct EosRec {
    size_t koff, voff, hoff;
    uint32_t klen, vlen, hlen;
    bool has_key, has_val, has_hdr;
    int64_t ts; /* record timestamp, INT64_MIN: none */
    int32_t partition; /* RD_KAFKA_PARTITION_UA until delivered */
} EosRec;

typedef struct KWriter {
    SinkWriter base;
    rd_kafka_t *rk;
    rd_kafka_topic_t *rkt;
    char *topic;
    bool is_upsert;
    bool track; /* at-least-once: sources wait for our acks */
    KPartitioner part;
    atomic_uint rr; /* round-robin counter */
    KafkaCodec key, val;
    bool has_key, has_val;
    StrBuf kbuf, vbuf;
    bool registered;
    int32_t hdr_col; /* 'headers' metadata column written, -1 none */
    bool hdr_map;    /* ... declared as a MAP (else a JSON object text) */
    int32_t ts_col;  /* 'timestamp' metadata column written, -1 none */
    StrBuf hname, hval; /* headers_parse scratch */
    /* upsert-kafka sink.buffer-flush.* (see upbuf_add) */
    bool buffered;
    int64_t buf_max_rows, buf_interval_ms;
    int64_t ub_since; /* job_now_mono_ms() of the oldest buffered row */
    struct UpBufEnt *ub_ents;
    uint32_t ub_n, ub_cap_ents;
    uint32_t *ub_slots; /* open addressing: entry index + 1, 0 empty */
    uint32_t ub_slots_cap;
    char *ub_data;
    size_t ub_len, ub_cap;
    uint64_t *ub_sup; /* acknowledgement numbers of replaced rows */
    uint32_t ub_n_sup, ub_cap_sup;
    /* exactly-once (see "Exactly-once" above) */
    bool eos;
    char *txn_id;        /* transactional.id */
    char *prog_topic;    /* the progress topic */
    char *marker_key;    /* "<job>/<table>" */
    rd_kafka_topic_t *prog_rkt;
    bool in_txn;         /* a transaction is open */
    bool precommitted;   /* ... and precommit(pre_id) flushed it */
    uint64_t pre_id;
    EosRec *recs;        /* the epoch's records, for the checkpoint blob */
    uint32_t n_recs, cap_recs;
    char *data;          /* their key and value bytes */
    size_t data_len, data_cap;
} KWriter;

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m,
                        void *opaque)
{
    KWriter *w = opaque;
    (void)rk;
    uint64_t seq = (uint64_t)(uintptr_t)m->_private;
    if (m->err == 0) {
        if (w->track)
            kafka_ack_done(seq);
        /* exactly-once: opaque is the epoch record's index + 1 (0 for
         * progress records and re-produced epochs) */
        if (w->eos && seq > 0 && seq <= w->n_recs)
            w->recs[seq - 1].partition = m->partition;
        return;
    }
    FsqlErr e;
    kafka_err_set(&e, m->err,
                  "could not write table \"%s\": delivery to topic \"%s\" "
                  "partition %d failed",
                  w->base.table->name, w->topic, (int)m->partition);
    kafka_delivery_fail(&e);
}

static int32_t rr_partitioner(const rd_kafka_topic_t *rkt, const void *key,
                              size_t keylen, int32_t partition_cnt,
                              void *rkt_opaque, void *msg_opaque)
{
    KWriter *w = rkt_opaque;
    (void)rkt;
    (void)key;
    (void)keylen;
    (void)msg_opaque;
    if (partition_cnt <= 0)
        return RD_KAFKA_PARTITION_UA;
    return (int32_t)(atomic_fetch_add(&w->rr, 1u) % (unsigned)partition_cnt);
}

static void eos_keep(KWriter *w, const char *k, size_t kl, const char *v,
                     size_t vl, const char *h, size_t hl, int64_t ts)
{
    if (w->n_recs == w->cap_recs) {
        w->cap_recs = w->cap_recs ? w->cap_recs * 2 : 1024;
        w->recs = xrealloc(w->recs, sizeof(EosRec) * w->cap_recs);
    }
    if (w->data_len + kl + vl + hl > w->data_cap) {
        w->data_cap = (w->data_len + kl + vl + hl) * 2 + 4096;
        w->data = xrealloc(w->data, w->data_cap);
    }
    EosRec *e = &w->recs[w->n_recs++];
    e->has_key = k != NULL;
    e->has_val = v != NULL;
    e->koff = w->data_len;
    e->klen = (uint32_t)kl;
    if (kl)
        memcpy(w->data + w->data_len, k, kl);
    w->data_len += kl;
    e->voff = w->data_len;
    e->vlen = (uint32_t)vl;
    if (vl)
        memcpy(w->data + w->data_len, v, vl);
    w->data_len += vl;
    e->has_hdr = h != NULL;
    e->hoff = w->data_len;
    e->hlen = (uint32_t)hl;
    if (hl)
        memcpy(w->data + w->data_len, h, hl);
    w->data_len += hl;
    e->ts = ts;
    e->partition = RD_KAFKA_PARTITION_UA;
}

static int eos_begin(KWriter *w, FsqlErr *err);

/* Produce one record (k/v NULL: no key / null value; h: the headers
 * column's JSON text or NULL; ts INT64_MIN: no timestamp) to partition
 * part (RD_KAFKA_PARTITION_UA: the partitioner's choice). */
static int kw_produce_to(KWriter *w, int32_t part, const char *k, size_t kl,
                         const char *v, size_t vl, const char *h, size_t hl,
                         int64_t ts, void *opaque, FsqlErr *err)
{
    rd_kafka_headers_t *hs = NULL;
    if (h && w->hdr_map) {
        const char *why = NULL;
        hs = headers_from_map(h, hl, &w->hname, &w->hval, &why);
        if (!hs)
            return fsql_err_set(err, FSQL_E_DATA,
                                "cannot write table \"%s\": the headers "
                                "column holds %s",
                                w->base.table->name, why);
    } else if (h) {
        bool bad;
        hs = headers_parse(h, hl, &w->hname, &w->hval, &bad);
        if (bad)
            return fsql_err_set(err, FSQL_E_DATA,
                                "cannot write table \"%s\": the headers "
                                "column holds \"%.*s\", not a JSON object of "
                                "strings",
                                w->base.table->name, (int)(hl > 80 ? 80 : hl),
                                h);
    }
    for (;;) {
        rd_kafka_resp_err_t e = rd_kafka_producev(
            w->rk, RD_KAFKA_V_RKT(w->rkt), RD_KAFKA_V_PARTITION(part),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_KEY((void *)k, kl), RD_KAFKA_V_VALUE((void *)v, vl),
            RD_KAFKA_V_TIMESTAMP(ts == INT64_MIN ? 0 : ts),
            RD_KAFKA_V_HEADERS(hs), RD_KAFKA_V_OPAQUE(opaque),
            RD_KAFKA_V_END);
        if (e == RD_KAFKA_RESP_ERR_NO_ERROR)
            return FSQL_OK; /* the headers belong to the message now */
        if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            /* Backpressure: serve delivery reports, then retry. */
            rd_kafka_poll(w->rk, 100);
            if (kafka_delivery_error(err) < 0) {
                if (hs)
                    rd_kafka_headers_destroy(hs);
                return err->code;
            }
            continue;
        }
        if (hs)
            rd_kafka_headers_destroy(hs);
        kafka_err_set(err, e,
                      "could not write table \"%s\": could not produce to "
                      "topic \"%s\"",
                      w->base.table->name, w->topic);
        kafka_delivery_fail(err);
        return err->code;
    }
}

/* seq: the record's acknowledgement number, reserved by the caller when
 * w->track (0 otherwise). */
static int kw_produce_seq(KWriter *w, uint64_t seq, const char *k, size_t kl,
                          const char *v, size_t vl, const char *h, size_t hl,
                          int64_t ts, FsqlErr *err)
{
    int32_t part = w->part == KP_FIXED ? 0 : RD_KAFKA_PARTITION_UA;
    if (w->eos) {
        if (!w->in_txn) {
            int rc = eos_begin(w, err);
            if (rc < 0)
                return rc;
        }
        eos_keep(w, k, kl, v, vl, h, hl, ts);
        seq = w->n_recs;
    }
    int rc = kw_produce_to(w, part, k, kl, v, vl, h, hl, ts,
                           (void *)(uintptr_t)seq, err);
    if (rc < 0 && w->track)
        kafka_ack_done(seq);
    return rc;
}

/* ---- upsert-kafka: sink.buffer-flush.* -------------------------------------- */

/* Flink's reducing buffer: rows are kept per key (the last one wins) and
 * written when max-rows keys are buffered, when the oldest has waited
 * the interval (op_sink.c's timer through flush_due_ms), and at every
 * flush (checkpoint, end of input).  Keys keep the order of their first
 * row; a key's rows stay in order because only its last one is written.
 * Each buffered row holds its acknowledgement number from the moment it
 * is buffered, so source offsets never pass a row that is still in the
 * buffer; a replaced row's number is released when the buffer is
 * written. */
typedef struct UpBufEnt {
    size_t koff, voff, hoff;
    uint32_t klen, vlen, hlen;
    bool has_key, has_val, has_hdr;
    int64_t ts;
    uint64_t seq;
    uint64_t hash;
} UpBufEnt;

static uint64_t upbuf_hash(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
    return h ^ (h >> 31);
}

static void upbuf_put_bytes(KWriter *w, const char *p, size_t n, size_t *off)
{
    if (w->ub_len + n > w->ub_cap) {
        w->ub_cap = (w->ub_len + n) * 2 + 4096;
        w->ub_data = xrealloc(w->ub_data, w->ub_cap);
    }
    *off = w->ub_len;
    if (n)
        memcpy(w->ub_data + w->ub_len, p, n);
    w->ub_len += n;
}

static void upbuf_rehash(KWriter *w)
{
    uint32_t cap = w->ub_slots_cap ? w->ub_slots_cap * 2 : 1024;
    xfree(w->ub_slots);
    w->ub_slots = xcalloc(cap, sizeof(uint32_t));
    w->ub_slots_cap = cap;
    for (uint32_t i = 0; i < w->ub_n; i++) {
        uint32_t k = (uint32_t)w->ub_ents[i].hash & (cap - 1);
        while (w->ub_slots[k])
            k = (k + 1) & (cap - 1);
        w->ub_slots[k] = i + 1;
    }
}

static void upbuf_add(KWriter *w, const char *k, size_t kl, const char *v,
                      size_t vl, const char *h, size_t hl, int64_t ts)
{
    if (w->ub_n == 0)
        w->ub_since = job_now_mono_ms();
    if ((w->ub_n + 1) * 2 > w->ub_slots_cap)
        upbuf_rehash(w);
    uint64_t hv = upbuf_hash(k ? k : "", kl);
    uint32_t slot = (uint32_t)hv & (w->ub_slots_cap - 1);
    UpBufEnt *e = NULL;
    for (; w->ub_slots[slot]; slot = (slot + 1) & (w->ub_slots_cap - 1)) {
        UpBufEnt *c = &w->ub_ents[w->ub_slots[slot] - 1];
        if (c->hash == hv && c->klen == kl && c->has_key == (k != NULL) &&
            (kl == 0 || memcmp(w->ub_data + c->koff, k, kl) == 0)) {
            e = c;
            break;
        }
    }
    uint64_t seq = w->track ? kafka_ack_reserve() : 0;
    if (e) {
        /* replaced: release the old row's number when the buffer is
         * written */
        if (w->track) {
            if (w->ub_n_sup == w->ub_cap_sup) {
                w->ub_cap_sup = w->ub_cap_sup ? w->ub_cap_sup * 2 : 256;
                w->ub_sup = xrealloc(w->ub_sup, sizeof(uint64_t) * w->ub_cap_sup);
            }
            w->ub_sup[w->ub_n_sup++] = e->seq;
        }
    } else {
        if (w->ub_n == w->ub_cap_ents) {
            w->ub_cap_ents = w->ub_cap_ents ? w->ub_cap_ents * 2 : 256;
            w->ub_ents =
                xrealloc(w->ub_ents, sizeof(UpBufEnt) * w->ub_cap_ents);
        }
        e = &w->ub_ents[w->ub_n];
        w->ub_slots[slot] = ++w->ub_n;
        e->hash = hv;
        e->has_key = k != NULL;
        e->klen = (uint32_t)kl;
        upbuf_put_bytes(w, k, kl, &e->koff);
    }
    e->seq = seq;
    e->has_val = v != NULL;
    e->vlen = (uint32_t)vl;
    upbuf_put_bytes(w, v, vl, &e->voff);
    e->has_hdr = h != NULL;
    e->hlen = (uint32_t)hl;
    upbuf_put_bytes(w, h, hl, &e->hoff);
    e->ts = ts;
}

/* Write the buffered rows. */
static int upbuf_flush(KWriter *w, FsqlErr *err)
{
    int rc = FSQL_OK;
    uint32_t i = 0;
    for (; i < w->ub_n && rc == FSQL_OK; i++) {
        const UpBufEnt *e = &w->ub_ents[i];
        const char *d = w->ub_data;
        rc = kw_produce_seq(w, e->seq, e->has_key ? d + e->koff : NULL,
                            e->klen, e->has_val ? d + e->voff : NULL, e->vlen,
                            e->has_hdr ? d + e->hoff : NULL, e->hlen, e->ts,
                            err);
    }
    /* Rows not produced after an error: the job fails; release them. */
    for (; i < w->ub_n && w->track; i++)
        kafka_ack_done(w->ub_ents[i].seq);
    for (uint32_t k = 0; k < w->ub_n_sup; k++)
        kafka_ack_done(w->ub_sup[k]);
    w->ub_n_sup = 0;
    w->ub_n = 0;
    w->ub_len = 0;
    if (w->ub_slots)
        memset(w->ub_slots, 0, sizeof(uint32_t) * w->ub_slots_cap);
    return rc;
}

static int64_t kw_flush_due(SinkWriter *base)
{
    KWriter *w = (KWriter *)base;
    if (!w->buffered || w->ub_n == 0)
        return INT64_MAX;
    return w->ub_since + w->buf_interval_ms;
}

static int kw_produce(KWriter *w, const char *k, size_t kl, const char *v,
                      size_t vl, const char *h, size_t hl, int64_t ts,
                      FsqlErr *err)
{
    if (w->buffered) {
        upbuf_add(w, k, kl, v, vl, h, hl, ts);
        if (w->ub_n >= (uint64_t)w->buf_max_rows ||
            job_now_mono_ms() >= w->ub_since + w->buf_interval_ms)
            return upbuf_flush(w, err);
        return FSQL_OK;
    }
    return kw_produce_seq(w, w->track ? kafka_ack_reserve() : 0, k, kl, v, vl,
                          h, hl, ts, err);
}

/* A map value with a NULL key under json.map-null-key.mode = 'FAIL'. */
static int map_null_key_err(const SinkWriter *w, const char *col, FsqlErr *err)
{
    return fsql_err_set(err, FSQL_E_DATA,
                        "cannot write table \"%s\": column \"%s\" holds a "
                        "MAP with a NULL key, which the json format cannot "
                        "write (set 'json.map-null-key.mode' to 'DROP' or "
                        "'LITERAL')",
                        w->table->name, col);
}

static int kw_write(SinkWriter *base, const Batch *b, FsqlErr *err)
{
    KWriter *w = (KWriter *)base;
    if (kafka_delivery_error(err) < 0)
        return err->code;
    for (uint32_t i = 0; i < b->n_rows; i++) {
        RowKind kind = (RowKind)b->kinds[i];
        const Value *row = batch_row(b, i);
        bool tomb = false;
        if (w->is_upsert) {
            if (kind == ROW_UPDATE_BEFORE)
                continue;
            tomb = kind == ROW_DELETE;
        } else if (kind == ROW_UPDATE_BEFORE || kind == ROW_DELETE) {
            return fsql_err_set(err, FSQL_E_UNSUPPORTED,
                                "cannot write table \"%s\": the 'kafka' sink "
                                "is append-only and got a %s row; use "
                                "'upsert-kafka' for updating results",
                                base->table->name, row_kind_short(kind));
        }
        const char *kp = NULL, *vp = NULL;
        size_t kl = 0, vl = 0;
        if (w->has_key) {
            kafka_codec_encode(&w->key, row, &w->kbuf);
            if (kafka_codec_failed(&w->key))
                return map_null_key_err(base, kafka_codec_failed(&w->key),
                                        err);
            kp = w->kbuf.ptr ? w->kbuf.ptr : "";
            kl = w->kbuf.len;
        }
        if (w->has_val && !tomb) {
            kafka_codec_encode(&w->val, row, &w->vbuf);
            if (kafka_codec_failed(&w->val))
                return map_null_key_err(base, kafka_codec_failed(&w->val),
                                        err);
            bool raw_null =
                w->val.fmt == KFMT_RAW && row[w->val.cols[0]].is_null;
            if (!raw_null) {
                vp = w->vbuf.ptr ? w->vbuf.ptr : "";
                vl = w->vbuf.len;
            }
        }
        const char *hp = NULL;
        size_t hl = 0;
        int64_t ts = INT64_MIN;
        if (w->hdr_col >= 0 && !row[w->hdr_col].is_null) {
            hp = row[w->hdr_col].u.s.ptr ? row[w->hdr_col].u.s.ptr : "";
            hl = row[w->hdr_col].u.s.len;
        }
        if (w->ts_col >= 0 && !row[w->ts_col].is_null)
            ts = row[w->ts_col].u.i;
        int rc = kw_produce(w, kp, kl, vp, vl, hp, hl, ts, err);
        if (rc < 0)
            return rc;
    }
    rd_kafka_poll(w->rk, 0);
    if (kafka_delivery_error(err) < 0)
        return err->code;
    return FSQL_OK;
}

static int kw_flush(SinkWriter *base, FsqlErr *err)
{
    KWriter *w = (KWriter *)base;
    if (w->ub_n && upbuf_flush(w, err) < 0)
        return err->code;
    while (rd_kafka_outq_len(w->rk) > 0) {
        rd_kafka_flush(w->rk, 500);
        if (kafka_delivery_error(err) < 0)
            return err->code;
    }
    rd_kafka_poll(w->rk, 0);
    if (kafka_delivery_error(err) < 0)
        return err->code;
    return FSQL_OK;
}

/* ---- exactly-once: transactions and the progress record ------------------- */

#define EOS_VERSION 1u
#define TXN_TIMEOUT_MS 60000

/* A transactional call failed: fill err (the error object is consumed). */
static int txn_err(KWriter *w, rd_kafka_error_t *x, const char *what,
                   FsqlErr *err)
{
    fsql_err_set(err, FSQL_E_IO,
                 "could not write table \"%s\" exactly-once: %s "
                 "(transactional.id \"%s\"): %s",
                 w->base.table->name, what, w->txn_id, rd_kafka_error_string(x));
    err->retriable = false;
    err->fatal = true;
    rd_kafka_error_destroy(x);
    return FSQL_E_IO;
}

static int eos_begin(KWriter *w, FsqlErr *err)
{
    rd_kafka_error_t *x = rd_kafka_begin_transaction(w->rk);
    if (x)
        return txn_err(w, x, "could not begin a transaction", err);
    w->in_txn = true;
    w->precommitted = false;
    return FSQL_OK;
}

/* Produce the progress record of checkpoint id into the open transaction:
 * key "<job>/<table>", value the checkpoint id in decimal, partition 0 of
 * the progress topic. */
static int eos_mark(KWriter *w, uint64_t id, FsqlErr *err)
{
    char val[32];
    int n = snprintf(val, sizeof val, "%llu", (unsigned long long)id);
    for (;;) {
        rd_kafka_resp_err_t e = rd_kafka_producev(
            w->rk, RD_KAFKA_V_RKT(w->prog_rkt), RD_KAFKA_V_PARTITION(0),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_KEY(w->marker_key, strlen(w->marker_key)),
            RD_KAFKA_V_VALUE(val, (size_t)n), RD_KAFKA_V_OPAQUE(NULL),
            RD_KAFKA_V_END);
        if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            rd_kafka_poll(w->rk, 100);
            continue;
        }
        if (e)
            return kafka_err_set(err, e,
                                 "could not write table \"%s\": could not "
                                 "produce the progress record to topic "
                                 "\"%s\"",
                                 w->base.table->name, w->prog_topic);
        return FSQL_OK;
    }
}

/* Wait until every record produced so far is acknowledged. */
static int eos_flush(KWriter *w, FsqlErr *err)
{
    while (rd_kafka_outq_len(w->rk) > 0) {
        rd_kafka_flush(w->rk, 500);
        if (kafka_delivery_error(err) < 0)
            return err->code;
    }
    rd_kafka_poll(w->rk, 0);
    return kafka_delivery_error(err) < 0 ? err->code : FSQL_OK;
}

static int kw_precommit(SinkWriter *base, uint64_t id, SnapWriter *out,
                        FsqlErr *err)
{
    KWriter *w = (KWriter *)base;
    if (kafka_delivery_error(err) < 0)
        return err->code;
    if (w->ub_n && upbuf_flush(w, err) < 0)
        return err->code;
    snap_put_u32(out, EOS_VERSION);
    snap_put_u64(out, id);
    if (!w->in_txn) { /* nothing written in this epoch */
        snap_put_u32(out, 0);
        return FSQL_OK;
    }
    int rc = eos_mark(w, id, err);
    if (rc == FSQL_OK)
        rc = eos_flush(w, err);
    if (rc < 0)
        return rc;
    snap_put_u32(out, w->n_recs);
    for (uint32_t i = 0; i < w->n_recs; i++) {
        const EosRec *e = &w->recs[i];
        snap_put_u32(out, (uint32_t)e->partition);
        snap_put_u8(out, (uint8_t)((e->has_key ? 1 : 0) | (e->has_val ? 2 : 0) |
                                   (e->has_hdr ? 4 : 0)));
        snap_put_bytes(out, w->data + e->koff, e->klen);
        snap_put_bytes(out, w->data + e->voff, e->vlen);
        snap_put_bytes(out, w->data + e->hoff, e->hlen);
        snap_put_i64(out, e->ts);
    }
    w->precommitted = true;
    w->pre_id = id;
    return FSQL_OK;
}

static int eos_commit_txn(KWriter *w, FsqlErr *err)
{
    rd_kafka_error_t *x = rd_kafka_commit_transaction(w->rk, TXN_TIMEOUT_MS);
    if (x) {
        if (rd_kafka_error_txn_requires_abort(x)) {
            rd_kafka_error_t *y =
                rd_kafka_abort_transaction(w->rk, TXN_TIMEOUT_MS);
            if (y)
                rd_kafka_error_destroy(y);
            w->in_txn = false;
        }
        return txn_err(w, x, "could not commit the transaction", err);
    }
    w->in_txn = false;
    w->precommitted = false;
    return FSQL_OK;
}

static int kw_commit(SinkWriter *base, uint64_t id, FsqlErr *err)
{
    KWriter *w = (KWriter *)base;
    if (!w->in_txn || !w->precommitted || w->pre_id != id)
        return FSQL_OK; /* empty epoch, or committed already */
    /* Crash tests (checkpoint.h).  Kafka's commit is one EndTxn request:
     * a crash "during" it is one before or after it. */
    fsql_fault("sink.before-commit");
    int rc = eos_commit_txn(w, err);
    if (rc < 0)
        return rc;
    fsql_fault("sink.after-commit");
    log_info("kafka sink %s: committed the transaction of checkpoint %llu "
             "(%u records)",
             base->table->name, (unsigned long long)id, w->n_recs);
    w->n_recs = 0;
    w->data_len = 0;
    return FSQL_OK;
}

/* The highest checkpoint id whose progress record for this sink is
 * committed (read_committed), 0 when none; <0 on error. */
static int eos_last_committed(KWriter *w, uint64_t *out, FsqlErr *err)
{
    *out = 0;
    rd_kafka_conf_t *conf = NULL;
    int rc = kafka_conf_new(w->base.table, "consumer", &conf, err);
    if (rc < 0)
        return rc;
    char errstr[512];
    rd_kafka_conf_set(conf, "group.id", "fsql-progress-reader", errstr,
                      sizeof errstr);
    rd_kafka_conf_set(conf, "isolation.level", "read_committed", errstr,
                      sizeof errstr);
    rd_kafka_conf_set(conf, "enable.partition.eof", "true", errstr,
                      sizeof errstr);
    rd_kafka_conf_set(conf, "enable.auto.commit", "false", errstr,
                      sizeof errstr);
    rd_kafka_conf_set(conf, "fetch.wait.max.ms", "50", errstr, sizeof errstr);
    rd_kafka_t *c = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
    if (!c) {
        rd_kafka_conf_destroy(conf);
        return fsql_err_set(err, FSQL_E_CONFIG,
                            "could not write table \"%s\": could not create "
                            "a Kafka consumer: %s",
                            w->base.table->name, errstr);
    }
    int64_t lo = 0, hi = 0;
    rd_kafka_resp_err_t e = rd_kafka_query_watermark_offsets(
        c, w->prog_topic, 0, &lo, &hi, META_TIMEOUT_MS);
    if (e) {
        rd_kafka_destroy(c);
        return kafka_err_set(err, e,
                             "could not write table \"%s\": could not read "
                             "the progress topic \"%s\"",
                             w->base.table->name, w->prog_topic);
    }
    if (hi <= lo) {
        rd_kafka_destroy(c);
        return FSQL_OK;
    }
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(l, w->prog_topic, 0)->offset = lo;
    rd_kafka_assign(c, l);
    rd_kafka_topic_partition_list_destroy(l);
    size_t kl = strlen(w->marker_key);
    rc = FSQL_OK;
    for (int idle = 0;;) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(c, 200);
        if (!m) {
            if (++idle > 150) { /* 30 s without an answer */
                rc = fsql_err_set(err, FSQL_E_IO,
                                  "could not write table \"%s\": timed out "
                                  "reading the progress topic \"%s\"",
                                  w->base.table->name, w->prog_topic);
                break;
            }
            continue;
        }
        idle = 0;
        bool eof = m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF;
        if (!m->err && m->key_len == kl && m->payload &&
            memcmp(m->key, w->marker_key, kl) == 0) {
            char buf[32];
            size_t n = m->len < sizeof buf - 1 ? m->len : sizeof buf - 1;
            memcpy(buf, m->payload, n);
            buf[n] = '\0';
            unsigned long long id = strtoull(buf, NULL, 10);
            if (id > *out)
                *out = id;
        }
        bool done = eof || (!m->err && m->offset >= hi - 1);
        rd_kafka_message_destroy(m);
        if (done)
            break;
    }
    rd_kafka_consumer_close(c);
    rd_kafka_destroy(c);
    return rc;
}

/* Restart: init_transactions (at open) fenced the crashed producer and
 * aborted its open transaction.  The epoch of checkpoint id is committed
 * when its progress record is; otherwise it is produced again, with the
 * same partitions, in a new transaction with the progress record. */
static int kw_recover(SinkWriter *base, uint64_t id, SnapReader *rd,
                      FsqlErr *err)
{
    KWriter *w = (KWriter *)base;
    const char *tn = base->table->name;
    uint32_t ver = snap_get_u32(rd);
    uint64_t bid = snap_get_u64(rd);
    uint32_t n = snap_get_u32(rd);
    if (rd->bad || ver != EOS_VERSION)
        return fsql_err_set(err, FSQL_E_STATE,
                            "cannot restore table \"%s\": the Kafka sink "
                            "state in the checkpoint is malformed",
                            tn);
    (void)bid;
    if (n == 0)
        return FSQL_OK;
    uint64_t last = 0;
    int rc = eos_last_committed(w, &last, err);
    if (rc < 0)
        return rc;
    if (last > id)
        log_warn("kafka sink %s: progress record %llu is newer than the "
                 "restored checkpoint %llu (a newer checkpoint was lost): "
                 "the output committed after checkpoint %llu is written "
                 "again",
                 tn, (unsigned long long)last, (unsigned long long)id,
                 (unsigned long long)id);
    if (last >= id) {
        log_info("kafka sink %s: the transaction of checkpoint %llu is "
                 "committed (progress record %llu found)",
                 tn, (unsigned long long)id, (unsigned long long)last);
        return FSQL_OK;
    }
    rc = eos_begin(w, err);
    for (uint32_t i = 0; i < n && rc == FSQL_OK; i++) {
        int32_t part = (int32_t)snap_get_u32(rd);
        uint8_t fl = snap_get_u8(rd);
        uint32_t kl = 0, vl = 0;
        const void *k = snap_get_bytes(rd, &kl);
        const void *v = snap_get_bytes(rd, &vl);
        uint32_t hl = 0;
        const void *h = snap_get_bytes(rd, &hl);
        int64_t ts = snap_get_i64(rd);
        if (rd->bad)
            break;
        rc = kw_produce_to(w, part, (fl & 1) ? (k ? k : "") : NULL,
                           (fl & 1) ? kl : 0, (fl & 2) ? (v ? v : "") : NULL,
                           (fl & 2) ? vl : 0, (fl & 4) ? (h ? h : "") : NULL,
                           (fl & 4) ? hl : 0, ts, NULL, err);
    }
    if (rc == FSQL_OK && (rd->bad || !snap_reader_done(rd)))
        rc = fsql_err_set(err, FSQL_E_STATE,
                          "cannot restore table \"%s\": the Kafka sink "
                          "state in the checkpoint is malformed",
                          tn);
    if (rc == FSQL_OK)
        rc = eos_mark(w, id, err);
    if (rc == FSQL_OK)
        rc = eos_flush(w, err);
    if (rc == FSQL_OK)
        rc = eos_commit_txn(w, err);
    if (rc < 0) {
        if (w->in_txn) {
            rd_kafka_error_t *y =
                rd_kafka_abort_transaction(w->rk, TXN_TIMEOUT_MS);
            if (y)
                rd_kafka_error_destroy(y);
            w->in_txn = false;
        }
        return rc;
    }
    log_info("kafka sink %s: committed the transaction of checkpoint %llu "
             "again after a restart (%u records; the last committed "
             "progress record was %llu)",
             tn, (unsigned long long)id, n, (unsigned long long)last);
    return FSQL_OK;
}

/* open: the transactional producer's settings, the progress topic and
 * init_transactions (which fences an older producer with the same id and
 * aborts its open transaction). */
static int eos_conf(KWriter *w, const RunCtx *ctx, rd_kafka_conf_t *conf,
                    FsqlErr *err)
{
    const TableDef *t = w->base.table;
    const char *prefix = table_def_option(t, "sink.transactional-id-prefix");
    if (!prefix || !*prefix)
        return fsql_err_set(err, FSQL_E_CONFIG,
                            "cannot write table \"%s\": "
                            "sink.delivery-guarantee 'exactly-once' needs "
                            "'sink.transactional-id-prefix'",
                            t->name);
    if (!ctx || !ctx->checkpointing)
        return fsql_err_set(err, FSQL_E_CONFIG,
                            "cannot write table \"%s\": "
                            "sink.delivery-guarantee 'exactly-once' commits "
                            "with checkpoints; set "
                            "'execution.checkpointing.interval' and a "
                            "checkpoint directory (--checkpoint-dir), or use "
                            "'at-least-once'",
                            t->name);
    size_t n = strlen(prefix) + 8;
    w->txn_id = xmalloc(n);
    snprintf(w->txn_id, n, "%s-0", prefix);
    n = strlen(prefix) + 16;
    w->prog_topic = xmalloc(n);
    snprintf(w->prog_topic, n, "%s-progress", prefix);
    const char *job = ctx->job_name ? ctx->job_name : "fsql";
    n = strlen(job) + strlen(t->name) + 2;
    w->marker_key = xmalloc(n);
    snprintf(w->marker_key, n, "%s/%s", job, t->name);
    char errstr[512];
    if (rd_kafka_conf_set(conf, "transactional.id", w->txn_id, errstr,
                          sizeof errstr) != RD_KAFKA_CONF_OK)
        return fsql_err_set(err, FSQL_E_CONFIG,
                            "cannot write table \"%s\": %s", t->name, errstr);
    return FSQL_OK;
}

/* The progress topic must exist; a metadata request for it lets a broker
 * that auto-creates topics create it. */
static int eos_start(KWriter *w, FsqlErr *err)
{
    const TableDef *t = w->base.table;
    w->prog_rkt = rd_kafka_topic_new(w->rk, w->prog_topic, NULL);
    if (!w->prog_rkt)
        return kafka_err_set(err, rd_kafka_last_error(),
                             "could not write table \"%s\"", t->name);
    bool found = false;
    for (int tries = 0; tries < 20 && !found; tries++) {
        const struct rd_kafka_metadata *md = NULL;
        if (rd_kafka_metadata(w->rk, 0, w->prog_rkt, &md, 5000))
            break;
        found = md->topic_cnt == 1 && md->topics[0].err == 0 &&
                md->topics[0].partition_cnt > 0;
        rd_kafka_metadata_destroy(md);
        if (!found)
            rd_kafka_poll(w->rk, 100);
    }
    if (!found)
        return fsql_err_set(err, FSQL_E_IO,
                            "could not write table \"%s\" exactly-once: the "
                            "progress topic \"%s\" does not exist; create it "
                            "(1 partition, cleanup.policy=compact)",
                            t->name, w->prog_topic);
    rd_kafka_error_t *x = rd_kafka_init_transactions(w->rk, TXN_TIMEOUT_MS);
    if (x)
        return txn_err(w, x, "could not initialize transactions", err);
    log_info("kafka sink %s: exactly-once with transactional.id \"%s\", "
             "progress records in topic \"%s\"",
             t->name, w->txn_id, w->prog_topic);
    return FSQL_OK;
}

static void kw_close(SinkWriter *base)
{
    KWriter *w = (KWriter *)base;
    if (w->rk && w->eos) {
        /* Rows after the last checkpoint are not committed: a restart
         * replays them from the checkpoint. */
        if (w->in_txn) {
            rd_kafka_error_t *x =
                rd_kafka_abort_transaction(w->rk, TXN_TIMEOUT_MS);
            if (x)
                rd_kafka_error_destroy(x);
        }
    } else if (w->rk) {
        /* Deliver what is still queued unless the job already failed on
         * delivery; what stays unacknowledged holds the source offsets
         * back, so it is read again next time (at-least-once). */
        if (kafka_delivery_error(NULL) == FSQL_OK)
            rd_kafka_flush(w->rk, 10000);
        if (w->registered)
            kafka_producer_unregister(w->rk);
        if (w->rkt)
            rd_kafka_topic_destroy(w->rkt);
        if (w->prog_rkt)
            rd_kafka_topic_destroy(w->prog_rkt);
        rd_kafka_purge(w->rk,
                       RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
        rd_kafka_destroy(w->rk);
    }
    kafka_codec_fini(&w->key);
    kafka_codec_fini(&w->val);
    strbuf_fini(&w->kbuf);
    strbuf_fini(&w->vbuf);
    strbuf_fini(&w->hname);
    strbuf_fini(&w->hval);
    xfree(w->ub_ents);
    xfree(w->ub_slots);
    xfree(w->ub_data);
    xfree(w->ub_sup);
    xfree(w->topic);
    xfree(w->txn_id);
    xfree(w->prog_topic);
    xfree(w->marker_key);
    xfree(w->recs);
    xfree(w->data);
    xfree(w);
    kafka_client_closed();
}

static const SinkVtbl kw_vtbl = {
    .write = kw_write,
    .flush = kw_flush,
    .close = kw_close,
    .flush_due_ms = kw_flush_due,
};

static const SinkVtbl kw_eos_vtbl = {
    .write = kw_write,
    .flush = kw_flush,
    .close = kw_close,
    .precommit = kw_precommit,
    .commit = kw_commit,
    .recover = kw_recover,
    .flush_due_ms = kw_flush_due,
};

/* A missing topic is an error at open when the cluster answers; an
 * unreachable cluster only a warning (the producer keeps retrying). */
static int check_topic(KWriter *w, FsqlErr *err)
{
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_resp_err_t e = rd_kafka_metadata(w->rk, 1, NULL, &md, 5000);
    if (e) {
        fprintf(stderr,
                "fsql: warning: table \"%s\": could not reach the Kafka "
                "cluster yet (%s); retrying\n",
                w->base.table->name, rd_kafka_err2str(e));
        return FSQL_OK;
    }
    bool found = false;
    for (int k = 0; k < md->topic_cnt; k++)
        if (strcmp(md->topics[k].topic, w->topic) == 0 &&
            md->topics[k].err == 0)
            found = true;
    rd_kafka_metadata_destroy(md);
    if (!found)
        return fsql_err_set(err, FSQL_E_IO,
                            "could not write table \"%s\": topic \"%s\" does "
                            "not exist",
                            w->base.table->name, w->topic);
    return FSQL_OK;
}

int kafka_sink_open(const TableDef *t, const RunCtx *ctx, bool is_upsert,
                    SinkWriter **out, FsqlErr *err)
{
    KWriter *w = xcalloc(1, sizeof *w);
    kafka_client_opened();
    w->base.v = &kw_vtbl;
    w->base.table = t;
    w->is_upsert = is_upsert;
    atomic_init(&w->rr, 0u);
    strbuf_init(&w->kbuf);
    strbuf_init(&w->vbuf);
    *out = NULL;
    int rc = FSQL_OK;
    const char *topic = table_def_option(t, "topic");
    if (!topic || strchr(topic, ';'))
        rc = fsql_err_set(err, FSQL_E_CONFIG,
                          "cannot write table \"%s\": a Kafka sink needs "
                          "exactly one 'topic'",
                          t->name);
    else
        w->topic = xstrdup(topic);
    const char *dg = table_def_option(t, "sink.delivery-guarantee");
    if (!dg)
        dg = table_def_option_or(t, "sink.semantic", "at-least-once");
    w->hdr_col = w->ts_col = -1;
    strbuf_init(&w->hname);
    strbuf_init(&w->hval);
    for (uint32_t c = 0; c < t->schema.n_cols; c++) {
        const char *mk = t->metadata_keys ? t->metadata_keys[c] : NULL;
        if (!mk)
            continue;
        ValueKind vk = t->schema.cols[c].type.kind;
        if (strcmp(mk, "headers") == 0 &&
            headers_type_ok(&t->schema.cols[c].type)) {
            w->hdr_col = (int32_t)c;
            w->hdr_map = rt_is_map(&t->schema.cols[c].type);
        } else if (strcmp(mk, "headers") == 0 && rc == FSQL_OK) {
            rc = fsql_err_set(err, FSQL_E_UNSUPPORTED,
                              "cannot write table \"%s\": metadata column "
                              "\"%s\" (headers) must be declared MAP<STRING, "
                              "BYTES> (or MAP<STRING, STRING>, or STRING for "
                              "the headers as a JSON object text)",
                              t->name, t->schema.cols[c].name);
        }
        else if (strcmp(mk, "timestamp") == 0 &&
                 (vk == VK_TIMESTAMP_LTZ || vk == VK_TIMESTAMP))
            w->ts_col = (int32_t)c;
    }
    if (rc == FSQL_OK && is_upsert)
        rc = table_opt_int(t, "sink.buffer-flush.max-rows", 0,
                           &w->buf_max_rows, err);
    if (rc == FSQL_OK && is_upsert)
        rc = table_opt_duration(t, "sink.buffer-flush.interval", 0,
                                &w->buf_interval_ms, err);
    /* Flink: both must be set above 0 to buffer. */
    w->buffered = is_upsert && w->buf_max_rows > 0 && w->buf_interval_ms > 0;
    w->eos = strcasecmp(dg, "exactly-once") == 0;
    if (w->eos)
        w->base.v = &kw_eos_vtbl;
    /* exactly-once: sources keep their positions in the checkpoint, not
     * behind acknowledgements */
    w->track = strcasecmp(dg, "none") != 0 && !w->eos;
    const char *pt = table_def_option_or(t, "sink.partitioner", "default");
    w->part = strcmp(pt, "fixed") == 0         ? KP_FIXED
              : strcmp(pt, "round-robin") == 0 ? KP_ROUND_ROBIN
                                               : KP_DEFAULT;
    if (rc == FSQL_OK)
        rc = setup_codecs(t, ctx, is_upsert, false, &w->key, &w->has_key,
                          &w->val, &w->has_val, err);
    rd_kafka_conf_t *conf = NULL;
    if (rc == FSQL_OK)
        rc = kafka_conf_new(t, "producer", &conf, err);
    if (rc == FSQL_OK) {
        char errstr[512];
        if (!kafka_property(t, "partitioner"))
            rd_kafka_conf_set(conf, "partitioner", "murmur2_random", errstr,
                              sizeof errstr);
        /* Keyless records otherwise stick to one partition for a while
         * without asking the partitioner. */
        if (w->part == KP_ROUND_ROBIN)
            rd_kafka_conf_set(conf, "sticky.partitioning.linger.ms", "0",
                              errstr, sizeof errstr);
        rd_kafka_conf_set_opaque(conf, w);
        rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
        if (w->eos)
            rc = eos_conf(w, ctx, conf, err);
    }
    if (rc == FSQL_OK) {
        char errstr[512];
        w->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
        if (!w->rk) {
            rd_kafka_conf_destroy(conf);
            rc = fsql_err_set(err, FSQL_E_CONFIG,
                              "could not write table \"%s\": could not "
                              "create a Kafka producer: %s",
                              t->name, errstr);
        }
        conf = NULL; /* owned by the producer, or destroyed */
    }
    /* Before the topic handle exists: its metadata request could make a
     * broker with auto.create.topics.enable create the topic. */
    if (rc == FSQL_OK)
        rc = check_topic(w, err);
    if (rc == FSQL_OK) {
        rd_kafka_topic_conf_t *tc = rd_kafka_topic_conf_new();
        rd_kafka_topic_conf_set_opaque(tc, w);
        if (w->part == KP_ROUND_ROBIN)
            rd_kafka_topic_conf_set_partitioner_cb(tc, rr_partitioner);
        w->rkt = rd_kafka_topic_new(w->rk, w->topic, tc);
        if (!w->rkt)
            rc = kafka_err_set(err, rd_kafka_last_error(),
                               "could not write table \"%s\"", t->name);
    }
    if (rc == FSQL_OK && w->eos)
        rc = eos_start(w, err);
    if (rc < 0) {
        if (conf)
            rd_kafka_conf_destroy(conf);
        kw_close(&w->base);
        return rc;
    }
    kafka_producer_register(w->rk);
    w->registered = true;
    *out = &w->base;
    return FSQL_OK;
}

static int kafka_open_source(const TableDef *t, const RunCtx *ctx,
                             SourceReader **out, FsqlErr *err)
{
    return kafka_source_open(t, ctx, false, out, err);
}

static int kafka_open_sink(const TableDef *t, const RunCtx *ctx,
                           SinkWriter **out, FsqlErr *err)
{
    return kafka_sink_open(t, ctx, false, out, err);
}

const ConnectorImpl conn_kafka_impl = {
    .name = "kafka",
    .open_source = kafka_open_source,
    .open_sink = kafka_open_sink,
};
