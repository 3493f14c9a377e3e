/*
 * kafka.h - the librdkafka layer shared by the 'kafka' and 'upsert-kafka'
 * connectors (runtime/conn_kafka.c, runtime/conn_upsert_kafka.c).
 *
 * What lives here:
 *   - client configuration: every 'properties.*' table option is passed to
 *     librdkafka verbatim (minus the prefix); Flink's Java-only
 *     'properties.sasl.jaas.config' (PlainLoginModule / ScramLoginModule)
 *     is translated to sasl.username / sasl.password.  Secret values
 *     (kafka_key_is_secret) never appear in a message or a log line.
 *   - error objects: kafka_err_set() fills an FsqlErr from a librdkafka
 *     error code with its retriable/fatal flags.
 *   - the acknowledgement log (at-least-once): every record a Kafka sink
 *     produces gets a sequence number; its delivery report marks it done.
 *     A source remembers, for each batch it handed out, the sequence
 *     number the producers had reached when the batch's push cycle ended
 *     (kafka_ack_mark) and stores the batch's offsets only once every
 *     record before that mark is acknowledged (kafka_ack_reached).  A
 *     failed delivery never becomes acknowledged, so no offset after it is
 *     ever stored or committed.  Records written to non-Kafka sinks count
 *     as acknowledged when the sink's write() returned.
 *   - the producer registry: sources serve the delivery reports of every
 *     producer of the process while they poll (the loop's "before
 *     sleeping" step of STYLE.md), and report the first delivery failure,
 *     so a failed delivery stops the job even when no more rows are
 *     written.
 *   - the record codec (KafkaCodec): one format (json, csv, raw) over a
 *     subset of a table's columns, used for the record key and the record
 *     value.
 *   - the source and sink entry points that both connectors share.
 *
 * Threading: everything here runs on the job's loop thread; librdkafka
 * serves delivery reports and rebalances only from rd_kafka_poll /
 * consume calls made on that thread, so the process-wide state below
 * needs no lock.  (A future exactly-once sink runs the transactions.c
 * pattern - begin, produce, send_offsets_to_transaction, commit - on the
 * same thread; the producer handle is kept by KafkaProducer for that.)
 */
#ifndef FSQL_RUNTIME_KAFKA_H
#define FSQL_RUNTIME_KAFKA_H

#include "runtime/fsql.h"
#include "runtime/connector.h"
#include "runtime/csv.h"
#include "runtime/err.h"
#include "runtime/json.h"
#include "runtime/program.h"
#include "runtime/str.h"

#include <librdkafka/rdkafka.h>

/* ---- configuration ----------------------------------------------------- */

/* True for option keys whose values are secrets (passwords, JAAS config,
 * private keys); such values are never printed. */
bool kafka_key_is_secret(const char *key);

/* A new librdkafka configuration from the table's 'properties.*' options
 * plus fsql's defaults (log and error callbacks, client.id).  role is
 * "consumer" or "producer" (for messages).  *out is NULL on error. */
int kafka_conf_new(const TableDef *t, const char *role, rd_kafka_conf_t **out,
                   FsqlErr *err);

/* Whether the table sets 'properties.<name>' (name without the prefix). */
const char *kafka_property(const TableDef *t, const char *name);

/* ---- errors ------------------------------------------------------------ */

/* Fill err from a librdkafka error code: FSQL_E_IO with retriable/fatal
 * set the librdkafka way; the message is "<what>: <librdkafka text>". */
int kafka_err_set(FsqlErr *err, rd_kafka_resp_err_t code, const char *what, ...)
    FSQL_PRINTF(3, 4);

/* ---- acknowledgement log ----------------------------------------------- */

/* The sequence number of the next produced record (a batch's mark). */
uint64_t kafka_ack_mark(void);
/* Reserve the sequence number of a record about to be produced. */
uint64_t kafka_ack_reserve(void);
/* A record's delivery succeeded (or it was never sent and must not hold
 * sources back: a produce call that failed synchronously and failed the
 * job). */
void kafka_ack_done(uint64_t seq);
/* Every record numbered below mark has been acknowledged. */
bool kafka_ack_reached(uint64_t mark);

/* ---- client lifetime ----------------------------------------------------- */

/* A Kafka source or sink opens / closes.  When the first one of a job
 * opens (none is open), the acknowledgement log and the delivery failure
 * of an earlier job in the same process (the shell) are forgotten. */
void kafka_client_opened(void);
void kafka_client_closed(void);

/* ---- producer registry -------------------------------------------------- */

/* Serve delivery reports of every registered producer (rd_kafka_poll 0). */
void kafka_producers_poll(void);
/* Register / unregister a producer handle (sinks do this). */
void kafka_producer_register(rd_kafka_t *rk);
void kafka_producer_unregister(rd_kafka_t *rk);
/* Record the first delivery failure of the process (later ones are
 * dropped) and return its code. */
int kafka_delivery_fail(const FsqlErr *e);
/* The first delivery failure (FSQL_OK if none), copied into err. */
int kafka_delivery_error(FsqlErr *err);

/* ---- record codec ------------------------------------------------------- */

typedef enum KafkaFormat { KFMT_JSON, KFMT_CSV, KFMT_RAW } KafkaFormat;

/* One format over columns cols[0..n) of a table schema (a key, or a
 * value).  Column names may have a prefix stripped (key.fields-prefix). */
typedef struct KafkaCodec {
    KafkaFormat fmt;
    const char *fmt_name;
    uint32_t n;      /* columns */
    uint32_t *cols;  /* schema positions */
    RtSchema schema; /* the n columns (names maybe stripped) */
    JsonDecoder *jd;
    CsvDecoder *cd;
    JsonEncoder *je;
    CsvEncoder *ce;
    CsvOptions copt;
    bool ignore_parse_errors;
    bool identity; /* cols are 0..n-1 of an n-column schema: decode
                      straight into the row */
    Value *tmp;    /* n values */
} KafkaCodec;

/* Set up codec c for format fmt_name with options read under the prefixes
 * "<opt_prefix><fmt>." and "<fmt>." (e.g. "value.json.x", then "json.x"),
 * over schema columns cols[0..n).  strip: prefix removed from column names
 * (may be NULL).  decode/encode: which directions to build. */
int kafka_codec_init(KafkaCodec *c, const TableDef *t, const RunCtx *ctx,
                     const char *fmt_name, const char *opt_prefix,
                     const uint32_t *cols, uint32_t n, const char *strip,
                     bool decode, bool encode, FsqlErr *err);
void kafka_codec_fini(KafkaCodec *c);
/* Decode payload into row (full schema width): the codec's columns are
 * written, others untouched.  Returns 0 ok, 1 skip (counted by the
 * caller), -1 error with why filled. */
int kafka_codec_decode(KafkaCodec *c, const char *p, size_t len, Arena *a,
                       Value *row, char *why, size_t why_n);
/* Encode the codec's columns of row (full schema width) into out
 * (cleared first). */
void kafka_codec_encode(KafkaCodec *c, const Value *row, StrBuf *out);
/* After kafka_codec_encode: NULL, or the MAP column that had a NULL key
 * under json.map-null-key.mode = 'FAIL' (see json_encoder_failed). */
const char *kafka_codec_failed(const KafkaCodec *c);

/* Indexes of the ';'-separated column names in list within schema s
 * (names compared after adding prefix); unknown names are an error.
 * *out is xmalloc'd. */
int kafka_fields_parse(const TableDef *t, const char *opt_name,
                       const char *list, const char *prefix, uint32_t **out,
                       uint32_t *n_out, bool skip_missing, FsqlErr *err);

/* ---- the shared connector entry points (conn_kafka.c) ----------------- */

/* What an upsert-kafka source does with each record (conn_upsert_kafka.c):
 * given the record key and value (value NULL: a tombstone), tell the
 * source which rows to emit.  Rows are built by the source with the
 * callbacks' decoded images.  See conn_upsert_kafka.c. */
typedef struct KafkaUpsertState KafkaUpsertState;

typedef enum KafkaUpsertAction {
    KUP_SKIP,   /* nothing to emit (duplicate, unknown delete) */
    KUP_INSERT, /* +I new */
    KUP_UPDATE, /* -U old, +U new */
    KUP_DELETE  /* -D old */
} KafkaUpsertAction;

KafkaUpsertState *kafka_upsert_state_new(void);
void kafka_upsert_state_free(KafkaUpsertState *s);
/* Apply one record; *old / *old_len receive the previous value image
 * (valid until kafka_upsert_state_batch_done) for UPDATE and DELETE. */
KafkaUpsertAction kafka_upsert_state_apply(KafkaUpsertState *s, const char *key,
                                           size_t key_len, const char *val,
                                           size_t val_len, bool is_tombstone,
                                           const char **old, size_t *old_len);
/* Free value images replaced during the batch. */
void kafka_upsert_state_batch_done(KafkaUpsertState *s);
uint64_t kafka_upsert_state_keys(const KafkaUpsertState *s);
/* Checkpoints: write every live key and value image / read them back into
 * an empty state (false: the blob is malformed). */
struct SnapWriter;
struct SnapReader;
void kafka_upsert_state_snapshot(const KafkaUpsertState *s,
                                 struct SnapWriter *w);
bool kafka_upsert_state_restore(KafkaUpsertState *s, struct SnapReader *r);

int kafka_source_open(const TableDef *t, const RunCtx *ctx, bool is_upsert,
                      SourceReader **out, FsqlErr *err);
int kafka_sink_open(const TableDef *t, const RunCtx *ctx, bool is_upsert,
                    SinkWriter **out, FsqlErr *err);

#endif
