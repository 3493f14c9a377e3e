/*
 * connectors.c - the connector and format option tables, option value
 * parsers, and the validation of a CREATE TABLE's WITH clause.
 *
 * Pipeline position: catalog_table_build() (catalog.c) expands ${VAR} in
 * the option values and then calls catalog_validate_options(), so every
 * table in the catalog has a known connector, a supported format and
 * options of the right shape.  The planner reads the values back with
 * catalog_table_option_or_default() and the option_parse_* helpers, so
 * defaults live in one place: the tables below.  docs/connectors/NAME.md is
 * generated from the same tables (connector_doc_markdown).
 *
 * Keys are case-sensitive, as in Flink; connector and format names are
 * not.  Option names follow Flink's connectors where Flink has the option;
 * fsql's own additions are marked "fsql:" in their doc sentence.
 *
 * Secret values (option_key_is_secret) never appear in a message.
 */
#include "runtime/fsql.h"
#include "compiler/catalog.h"
#include "compiler/spell.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- table helpers ------------------------------------------------------ */

#define O_STR(k, def, doc)                                                     \
    {                                                                          \
        k, OPT_STRING, false, false, def, NULL, 0, 0, doc                      \
    }
#define O_STR_REQ(k, doc)                                                      \
    {                                                                          \
        k, OPT_STRING, true, false, NULL, NULL, 0, 0, doc                      \
    }
#define O_INT(k, def, lo, hi, doc)                                             \
    {                                                                          \
        k, OPT_INT, false, false, def, NULL, lo, hi, doc                       \
    }
#define O_DBL(k, def, doc)                                                     \
    {                                                                          \
        k, OPT_DOUBLE, false, false, def, NULL, 0, 0, doc                      \
    }
#define O_BOOL(k, def, doc)                                                    \
    {                                                                          \
        k, OPT_BOOL, false, false, def, NULL, 0, 0, doc                        \
    }
#define O_DUR(k, def, doc)                                                     \
    {                                                                          \
        k, OPT_DURATION, false, false, def, NULL, 0, 0, doc                    \
    }
#define O_MEM(k, def, doc)                                                     \
    {                                                                          \
        k, OPT_MEMORY, false, false, def, NULL, 0, 0, doc                      \
    }
#define O_ENUM(k, def, allowed, doc)                                           \
    {                                                                          \
        k, OPT_ENUM, false, false, def, allowed, 0, 0, doc                     \
    }
#define O_CHAR(k, def, doc)                                                    \
    {                                                                          \
        k, OPT_CHAR, false, false, def, NULL, 0, 0, doc                        \
    }
#define O_PREFIX(k, doc)                                                       \
    {                                                                          \
        k, OPT_STRING, false, true, NULL, NULL, 0, 0, doc                      \
    }
#define O_FIELD(k, kind, def, doc)                                             \
    {                                                                          \
        k, kind, false, false, def, NULL, 0, 0, doc                            \
    }

#define I64_MAX INT64_MAX

/* Watermark emission options every scan source accepts. */
#define WATERMARK_OPTS                                                         \
    O_ENUM("scan.watermark.emit.strategy", NULL, "on-event|on-periodic",       \
           "When watermarks are generated: after every row (on-event, the "    \
           "default, so results do not depend on timing) or every "            \
           "pipeline.auto-watermark-interval of processing time "              \
           "(on-periodic; rows carry the watermark last emitted)."),           \
        O_DUR(                                                                 \
            "scan.watermark.idle-timeout", NULL,                               \
            "A partition or split without rows for this long stops holding "   \
            "the watermark back (overrides table.exec.source.idle-timeout)."),     \
        O_STR("scan.watermark.alignment.group", NULL,                          \
              "Watermark alignment: sources naming the same group are read "   \
              "so that none runs more than max-drift ahead of the group's "    \
              "lowest watermark (needs scan.watermark.alignment.max-drift)."), \
        O_DUR("scan.watermark.alignment.max-drift", NULL,                      \
              "Watermark alignment: how far a source's watermark may run "     \
              "ahead of its group's lowest before the source is held back."),  \
        O_DUR("scan.watermark.alignment.update-interval", "1 s",               \
              "Watermark alignment: how often (processing time) the group's "  \
              "lowest watermark is recomputed; 0 s: on every pass of the "     \
              "job loop.")

/* ---- kafka ------------------------------------------------------------ */

static const OptionDef kafka_opts[] = {
    O_STR("topic", NULL,
          "Topic to read from or write to; several source topics are "
          "separated by ';'. Required unless topic-pattern is given."),
    O_STR("topic-pattern", NULL,
          "Regular expression of the topics a source reads (instead of "
          "topic)."),
    O_STR_REQ("properties.bootstrap.servers",
              "Comma-separated host:port list of Kafka brokers."),
    O_STR("properties.group.id", NULL,
          "Consumer group id; fsql instances with the same group id share "
          "the partitions. Defaults to the job name."),
    O_PREFIX("properties.",
             "Any other librdkafka/Kafka client property, passed through "
             "(for example properties.security.protocol)."),
    O_STR("format", NULL,
          "Format of the record value (json, csv, raw). Required unless "
          "value.format is given."),
    O_STR("key.format", NULL,
          "Format of the record key, if the key is read "
          "or written."),
    O_STR("value.format", NULL,
          "Format of the record value (same as "
          "format)."),
    O_STR("key.fields", NULL,
          "Columns stored in the record key, separated by ';'."),
    O_STR("key.fields-prefix", NULL,
          "Prefix of the key columns' names that is stripped in the key "
          "format."),
    O_ENUM("value.fields-include", "ALL", "ALL|EXCEPT_KEY",
           "Whether the key columns are also part of the value."),
    O_ENUM("scan.startup.mode", "group-offsets",
           "earliest-offset|latest-offset|group-offsets|timestamp|"
           "specific-offsets",
           "Where a source starts when it has no checkpoint: committed group "
           "offsets (falling back to earliest), earliest, latest, a "
           "timestamp, or given offsets."),
    O_STR("scan.startup.specific-offsets", NULL,
          "Offsets for scan.startup.mode = specific-offsets, as "
          "'partition:0,offset:42;partition:1,offset:300'."),
    O_INT("scan.startup.timestamp-millis", NULL, 0, I64_MAX,
          "Epoch milliseconds for scan.startup.mode = timestamp."),
    O_ENUM("scan.bounded.mode", "unbounded",
           "unbounded|latest-offset|group-offsets|timestamp|specific-offsets",
           "Where a source stops: never (unbounded), at the offsets that "
           "were latest when the job started, or at a timestamp/offsets; a "
           "bounded source ends the job like a file does (backtests)."),
    O_STR("scan.bounded.specific-offsets", NULL,
          "Stop offsets for scan.bounded.mode = specific-offsets."),
    O_INT("scan.bounded.timestamp-millis", NULL, 0, I64_MAX,
          "Stop timestamp for scan.bounded.mode = timestamp."),
    O_DUR("scan.topic-partition-discovery.interval", "5 min",
          "How often new partitions of the topics are looked for."),
    WATERMARK_OPTS,
    O_ENUM("sink.partitioner", "default", "default|fixed|round-robin",
           "How sink rows map to partitions: by key hash (default), each "
           "instance to one partition (fixed), or round-robin."),
    O_ENUM("sink.delivery-guarantee", "at-least-once",
           "at-least-once|exactly-once|none",
           "exactly-once writes in Kafka transactions committed with each "
           "checkpoint."),
    O_ENUM("sink.semantic", NULL, "at-least-once|exactly-once|none",
           "Old name of sink.delivery-guarantee."),
    O_STR("sink.transactional-id-prefix", NULL,
          "Prefix of the transactional ids used with exactly-once."),
    O_INT("sink.parallelism", NULL, 1, 65536,
          "Accepted for Flink compatibility; fsql sizes sinks itself."),
};

static const ConnectorDef kafka_def = {
    "kafka",
    kafka_opts,
    FSQL_ARRAY_LEN(kafka_opts),
    true,
    true,
    true,
    true,
    false,
    "Reads and writes an append-only stream of records in Kafka topics. "
    "Each fsql process with the same group id owns some partitions; event "
    "time watermarks are tracked per partition.",
};

/* ---- upsert-kafka ------------------------------------------------------- */

static const OptionDef upsert_kafka_opts[] = {
    O_STR_REQ("topic", "Topic to read from or write to."),
    O_STR_REQ("properties.bootstrap.servers",
              "Comma-separated host:port list of Kafka brokers."),
    O_STR("properties.group.id", NULL, "Consumer group id."),
    O_PREFIX("properties.", "Any other Kafka client property, passed "
                            "through."),
    O_STR_REQ("key.format", "Format of the record key (the primary key "
                            "columns)."),
    O_STR_REQ("value.format", "Format of the record value."),
    O_STR("key.fields-prefix", NULL,
          "Prefix of the key columns' names that is stripped in the key "
          "format."),
    O_ENUM("value.fields-include", "ALL", "ALL|EXCEPT_KEY",
           "Whether the key columns are also part of the value."),
    O_ENUM("scan.bounded.mode", "unbounded",
           "unbounded|latest-offset|group-offsets|timestamp|specific-offsets",
           "Where the source stops (as for the kafka connector); the "
           "changelog is always read from the earliest offset."),
    O_STR("scan.bounded.specific-offsets", NULL,
          "Stop offsets for scan.bounded.mode = specific-offsets."),
    O_INT("scan.bounded.timestamp-millis", NULL, 0, I64_MAX,
          "Stop timestamp for scan.bounded.mode = timestamp."),
    WATERMARK_OPTS,
    O_INT("sink.buffer-flush.max-rows", "0", 0, I64_MAX,
          "Rows buffered (and compacted by key) before a flush; 0 "
          "disables buffering."),
    O_DUR("sink.buffer-flush.interval", "0 s",
          "Longest time a buffered row waits; 0 disables buffering."),
    O_ENUM("sink.delivery-guarantee", "at-least-once",
           "at-least-once|exactly-once|none",
           "exactly-once writes in Kafka transactions committed with each "
           "checkpoint."),
    O_STR("sink.transactional-id-prefix", NULL,
          "Prefix of the transactional ids used with exactly-once."),
    O_INT("sink.parallelism", NULL, 1, 65536,
          "Accepted for Flink compatibility; fsql sizes sinks itself."),
};

static const ConnectorDef upsert_kafka_def = {
    "upsert-kafka",
    upsert_kafka_opts,
    FSQL_ARRAY_LEN(upsert_kafka_opts),
    false,
    true,
    true,
    true,
    false,
    "Reads a changelog keyed by the table's PRIMARY KEY from a compacted "
    "topic (a record with a null value deletes the key) and writes "
    "updates as upserts. With a watermark it serves as a versioned table "
    "for event-time temporal joins.",
};

/* ---- jdbc ------------------------------------------------------------- */

static const OptionDef jdbc_opts[] = {
    O_STR_REQ("url",
              "jdbc:mysql://host:port/db (also jdbc:mariadb://) or "
              "jdbc:sqlite:PATH; a relative SQLite path is relative to the "
              "script that declares the table."),
    O_STR_REQ("table-name", "Name of the table in the database."),
    O_STR("driver", NULL,
          "Accepted for Flink compatibility; the driver follows from the "
          "URL."),
    O_STR("username", NULL, "Database user (MySQL)."),
    O_STR("password", NULL,
          "Database password (MySQL); shown as ****** everywhere. Use "
          "${VAR} to keep it out of the script."),
    O_DUR("connection.max-retry-timeout", "60 s",
          "Longest time spent retrying to (re)connect before the job "
          "fails."),
    /* MySQL connection options (runtime/lookup_mysql.c, issue 6). */
    O_DUR("connection.connect-timeout", "10 s",
          "MySQL: longest wait for a connection to be established (whole "
          "seconds)."),
    O_DUR("connection.read-timeout", "30 s",
          "MySQL: longest wait for an answer to a query (whole seconds); "
          "a slower answer counts as a failed query and is retried."),
    O_ENUM("connection.tls.mode", "PREFERRED",
           "DISABLED|PREFERRED|REQUIRED|VERIFY_CA|VERIFY_IDENTITY",
           "MySQL: TLS for the connection. PREFERRED uses TLS when the "
           "server offers it; REQUIRED fails without it; VERIFY_CA and "
           "VERIFY_IDENTITY also check the server certificate (against "
           "connection.tls.ca) and its host name."),
    O_STR("connection.tls.ca", NULL,
          "MySQL: file of the CA certificate(s) that sign the server "
          "certificate."),
    O_STR("connection.tls.cert", NULL,
          "MySQL: client certificate file (for X509 accounts)."),
    O_STR("connection.tls.key", NULL,
          "MySQL: private key file of the client certificate."),
    O_STR("scan.partition.column", NULL,
          "Accepted for Flink compatibility; scans are not split."),
    O_INT("scan.partition.num", NULL, 1, I64_MAX,
          "Accepted for Flink compatibility; scans are not split."),
    O_INT("scan.partition.lower-bound", NULL, INT64_MIN, I64_MAX,
          "Accepted for Flink compatibility; scans are not split."),
    O_INT("scan.partition.upper-bound", NULL, INT64_MIN, I64_MAX,
          "Accepted for Flink compatibility; scans are not split."),
    O_INT("scan.fetch-size", "0", 0, I64_MAX,
          "Accepted for Flink compatibility; a scan streams rows from the "
          "server as they are read."),
    O_BOOL("scan.auto-commit", "true", "Accepted for Flink compatibility."),
    O_ENUM("lookup.cache", "NONE", "NONE|PARTIAL",
           "PARTIAL caches looked-up rows (and, by default, misses) in "
           "memory; NONE queries the database for every row."),
    O_INT("lookup.partial-cache.max-rows", NULL, 1, I64_MAX,
          "Most keys kept in the lookup cache; the least recently used "
          "are evicted."),
    O_DUR("lookup.partial-cache.expire-after-write", NULL,
          "A cached key is reloaded this long after it was loaded."),
    O_DUR("lookup.partial-cache.expire-after-access", NULL,
          "A cached key is dropped when it was not used for this long."),
    O_BOOL("lookup.partial-cache.cache-missing-key", "true",
           "Whether keys without a row are cached too."),
    O_INT("lookup.cache.max-rows", NULL, 1, I64_MAX,
          "Old form of lookup.partial-cache.max-rows; giving it turns the "
          "PARTIAL cache on."),
    O_DUR("lookup.cache.ttl", NULL,
          "Old form of lookup.partial-cache.expire-after-write."),
    O_BOOL("lookup.cache.caching-missing-key", "true",
           "Old form of lookup.partial-cache.cache-missing-key."),
    O_INT("lookup.max-retries", "3", 0, 1000,
          "Retries of a failed lookup query (with backoff) before the job "
          "fails."),
    /* MySQL lookups (runtime/lookup_mysql.c, issue 6). */
    O_ENUM("lookup.failure-mode", "FAIL", "FAIL|NULL",
           "MySQL: what happens when a lookup still fails after its "
           "retries: FAIL stops the job with the error; NULL lets the row "
           "pass with NULL dimension columns (a LEFT JOIN row; an INNER "
           "JOIN drops it), not cached, counted in the job summary."),
    O_INT("lookup.batch-size", "64", 1, 1024,
          "MySQL: most cache misses fetched by one query "
          "(WHERE key IN (...)); 1 queries one key at a time."),
    O_BOOL("lookup.async", "false",
           "MySQL: run the batch queries of a probe chunk concurrently on "
           "a pool of lookup.async.connections connections."),
    O_INT("lookup.async.connections", "4", 1, 64,
          "MySQL: connections of the lookup pool when lookup.async is "
          "true."),
    O_INT("sink.buffer-flush.max-rows", "100", 0, I64_MAX,
          "Rows buffered before a batch write; 0 disables the limit."),
    O_DUR("sink.buffer-flush.interval", "1 s",
          "Longest time a buffered row waits before it is written."),
    O_INT("sink.max-retries", "3", 0, 1000,
          "Retries of a failed batch write before the job fails."),
    O_INT("sink.parallelism", NULL, 1, 65536,
          "Accepted for Flink compatibility; fsql sizes sinks itself."),
    /* Exactly-once (runtime/sink_eo.h, issue 10). */
    O_ENUM("sink.delivery-guarantee", "at-least-once",
           "at-least-once|exactly-once|none",
           "exactly-once buffers the rows of each checkpoint and writes "
           "them with a progress row in one transaction when the "
           "checkpoint completes (needs checkpoints); at-least-once "
           "writes at every checkpoint; none is at-least-once for this "
           "sink."),
    O_STR("sink.progress-table", "fsql_sink_progress",
          "fsql: the table of exactly-once progress rows (job_name, "
          "sink_table, checkpoint_id, committed_at); created when "
          "missing."),
};

static const ConnectorDef jdbc_def = {
    "jdbc",
    jdbc_opts,
    FSQL_ARRAY_LEN(jdbc_opts),
    false,
    false,
    true,
    true,
    true,
    "A table in MySQL/MariaDB or SQLite: the right side of lookup joins "
    "(FOR SYSTEM_TIME AS OF), a bounded scan source, and a sink that "
    "inserts, or upserts when the table has a PRIMARY KEY.",
};

/* ---- filesystem --------------------------------------------------------- */

static const OptionDef filesystem_opts[] = {
    O_STR_REQ("path",
              "A file or a directory (all its files, in name order); "
              "relative paths are relative to the declaring script. Local "
              "paths and file:// URLs only."),
    O_STR_REQ("format", "Format of the file contents (json, csv, raw)."),
    O_DUR("source.monitor-interval", NULL,
          "If set, the directory is watched for new files at this interval "
          "and the source never ends; unset, the source is bounded."),
    O_STR("source.path.regex-pattern", NULL,
          "Only files whose path matches this regular expression are "
          "read."),
    WATERMARK_OPTS,
    O_STR("partition.default-name", "__DEFAULT_PARTITION__",
          "Accepted for Flink compatibility."),
    O_MEM("sink.rolling-policy.file-size", "128 mb",
          "A sink file is closed and a new one started at this size."),
    O_DUR("sink.rolling-policy.rollover-interval", "30 min",
          "A sink file is closed and a new one started after this time."),
    O_DUR("sink.rolling-policy.check-interval", "1 min",
          "How often the rollover interval is checked."),
    O_INT("sink.parallelism", NULL, 1, 65536,
          "Accepted for Flink compatibility; fsql sizes sinks itself."),
    /* Exactly-once (runtime/conn_filesystem.c, issue 10). */
    O_ENUM("sink.delivery-guarantee", "at-least-once",
           "at-least-once|exactly-once|none",
           "exactly-once writes hidden in-progress files in the 'path' "
           "directory and renames them to their final names when the "
           "checkpoint completes (needs checkpoints)."),
};

static const ConnectorDef filesystem_def = {
    "filesystem",
    filesystem_opts,
    FSQL_ARRAY_LEN(filesystem_opts),
    true,
    true,
    true,
    true,
    true,
    "Reads local files or directories as a bounded source (files are read "
    "once, then the job's watermark advances to the end); writes rows to "
    "local files. A bounded filesystem table can also be the right side of "
    "a lookup join: it is loaded once and indexed by the join key.",
};

/* ---- datagen ---------------------------------------------------------- */

static const OptionDef datagen_opts[] = {
    O_INT("rows-per-second", "10000", 0, I64_MAX,
          "Rate limit; 0 generates as fast as possible."),
    O_INT("number-of-rows", NULL, 0, I64_MAX,
          "Total rows; the source is bounded when this is set, unbounded "
          "otherwise."),
    O_ENUM("fields.#.kind", "random", "random|sequence",
           "Per column: random values, or a sequence from start to end."),
    O_FIELD("fields.#.min", OPT_STRING, NULL,
            "Per column: smallest random value (numbers)."),
    O_FIELD("fields.#.max", OPT_STRING, NULL,
            "Per column: largest random value (numbers)."),
    O_FIELD("fields.#.max-past", OPT_DURATION, "0 s",
            "Per column: random timestamps lie up to this far in the past."),
    O_FIELD("fields.#.length", OPT_INT, "100",
            "Per column: length of random strings (and arrays)."),
    O_FIELD("fields.#.start", OPT_STRING, NULL,
            "Per column: first value of a sequence."),
    O_FIELD("fields.#.end", OPT_STRING, NULL,
            "Per column: last value of a sequence; the source ends with "
            "it."),
    O_FIELD("fields.#.null-rate", OPT_DOUBLE, "0",
            "Per column: fraction of NULL values, 0 to 1."),
    O_ENUM("generator", "fields", "fields|transactions",
           "fsql: 'fields' generates each column independently (Flink's "
           "behaviour); 'transactions' generates a payment stream for the "
           "columns it recognises by name (transaction_id, user_id, "
           "merchant_id, amount, transaction_type, transaction_time or any "
           "TIMESTAMP column, ip_address, device_id, location) and falls "
           "back to the fields.* rules for the others."),
    O_INT("generator.users", "10000", 1, I64_MAX,
          "fsql: distinct user ids (1..N) in the transaction stream."),
    O_INT("generator.merchants", "1000", 1, I64_MAX,
          "fsql: distinct merchant ids (1..N) in the transaction stream."),
    O_INT("generator.seed", "42", 0, I64_MAX,
          "fsql: random seed; the same seed gives the same rows."),
    O_STR("generator.start-time", "2024-01-01 00:00:00",
          "fsql: event time of the first transaction."),
    O_DUR("generator.time-step", "10 ms",
          "fsql: average event-time distance between transactions."),
    O_DUR("generator.out-of-orderness", "0 s",
          "fsql: event times jitter backwards by up to this much, so rows "
          "arrive out of order."),
    O_DBL("generator.fraud-rate", "0.01",
          "fsql: fraction of users that behave like fraudsters (bursts, "
          "large amounts, many IPs), 0 to 1."),
    WATERMARK_OPTS,
};

static const ConnectorDef datagen_def = {
    "datagen",
    datagen_opts,
    FSQL_ARRAY_LEN(datagen_opts),
    false,
    false,
    true,
    false,
    false,
    "Generates rows: random or sequential values per column (Flink's "
    "datagen), or fsql's repeatable transaction stream for the risk "
    "examples (generator = 'transactions').",
};

/* ---- print, blackhole ---------------------------------------------------- */

static const OptionDef print_opts[] = {
    O_STR("print-identifier", NULL,
          "Prefix printed before every row ('prefix> +I[...]')."),
    O_BOOL("standard-error", "false",
           "Print to standard error instead of "
           "standard output."),
    O_INT("sink.parallelism", NULL, 1, 65536,
          "Accepted for Flink compatibility."),
};

static const ConnectorDef print_def = {
    "print",
    print_opts,
    FSQL_ARRAY_LEN(print_opts),
    false,
    false,
    false,
    true,
    false,
    "Prints every change as Flink does: '+I[1, abc]', '-U[...]', "
    "'+U[...]', '-D[...]'.",
};

static const OptionDef blackhole_opts[] = {
    O_INT("sink.parallelism", NULL, 1, 65536,
          "Accepted for Flink compatibility."),
};

static const ConnectorDef blackhole_def = {
    "blackhole", blackhole_opts, FSQL_ARRAY_LEN(blackhole_opts),
    false,       false,          false,
    true,        false,          "Discards every row (benchmarks, dry runs).",
};

const ConnectorDef *const connector_defs[] = {
    &blackhole_def, &datagen_def, &filesystem_def,   &jdbc_def,
    &kafka_def,     &print_def,   &upsert_kafka_def,
};
const size_t connector_defs_n = FSQL_ARRAY_LEN(connector_defs);

/* ---- formats ------------------------------------------------------------ */

static const OptionDef json_opts[] = {
    O_BOOL("fail-on-missing-field", "false",
           "Fail (instead of reading NULL) when a field of the schema is "
           "missing."),
    O_BOOL("ignore-parse-errors", "false",
           "Skip (and count) records that are not valid JSON or do not "
           "match the schema, instead of failing the job."),
    O_ENUM("timestamp-format.standard", "SQL", "SQL|ISO-8601",
           "How TIMESTAMP values are written: 'yyyy-MM-dd HH:mm:ss.SSS' "
           "(SQL) or ISO-8601. Both forms and epoch milliseconds are "
           "accepted when reading."),
    O_ENUM("map-null-key.mode", "FAIL", "FAIL|DROP|LITERAL",
           "What happens to NULL map keys when writing."),
    O_STR("map-null-key.literal", "null",
          "The key written for NULL map keys in LITERAL mode."),
    O_BOOL("encode.decimal-as-plain-number", "false",
           "Write DECIMAL values without exponent notation."),
    O_BOOL("encode.ignore-null-fields", "false",
           "Leave NULL fields out of written objects."),
    O_BOOL("decode.json-parser.enabled", "true",
           "Accepted for Flink compatibility."),
};

static const FormatDef json_def = {
    "json",
    json_opts,
    FSQL_ARRAY_LEN(json_opts),
    "One JSON object per record (per line in files), fields matched to "
    "columns by name; DECIMAL and BIGINT are decoded exactly.",
};

static const OptionDef csv_opts[] = {
    O_CHAR("field-delimiter", ",",
           "Field separator, one character ('\\t' "
           "for a tab)."),
    O_CHAR("quote-character", "\"", "Quote character."),
    O_BOOL("disable-quote-character", "false",
           "Read and write without "
           "quoting."),
    O_BOOL("allow-comments", "false", "Skip lines starting with '#'."),
    O_BOOL("ignore-parse-errors", "false",
           "Skip (and count) malformed lines instead of failing the job."),
    O_STR("array-element-delimiter", ";", "Separator of array elements."),
    O_CHAR("escape-character", NULL, "Escape character (none by default)."),
    O_STR("null-literal", NULL, "Text read and written as NULL."),
    O_BOOL("write-bigdecimal-in-scientific-notation", "true",
           "Accepted for Flink compatibility."),
};

static const FormatDef csv_def = {
    "csv",
    csv_opts,
    FSQL_ARRAY_LEN(csv_opts),
    "RFC 4180 lines; fields in column order (no header line).",
};

static const OptionDef raw_opts[] = {
    O_STR("charset", "UTF-8", "Character set of the text (UTF-8 only)."),
    O_ENUM("endianness", "big-endian", "big-endian|little-endian",
           "Byte order of numeric values."),
};

static const FormatDef raw_def = {
    "raw",
    raw_opts,
    FSQL_ARRAY_LEN(raw_opts),
    "The whole record (or line) as the value of the table's single "
    "column.",
};

const FormatDef *const format_defs[] = {&csv_def, &json_def, &raw_def};
const size_t format_defs_n = FSQL_ARRAY_LEN(format_defs);

static const char *const unsupported_connectors[] = {
    "elasticsearch", "elasticsearch-6", "elasticsearch-7",
    "opensearch",    "hbase",           "hbase-1.4",
    "hbase-2.2",     "mongodb",         "hive",
    "pulsar",        "kinesis",         "firehose",
    "dynamodb",      "rabbitmq",        "redis",
    "doris",         "starrocks",       "iceberg",
    "hudi",          "paimon",          "clickhouse",
    "mysql-cdc",     "postgres-cdc",    "oracle-cdc",
    "mongodb-cdc",   "sqlserver-cdc",   "tidb-cdc",
    "cassandra",     "influxdb",        "nebula",
    "datahub",       "socket",          "values",
};

static const char *const unsupported_formats[] = {
    "avro",       "avro-confluent", "parquet",
    "orc",        "debezium-json",  "debezium-avro-confluent",
    "canal-json", "maxwell-json",   "ogg-json",
    "protobuf",   "changelog-json", "debezium-protobuf",
};

const ConnectorDef *connector_find(Str name)
{
    for (size_t i = 0; i < connector_defs_n; i++)
        if (str_ieq_cstr(name, connector_defs[i]->name))
            return connector_defs[i];
    return NULL;
}

const FormatDef *format_find(Str name)
{
    for (size_t i = 0; i < format_defs_n; i++)
        if (str_ieq_cstr(name, format_defs[i]->name))
            return format_defs[i];
    return NULL;
}

bool connector_is_known_unsupported(Str name)
{
    for (size_t i = 0; i < FSQL_ARRAY_LEN(unsupported_connectors); i++)
        if (str_ieq_cstr(name, unsupported_connectors[i]))
            return true;
    return false;
}

bool format_is_known_unsupported(Str name)
{
    for (size_t i = 0; i < FSQL_ARRAY_LEN(unsupported_formats); i++)
        if (str_ieq_cstr(name, unsupported_formats[i]))
            return true;
    return false;
}

/* ---- value parsers ------------------------------------------------------ */

static Str trim(Str s)
{
    while (s.len && isspace((unsigned char)s.ptr[0])) {
        s.ptr++;
        s.len--;
    }
    while (s.len && isspace((unsigned char)s.ptr[s.len - 1]))
        s.len--;
    return s;
}

bool option_parse_bool(Str s, bool *out)
{
    s = trim(s);
    if (str_ieq_cstr(s, "true")) {
        *out = true;
        return true;
    }
    if (str_ieq_cstr(s, "false")) {
        *out = false;
        return true;
    }
    return false;
}

/* Parse a leading unsigned decimal integer; returns digits consumed. */
static size_t parse_digits(Str s, int64_t *v)
{
    size_t i = 0;
    int64_t x = 0;
    while (i < s.len && s.ptr[i] >= '0' && s.ptr[i] <= '9') {
        int d = s.ptr[i] - '0';
        if (x > (INT64_MAX - d) / 10)
            return 0; /* overflow */
        x = x * 10 + d;
        i++;
    }
    *v = x;
    return i;
}

bool option_parse_int(Str s, int64_t *out)
{
    s = trim(s);
    bool neg = false;
    if (s.len && (s.ptr[0] == '-' || s.ptr[0] == '+')) {
        neg = s.ptr[0] == '-';
        s.ptr++;
        s.len--;
    }
    int64_t v;
    size_t n = parse_digits(s, &v);
    if (n == 0 || n != s.len)
        return false;
    *out = neg ? -v : v;
    return true;
}

bool option_parse_double(Str s, double *out)
{
    s = trim(s);
    if (s.len == 0 || s.len > 63)
        return false;
    char buf[64];
    memcpy(buf, s.ptr, s.len);
    buf[s.len] = 0;
    char *end;
    errno = 0;
    double d = strtod(buf, &end);
    if (end != buf + s.len || errno)
        return false;
    *out = d;
    return true;
}

typedef struct UnitDef {
    const char *name;
    int64_t mult; /* in the base unit (ns for durations, bytes for memory) */
} UnitDef;

static const UnitDef duration_units[] = {
    {"ns", 1},
    {"nano", 1},
    {"nanos", 1},
    {"nanosecond", 1},
    {"nanoseconds", 1},
    {"us", 1000},
    {"micro", 1000},
    {"micros", 1000},
    {"microsecond", 1000},
    {"microseconds", 1000},
    {"ms", 1000000},
    {"milli", 1000000},
    {"millis", 1000000},
    {"millisecond", 1000000},
    {"milliseconds", 1000000},
    {"s", 1000000000LL},
    {"sec", 1000000000LL},
    {"secs", 1000000000LL},
    {"second", 1000000000LL},
    {"seconds", 1000000000LL},
    {"m", 60000000000LL},
    {"min", 60000000000LL},
    {"mins", 60000000000LL},
    {"minute", 60000000000LL},
    {"minutes", 60000000000LL},
    {"h", 3600000000000LL},
    {"hour", 3600000000000LL},
    {"hours", 3600000000000LL},
    {"d", 86400000000000LL},
    {"day", 86400000000000LL},
    {"days", 86400000000000LL},
};

static const UnitDef memory_units[] = {
    {"b", 1},
    {"bytes", 1},
    {"k", 1LL << 10},
    {"kb", 1LL << 10},
    {"kibibytes", 1LL << 10},
    {"m", 1LL << 20},
    {"mb", 1LL << 20},
    {"mebibytes", 1LL << 20},
    {"g", 1LL << 30},
    {"gb", 1LL << 30},
    {"gibibytes", 1LL << 30},
    {"t", 1LL << 40},
    {"tb", 1LL << 40},
    {"tebibytes", 1LL << 40},
};

/* number [spaces] [unit]; the unit table gives the multiplier into the
 * base unit, bare numbers use bare_mult. */
static bool parse_with_unit(Str s, const UnitDef *units, size_t n_units,
                            int64_t bare_mult, int64_t *out)
{
    s = trim(s);
    int64_t v;
    size_t n = parse_digits(s, &v);
    if (n == 0)
        return false;
    Str u = trim((Str){s.ptr + n, s.len - n});
    int64_t mult = bare_mult;
    if (u.len) {
        size_t i;
        for (i = 0; i < n_units; i++)
            if (str_ieq_cstr(u, units[i].name))
                break;
        if (i == n_units)
            return false;
        mult = units[i].mult;
    }
    if (v != 0 && mult > INT64_MAX / v)
        return false;
    *out = v * mult;
    return true;
}

/* ISO-8601 durations: PnDTnHnMnS (seconds may have a fraction). */
static bool parse_iso_duration(Str s, int64_t *ms)
{
    size_t i = 0;
    if (s.len < 3 || (s.ptr[0] != 'P' && s.ptr[0] != 'p'))
        return false;
    i = 1;
    bool in_time = false, any = false;
    double total = 0;
    while (i < s.len) {
        char c = (char)toupper((unsigned char)s.ptr[i]);
        if (c == 'T') {
            if (in_time)
                return false;
            in_time = true;
            i++;
            continue;
        }
        size_t start = i;
        while (i < s.len &&
               (isdigit((unsigned char)s.ptr[i]) || s.ptr[i] == '.'))
            i++;
        if (i == start || i >= s.len)
            return false;
        double v;
        if (!option_parse_double((Str){s.ptr + start, i - start}, &v))
            return false;
        c = (char)toupper((unsigned char)s.ptr[i++]);
        if (c == 'D' && !in_time)
            total += v * 86400000.0;
        else if (c == 'H' && in_time)
            total += v * 3600000.0;
        else if (c == 'M' && in_time)
            total += v * 60000.0;
        else if (c == 'S' && in_time)
            total += v * 1000.0;
        else
            return false;
        any = true;
    }
    if (!any || total > 9.0e15)
        return false;
    *ms = (int64_t)total;
    return true;
}

bool option_parse_duration_ms(Str s, int64_t *ms)
{
    s = trim(s);
    if (parse_iso_duration(s, ms))
        return true;
    int64_t ns;
    if (!parse_with_unit(s, duration_units, FSQL_ARRAY_LEN(duration_units),
                         1000000, &ns))
        return false;
    *ms = ns / 1000000;
    return true;
}

bool option_parse_memory(Str s, int64_t *bytes)
{
    return parse_with_unit(s, memory_units, FSQL_ARRAY_LEN(memory_units), 1,
                           bytes);
}

bool option_key_is_secret(Str key)
{
    return str_is_secret_key(key);
}

/* ---- matching keys against the tables ------------------------------------ */

static bool has_prefix(Str s, const char *p)
{
    size_t n = strlen(p);
    return s.len >= n && memcmp(s.ptr, p, n) == 0;
}

/* Match key against def.  For "fields.#.kind" patterns, *field receives the
 * column name part. */
static bool key_matches(const OptionDef *d, Str key, Str *field)
{
    if (d->is_prefix)
        return has_prefix(key, d->key) && key.len > strlen(d->key);
    const char *hash = strchr(d->key, '#');
    if (!hash)
        return str_eq_cstr(key, d->key);
    size_t pre = (size_t)(hash - d->key);
    const char *suffix = hash + 1; /* ".kind" */
    size_t suf = strlen(suffix);
    if (key.len <= pre + suf || memcmp(key.ptr, d->key, pre) != 0 ||
        memcmp(key.ptr + key.len - suf, suffix, suf) != 0)
        return false;
    Str f = {key.ptr + pre, key.len - pre - suf};
    if (memchr(f.ptr, '.', f.len))
        return false;
    if (field)
        *field = f;
    return true;
}

static const OptionDef *find_def(const OptionDef *defs, size_t n, Str key,
                                 Str *field)
{
    /* Exact keys win over prefixes ("properties.group.id" over
     * "properties."). */
    for (size_t i = 0; i < n; i++)
        if (!defs[i].is_prefix && key_matches(&defs[i], key, field))
            return &defs[i];
    for (size_t i = 0; i < n; i++)
        if (defs[i].is_prefix && key_matches(&defs[i], key, field))
            return &defs[i];
    return NULL;
}

static const CatOption *table_opt(const CatTable *t, const char *key)
{
    for (uint32_t i = 0; i < t->n_opts; i++)
        if (str_eq_cstr(t->opts[i].key, key))
            return &t->opts[i];
    return NULL;
}

/* ---- validation ------------------------------------------------------------ */

typedef struct Validator {
    CompileCtx *cc;
    CatTable *t;
    SrcSpan name_at; /* the table name, for missing-option errors */
    bool ok;
} Validator;

static const char *cstr(Arena *a, Str s)
{
    return arena_strndup(a, s.ptr ? s.ptr : "", s.len);
}

/* "a, b, c and d" style list of names (for detail sentences). */
static const char *join_names(Arena *a, const char *const *names, size_t n,
                              const char *last_sep)
{
    StrBuf sb;
    strbuf_init(&sb);
    for (size_t i = 0; i < n; i++) {
        if (i)
            strbuf_puts(&sb, i + 1 == n ? last_sep : ", ");
        strbuf_puts(&sb, names[i]);
    }
    const char *r = arena_strdup(a, strbuf_cstr(&sb));
    strbuf_fini(&sb);
    return r;
}

static const char *connector_list(Arena *a)
{
    const char *names[16];
    for (size_t i = 0; i < connector_defs_n; i++)
        names[i] = connector_defs[i]->name;
    return join_names(a, names, connector_defs_n, ", ");
}

static const char *format_list(Arena *a)
{
    const char *names[16];
    for (size_t i = 0; i < format_defs_n; i++)
        names[i] = format_defs[i]->name;
    return join_names(a, names, format_defs_n, " and ");
}

/* The allowed values of an enum as "a, b, c". */
static const char *enum_list(Arena *a, const char *allowed)
{
    char *s = arena_strdup(a, allowed);
    StrBuf sb;
    strbuf_init(&sb);
    for (char *p = s; *p; p++) {
        if (*p == '|')
            strbuf_puts(&sb, ", ");
        else
            strbuf_putc(&sb, *p);
    }
    const char *r = arena_strdup(a, strbuf_cstr(&sb));
    strbuf_fini(&sb);
    return r;
}

static bool enum_allows(const char *allowed, Str v, const char **canon)
{
    const char *p = allowed;
    while (*p) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        if (str_ieq(v, (Str){p, n})) {
            if (canon)
                *canon = p;
            return true;
        }
        p += n;
        if (*p == '|')
            p++;
    }
    return false;
}

static const char *enum_suggest(Arena *a, const char *allowed, Str v)
{
    const char *cands[32];
    size_t n = 0;
    char *s = arena_strdup(a, allowed);
    for (char *tok = s; tok && n < 32;) {
        char *bar = strchr(tok, '|');
        if (bar)
            *bar = 0;
        cands[n++] = tok;
        tok = bar ? bar + 1 : NULL;
    }
    return spell_suggest_n(v.ptr, v.len, cands, n);
}

static const char *kind_expectation(const OptionDef *d)
{
    switch (d->kind) {
    case OPT_INT:
        return "an integer";
    case OPT_BOOL:
        return "'true' or 'false'";
    case OPT_DOUBLE:
        return "a number";
    case OPT_DURATION:
        return "a duration such as '500 ms', '10 s', '30min', '1 h' or "
               "'1 d'";
    case OPT_MEMORY:
        return "a memory size such as '4096', '64 kb', '128mb' or '1 gb'";
    case OPT_CHAR:
        return "a single character";
    default:
        return "text";
    }
}

static void bad_value(Validator *v, const CatOption *o, const char *expect)
{
    Arena *a = &v->cc->a;
    if (o->is_secret)
        diag_error(v->cc, DIAG_E_BAD_OPTION_VALUE, o->value_at,
                   "invalid value for option '%s'", cstr(a, o->key));
    else
        diag_error(v->cc, DIAG_E_BAD_OPTION_VALUE, o->value_at,
                   "invalid value '%s' for option '%s'", cstr(a, o->value),
                   cstr(a, o->key));
    diag_detail(v->cc, "The option '%s' expects %s.", cstr(a, o->key), expect);
    v->ok = false;
}

static void check_value(Validator *v, const OptionDef *d, const CatOption *o)
{
    Arena *a = &v->cc->a;
    Str val = o->value;
    switch (d->kind) {
    case OPT_STRING:
        return;
    case OPT_INT: {
        int64_t x;
        if (!option_parse_int(val, &x)) {
            bad_value(v, o, "an integer");
            return;
        }
        if ((d->min || d->max) && (x < d->min || x > d->max)) {
            const char *range =
                d->max == INT64_MAX
                    ? arena_sprintf(a, "an integer of at least %lld",
                                    (long long)d->min)
                    : arena_sprintf(a, "an integer from %lld to %lld",
                                    (long long)d->min, (long long)d->max);
            bad_value(v, o, range);
        }
        return;
    }
    case OPT_BOOL: {
        bool b;
        if (!option_parse_bool(val, &b))
            bad_value(v, o, kind_expectation(d));
        return;
    }
    case OPT_DOUBLE: {
        double x;
        if (!option_parse_double(val, &x))
            bad_value(v, o, kind_expectation(d));
        else if (strstr(d->key, "rate") && (x < 0 || x > 1))
            bad_value(v, o, "a number from 0 to 1");
        return;
    }
    case OPT_DURATION: {
        int64_t ms;
        if (!option_parse_duration_ms(val, &ms))
            bad_value(v, o, kind_expectation(d));
        return;
    }
    case OPT_MEMORY: {
        int64_t b;
        if (!option_parse_memory(val, &b))
            bad_value(v, o, kind_expectation(d));
        return;
    }
    case OPT_CHAR: {
        bool ok = val.len == 1 || (val.len == 2 && val.ptr[0] == '\\' &&
                                   (val.ptr[1] == 't' || val.ptr[1] == '\\'));
        if (!ok)
            bad_value(v, o, kind_expectation(d));
        return;
    }
    case OPT_ENUM: {
        if (enum_allows(d->allowed, val, NULL))
            return;
        if (o->is_secret)
            diag_error(v->cc, DIAG_E_BAD_OPTION_VALUE, o->value_at,
                       "invalid value for option '%s'", cstr(a, o->key));
        else
            diag_error(v->cc, DIAG_E_BAD_OPTION_VALUE, o->value_at,
                       "invalid value '%s' for option '%s'", cstr(a, val),
                       cstr(a, o->key));
        const char *sugg =
            o->is_secret ? NULL : enum_suggest(a, d->allowed, val);
        if (sugg)
            diag_hint(v->cc, "Did you mean '%s'?", sugg);
        diag_detail(v->cc, "Valid values are %s.", enum_list(a, d->allowed));
        v->ok = false;
        return;
    }
    }
}

/* The format named by option o (format / key.format / value.format). */
static const FormatDef *check_format(Validator *v, const CatOption *o)
{
    Arena *a = &v->cc->a;
    const FormatDef *f = format_find(o->value);
    if (f)
        return f;
    if (format_is_known_unsupported(o->value)) {
        diag_error(v->cc, DIAG_E_UNSUPPORTED_FORMAT, o->value_at,
                   "format '%s' is not supported", cstr(a, o->value));
        diag_detail(v->cc,
                    "fsql does not provide the '%s' format; it reads and "
                    "writes %s.",
                    cstr(a, o->value), format_list(a));
        if (str_ieq_cstr(o->value, "debezium-json") ||
            str_ieq_cstr(o->value, "canal-json") ||
            str_ieq_cstr(o->value, "maxwell-json"))
            diag_hint(v->cc, "For a keyed changelog, use the 'upsert-kafka' "
                             "connector with the 'json' format.");
    } else {
        diag_error(v->cc, DIAG_E_UNKNOWN_FORMAT, o->value_at,
                   "unknown format '%s'", cstr(a, o->value));
        const char *names[16];
        for (size_t i = 0; i < format_defs_n; i++)
            names[i] = format_defs[i]->name;
        const char *sugg =
            spell_suggest_n(o->value.ptr, o->value.len, names, format_defs_n);
        if (sugg)
            diag_hint(v->cc, "Did you mean '%s'?", sugg);
        diag_detail(v->cc, "Valid formats are %s.", format_list(a));
    }
    v->ok = false;
    return NULL;
}

/* Candidate names for a did-you-mean on an unknown key. */
static size_t key_candidates(Arena *a, const ConnectorDef *c,
                             const FormatDef *fmts[3],
                             const char *const fmt_prefix[3], const char ***out)
{
    size_t cap = c->n_opts + 64, n = 0;
    const char **names = ARENA_NEW_ARRAY(a, const char *, cap);
    names[n++] = "connector";
    for (size_t i = 0; i < c->n_opts && n < cap; i++)
        if (!c->opts[i].is_prefix && !strchr(c->opts[i].key, '#'))
            names[n++] = c->opts[i].key;
    for (int k = 0; k < 3; k++) {
        if (!fmts[k])
            continue;
        for (size_t i = 0; i < fmts[k]->n_opts && n < cap; i++)
            names[n++] = arena_sprintf(a, "%s%s.%s", fmt_prefix[k],
                                       fmts[k]->name, fmts[k]->opts[i].key);
    }
    *out = names;
    return n;
}

/* Does key belong to a known format (json.x, key.csv.y)?  Returns the
 * format part index: which of fmt_prefix ("", "key.", "value.") and the
 * FormatDef; *sub receives the option part. */
static const FormatDef *format_key(Str key, int *which, Str *sub)
{
    static const char *const prefixes[3] = {"", "key.", "value."};
    for (int k = 2; k >= 0; k--) {
        if (!has_prefix(key, prefixes[k]))
            continue;
        Str rest = {key.ptr + strlen(prefixes[k]),
                    key.len - strlen(prefixes[k])};
        const char *dot = memchr(rest.ptr, '.', rest.len);
        if (!dot)
            continue;
        Str fname = {rest.ptr, (size_t)(dot - rest.ptr)};
        const FormatDef *f = format_find(fname);
        if (!f && k == 0)
            continue;
        if (f) {
            *which = k;
            *sub = (Str){dot + 1, rest.len - fname.len - 1};
            return f;
        }
    }
    return NULL;
}

static bool has_column(const CatTable *t, Str name)
{
    for (uint32_t i = 0; i < t->n_cols; i++)
        if (str_ieq(t->cols[i].name, name))
            return true;
    return false;
}

static void missing(Validator *v, const char *key, const char *why)
{
    Arena *a = &v->cc->a;
    diag_error(v->cc, DIAG_E_MISSING_OPTION, v->name_at,
               "table '%s' is missing the required option '%s'",
               cstr(a, v->t->name), key);
    if (why)
        diag_detail(v->cc, "%s", why);
    diag_hint(v->cc, "Add '%s' = '...' to the WITH clause.", key);
    v->ok = false;
}

/* The column named by a "fields.NAME.x" key, or NULL. */
static const CatColumn *field_column(const CatTable *t, Str key, Str *attr)
{
    if (!has_prefix(key, "fields."))
        return NULL;
    Str rest = {key.ptr + 7, key.len - 7};
    const char *dot = memchr(rest.ptr, '.', rest.len);
    if (!dot)
        return NULL;
    Str name = {rest.ptr, (size_t)(dot - rest.ptr)};
    *attr = (Str){dot + 1, rest.len - name.len - 1};
    for (uint32_t i = 0; i < t->n_cols; i++)
        if (str_ieq(t->cols[i].name, name))
            return &t->cols[i];
    return NULL;
}

/* datagen: numeric bounds of numeric columns must be numbers, and a
 * sequence needs its start and end (as in Flink). */
static void check_datagen_fields(Validator *v)
{
    CatTable *t = v->t;
    Arena *a = &v->cc->a;
    for (uint32_t i = 0; i < t->n_opts; i++) {
        const CatOption *o = &t->opts[i];
        Str attr;
        const CatColumn *c = field_column(t, o->key, &attr);
        if (!c || !c->type)
            continue;
        bool is_bound = str_eq_cstr(attr, "min") || str_eq_cstr(attr, "max") ||
                        str_eq_cstr(attr, "start") || str_eq_cstr(attr, "end");
        double d;
        if (is_bound && type_is_numeric(c->type) &&
            !option_parse_double(o->value, &d)) {
            bad_value(v, o,
                      arena_sprintf(a, "a number, because column '%s' is %s",
                                    cstr(a, c->name),
                                    type_to_string(a, c->type)));
            continue;
        }
        if (str_eq_cstr(attr, "kind") && str_ieq_cstr(o->value, "sequence")) {
            static const char *const need[2] = {"start", "end"};
            for (int k = 0; k < 2; k++) {
                const char *key =
                    arena_sprintf(a, "fields.%s.%s", cstr(a, c->name), need[k]);
                if (table_opt(t, key))
                    continue;
                diag_error(v->cc, DIAG_E_MISSING_OPTION, o->value_at,
                           "a sequence for column '%s' needs option '%s'",
                           cstr(a, c->name), key);
                diag_hint(v->cc, "Add '%s' = '...' to the WITH clause.", key);
                v->ok = false;
            }
        }
    }
}

/* Checks that need more than one option, per connector. */
static void check_connector_rules(Validator *v, const ConnectorDef *c)
{
    Arena *a = &v->cc->a;
    CatTable *t = v->t;
    const char *cn = c->name;
    /* watermark alignment needs both its group and its drift */
    bool ag = table_opt(t, "scan.watermark.alignment.group") != NULL;
    bool ad = table_opt(t, "scan.watermark.alignment.max-drift") != NULL;
    if (ag && !ad)
        missing(v, "scan.watermark.alignment.max-drift",
                "Watermark alignment holds a source back when its watermark "
                "is more than max-drift ahead of its group's lowest.");
    else if (ad && !ag)
        missing(v, "scan.watermark.alignment.group",
                "scan.watermark.alignment.max-drift applies to the sources "
                "of an alignment group.");
    if (strcmp(cn, "kafka") == 0 || strcmp(cn, "upsert-kafka") == 0) {
        /* exactly-once names its Kafka transactions after the prefix */
        const CatOption *dg = table_opt(t, "sink.delivery-guarantee");
        if (!dg)
            dg = table_opt(t, "sink.semantic");
        if (dg && str_ieq_cstr(dg->value, "exactly-once") &&
            !table_opt(t, "sink.transactional-id-prefix"))
            missing(v, "sink.transactional-id-prefix",
                    "sink.delivery-guarantee = 'exactly-once' writes in "
                    "Kafka transactions whose ids start with this prefix; "
                    "it must be unique per sink and stable across "
                    "restarts.");
    }
    if (strcmp(cn, "kafka") == 0) {
        const CatOption *topic = table_opt(t, "topic");
        const CatOption *pattern = table_opt(t, "topic-pattern");
        if (!topic && !pattern)
            missing(v, "topic",
                    "The 'kafka' connector needs 'topic' (or "
                    "'topic-pattern' for a source).");
        else if (topic && pattern) {
            diag_error(v->cc, DIAG_E_BAD_OPTION_VALUE, pattern->key_at,
                       "options 'topic' and 'topic-pattern' exclude each "
                       "other");
            diag_hint(v->cc, "Keep one of them.");
            v->ok = false;
        }
        if (!table_opt(t, "format") && !table_opt(t, "value.format"))
            missing(v, "format",
                    "The 'kafka' connector needs the format of the record "
                    "value: 'format' or 'value.format'.");
        const CatOption *mode = table_opt(t, "scan.startup.mode");
        if (mode && str_ieq_cstr(mode->value, "timestamp") &&
            !table_opt(t, "scan.startup.timestamp-millis"))
            missing(v, "scan.startup.timestamp-millis",
                    "scan.startup.mode = 'timestamp' needs the start time.");
        if (mode && str_ieq_cstr(mode->value, "specific-offsets") &&
            !table_opt(t, "scan.startup.specific-offsets"))
            missing(v, "scan.startup.specific-offsets",
                    "scan.startup.mode = 'specific-offsets' needs the "
                    "offsets.");
        const CatOption *kf = table_opt(t, "key.format");
        if (kf && !table_opt(t, "key.fields")) {
            diag_error(v->cc, DIAG_E_MISSING_OPTION, kf->key_at,
                       "option 'key.format' needs 'key.fields'");
            diag_detail(v->cc, "'key.fields' names the columns stored in "
                               "the record key, separated by ';'.");
            v->ok = false;
        }
    } else if (strcmp(cn, "upsert-kafka") == 0) {
        if (t->decl && t->decl->u.create_table.primary_key.n == 0 &&
            t->n_pk == 0) {
            bool inline_pk = false;
            AstList *cols = &t->decl->u.create_table.columns;
            for (uint32_t i = 0; i < cols->n; i++)
                if (cols->items[i]->u.column_def.is_pk_inline)
                    inline_pk = true;
            if (!inline_pk) {
                diag_error(v->cc, DIAG_E_PRIMARY_KEY, v->name_at,
                           "table '%s' uses the 'upsert-kafka' connector "
                           "but has no PRIMARY KEY",
                           cstr(a, t->name));
                diag_hint(v->cc, "Add PRIMARY KEY (col, ...) NOT ENFORCED; "
                                 "the key columns form the record key.");
                v->ok = false;
            }
        }
    } else if (strcmp(cn, "jdbc") == 0) {
        const CatOption *url = table_opt(t, "url");
        if (url && !has_prefix(url->value, "jdbc:mysql://") &&
            !has_prefix(url->value, "jdbc:mariadb://") &&
            !has_prefix(url->value, "jdbc:sqlite:")) {
            if (url->is_secret)
                diag_error(v->cc, DIAG_E_BAD_OPTION_VALUE, url->value_at,
                           "unsupported JDBC URL");
            else
                diag_error(v->cc, DIAG_E_BAD_OPTION_VALUE, url->value_at,
                           "unsupported JDBC URL '%s'", cstr(a, url->value));
            diag_detail(v->cc, "fsql connects to MySQL/MariaDB "
                               "('jdbc:mysql://host:port/db') and SQLite "
                               "('jdbc:sqlite:path/to/file.db').");
            v->ok = false;
        } else if (url && has_prefix(url->value, "jdbc:sqlite:") &&
                   url->value.len == strlen("jdbc:sqlite:")) {
            diag_error(v->cc, DIAG_E_BAD_OPTION_VALUE, url->value_at,
                       "the SQLite URL has no file path");
            diag_hint(v->cc, "Write 'jdbc:sqlite:path/to/file.db'.");
            v->ok = false;
        }
        const CatOption *cache = table_opt(t, "lookup.cache");
        if (cache && str_ieq_cstr(cache->value, "NONE") &&
            (table_opt(t, "lookup.partial-cache.max-rows") ||
             table_opt(t, "lookup.partial-cache.expire-after-write") ||
             table_opt(t, "lookup.partial-cache.expire-after-access"))) {
            diag_warn(v->cc, DIAG_W_IGNORED, cache->value_at,
                      "lookup.partial-cache.* options have no effect with "
                      "lookup.cache = 'NONE'");
            diag_hint(v->cc, "Set 'lookup.cache' = 'PARTIAL' to cache "
                             "lookups.");
        }
    } else if (strcmp(cn, "datagen") == 0) {
        check_datagen_fields(v);
    } else if (strcmp(cn, "filesystem") == 0) {
        const CatOption *path = table_opt(t, "path");
        if (path) {
            Str p = path->value;
            const char *colon = memchr(p.ptr, ':', p.len);
            bool has_scheme = false;
            if (colon && colon + 2 < p.ptr + p.len && colon[1] == '/' &&
                colon[2] == '/') {
                has_scheme = true;
                for (const char *q = p.ptr; q < colon; q++)
                    if (!isalnum((unsigned char)*q) && *q != '+' && *q != '-' &&
                        *q != '.')
                        has_scheme = false;
            }
            if (has_scheme && !has_prefix(p, "file://")) {
                Str scheme = {p.ptr, (size_t)(colon - p.ptr)};
                diag_error(v->cc, DIAG_E_BAD_OPTION_VALUE, path->value_at,
                           "'%s://' paths are not supported", cstr(a, scheme));
                diag_detail(v->cc, "The 'filesystem' connector reads and "
                                   "writes local files only (plain paths "
                                   "or file:// URLs).");
                diag_hint(v->cc, "Copy the data to a local directory and "
                                 "point 'path' at it.");
                v->ok = false;
            } else if (p.len == 0) {
                bad_value(v, path, "a file or directory path");
            }
        }
    }
}

/* MAP columns (runtime/value_map.h): scalar keys and values only, and only
 * where a format or connector can hold them - the json format, print and
 * blackhole.  Metadata columns are the connector's business (Kafka's
 * 'headers'); computed columns are not read or written by a format. */
static void check_map_columns(Validator *v, const ConnectorDef *c,
                              const FormatDef *const *fmts)
{
    Arena *a = &v->cc->a;
    for (uint32_t i = 0; i < v->t->n_cols; i++) {
        const CatColumn *col = &v->t->cols[i];
        const SqlType *ty = col->type;
        if (!ty || ty->kind != T_MAP || col->kind != COL_PHYSICAL)
            continue;
        bool nested = false;
        for (int k = 0; k < 2; k++) {
            const SqlType *e = k ? ty->value : ty->elem;
            nested |= e && (e->kind == T_ARRAY || e->kind == T_MAP ||
                            e->kind == T_MULTISET || e->kind == T_ROW);
        }
        const char *what = NULL;
        if (!c->has_format) {
            if (strcmp(c->name, "print") != 0 &&
                strcmp(c->name, "blackhole") != 0)
                what = arena_sprintf(a, "connector '%s'", c->name);
        } else {
            bool any = false;
            for (int k = 0; k < 3 && !what; k++) {
                any |= fmts[k] != NULL;
                if (fmts[k] && strcmp(fmts[k]->name, "json") != 0)
                    what = arena_sprintf(a, "format '%s'", fmts[k]->name);
            }
            if (!any)
                continue; /* the missing format is reported already */
        }
        if (!nested && !what)
            continue;
        if (nested) {
            diag_error(v->cc, DIAG_E_UNSUPPORTED, col->name_at,
                       "column '%s' of type %s: fsql's MAP values hold "
                       "scalar keys and values only",
                       cstr(a, col->name), type_to_string(a, ty));
            diag_hint(v->cc, "Declare the values STRING: the json format "
                             "gives a nested object or array as its text.");
        } else {
            diag_error(v->cc, DIAG_E_UNSUPPORTED, col->name_at,
                       "column '%s' of type %s cannot be read or written "
                       "by the %s",
                       cstr(a, col->name), type_to_string(a, ty), what);
            diag_hint(v->cc, "MAP columns work with the 'json' format "
                             "(kafka, upsert-kafka, filesystem) and the "
                             "print and blackhole connectors.");
        }
        v->ok = false;
    }
}

bool catalog_validate_options(CompileCtx *cc, CatTable *t,
                              const AstNode *create_table)
{
    Arena *a = &cc->a;
    Validator v = {cc, t, t->decl ? t->decl->at : (SrcSpan){0, 0}, true};
    if (create_table && create_table->kind == AST_CREATE_TABLE)
        v.name_at = create_table->u.create_table.name.at;

    /* Duplicate keys. */
    for (uint32_t i = 0; i < t->n_opts; i++)
        for (uint32_t j = 0; j < i; j++)
            if (str_eq(t->opts[i].key, t->opts[j].key)) {
                diag_error(cc, DIAG_E_DUPLICATE, t->opts[i].key_at,
                           "option '%s' is given twice",
                           cstr(a, t->opts[i].key));
                v.ok = false;
                break;
            }

    const CatOption *conn = table_opt(t, "connector");
    if (!conn) {
        diag_error(cc, DIAG_E_MISSING_OPTION, v.name_at,
                   "table '%s' has no 'connector' option", cstr(a, t->name));
        diag_detail(cc, "Valid connectors are %s.", connector_list(a));
        diag_hint(cc, "Add WITH ('connector' = '...', ...) to the table.");
        return false;
    }
    t->connector = conn->value;
    const ConnectorDef *c = connector_find(conn->value);
    if (!c) {
        if (connector_is_known_unsupported(conn->value)) {
            diag_error(cc, DIAG_E_UNKNOWN_CONNECTOR, conn->value_at,
                       "connector '%s' is not supported", cstr(a, conn->value));
            diag_detail(cc,
                        "fsql does not provide the '%s' connector. Valid "
                        "connectors are %s.",
                        cstr(a, conn->value), connector_list(a));
        } else {
            diag_error(cc, DIAG_E_UNKNOWN_CONNECTOR, conn->value_at,
                       "unknown connector '%s'", cstr(a, conn->value));
            const char *names[16];
            for (size_t i = 0; i < connector_defs_n; i++)
                names[i] = connector_defs[i]->name;
            const char *sugg = spell_suggest_n(conn->value.ptr, conn->value.len,
                                               names, connector_defs_n);
            if (sugg)
                diag_hint(cc, "Did you mean '%s'?", sugg);
            diag_detail(cc, "Valid connectors are %s.", connector_list(a));
        }
        return false;
    }
    t->conn = c;

    /* Formats first: format-prefixed options are checked against them. */
    static const char *const fmt_keys[3] = {"format", "key.format",
                                            "value.format"};
    static const char *const fmt_prefix[3] = {"", "key.", "value."};
    const FormatDef *fmts[3] = {NULL, NULL, NULL};
    for (int k = 0; k < 3; k++) {
        const CatOption *o = table_opt(t, fmt_keys[k]);
        if (o && find_def(c->opts, c->n_opts, o->key, NULL))
            fmts[k] = check_format(&v, o);
    }
    if (fmts[0]) {
        t->fmt = fmts[0];
        t->format = table_opt(t, "format")->value;
    } else if (fmts[2]) {
        t->fmt = fmts[2];
        t->format = table_opt(t, "value.format")->value;
    }

    for (uint32_t i = 0; i < t->n_opts; i++) {
        const CatOption *o = &t->opts[i];
        if (o == conn)
            continue;
        Str field = STR_NULL;
        const OptionDef *d = find_def(c->opts, c->n_opts, o->key, &field);
        if (d) {
            if (field.len && !has_column(t, field)) {
                diag_error(cc, DIAG_E_UNKNOWN_OPTION, o->key_at,
                           "option '%s' names no column of table '%s'",
                           cstr(a, o->key), cstr(a, t->name));
                const char *sugg = catalog_suggest_column(a, t, field);
                if (sugg)
                    diag_hint(cc, "Did you mean the column '%s'?", sugg);
                v.ok = false;
                continue;
            }
            check_value(&v, d, o);
            continue;
        }
        int which;
        Str sub;
        const FormatDef *f = format_key(o->key, &which, &sub);
        if (f && c->has_format) {
            if (fmts[which] != f) {
                diag_error(cc, DIAG_E_UNKNOWN_OPTION, o->key_at,
                           "option '%s' does not apply to this table",
                           cstr(a, o->key));
                if (fmts[which])
                    diag_detail(cc,
                                "The table's %sformat is '%s', not "
                                "'%s'.",
                                fmt_prefix[which], fmts[which]->name, f->name);
                else
                    diag_detail(cc, "The table has no '%sformat' option.",
                                fmt_prefix[which]);
                v.ok = false;
                continue;
            }
            const OptionDef *fd = find_def(f->opts, f->n_opts, sub, NULL);
            if (fd) {
                check_value(&v, fd, o);
                continue;
            }
        }
        /* Unknown key. */
        diag_error(cc, DIAG_E_UNKNOWN_OPTION, o->key_at,
                   "unknown option '%s' for connector '%s'", cstr(a, o->key),
                   c->name);
        const char **names;
        size_t n = key_candidates(a, c, fmts, fmt_prefix, &names);
        const char *sugg = spell_suggest_n(o->key.ptr, o->key.len, names, n);
        if (sugg)
            diag_hint(cc, "Did you mean '%s'?", sugg);
        diag_detail(cc,
                    "docs/connectors/%s.md lists the options of the "
                    "'%s' connector.",
                    c->name, c->name);
        v.ok = false;
    }

    /* Required options. */
    for (size_t i = 0; i < c->n_opts; i++) {
        const OptionDef *d = &c->opts[i];
        if (d->is_required && !table_opt(t, d->key)) {
            const char *why =
                arena_sprintf(a, "The '%s' connector requires '%s': %s",
                              c->name, d->key, d->doc);
            missing(&v, d->key, why);
        }
    }
    check_connector_rules(&v, c);
    check_map_columns(&v, c, fmts);
    return v.ok;
}

/* ---- defaults and docs ------------------------------------------------- */

const char *catalog_table_option_or_default(const CatTable *t, const char *key)
{
    const CatOption *o = table_opt(t, key);
    if (o)
        return o->value.ptr;
    Str k = str_from_cstr(key);
    if (t->conn) {
        const OptionDef *d = find_def(t->conn->opts, t->conn->n_opts, k, NULL);
        if (d)
            return d->is_prefix ? NULL : d->def;
    }
    int which;
    Str sub;
    const FormatDef *f = format_key(k, &which, &sub);
    if (f) {
        const OptionDef *d = find_def(f->opts, f->n_opts, sub, NULL);
        if (d)
            return d->def;
    }
    return NULL;
}

static const char *opt_kind_doc(const OptionDef *d, Arena *a)
{
    switch (d->kind) {
    case OPT_STRING:
        return "string";
    case OPT_INT:
        return "integer";
    case OPT_BOOL:
        return "boolean";
    case OPT_DOUBLE:
        return "number";
    case OPT_DURATION:
        return "duration";
    case OPT_MEMORY:
        return "memory size";
    case OPT_CHAR:
        return "character";
    case OPT_ENUM:
        return arena_sprintf(a, "one of %s", enum_list(a, d->allowed));
    }
    return "?";
}

static void put_md_cell(StrBuf *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            strbuf_puts(out, "\\|");
        else
            strbuf_putc(out, *s);
    }
}

static void opt_table_md(StrBuf *out, const OptionDef *opts, size_t n,
                         const char *key_prefix, Arena *a)
{
    strbuf_puts(out, "| Option | Required | Default | Type | Description |\n"
                     "|---|---|---|---|---|\n");
    for (size_t i = 0; i < n; i++) {
        const OptionDef *d = &opts[i];
        strbuf_printf(out, "| `%s%s%s` | %s | %s%s%s | ", key_prefix, d->key,
                      d->is_prefix ? "*" : "", d->is_required ? "yes" : "no",
                      d->def ? "`" : "", d->def ? d->def : "",
                      d->def ? "`" : "");
        put_md_cell(out, opt_kind_doc(d, a));
        strbuf_puts(out, " | ");
        put_md_cell(out, d->doc);
        strbuf_puts(out, " |\n");
    }
}

void connector_doc_markdown(const ConnectorDef *c, StrBuf *out)
{
    Arena a;
    arena_init(&a, 4096);
    strbuf_printf(out, "# Connector `%s`\n\n", c->name);
    strbuf_puts(out, "<!-- generated from compiler/connectors.c by "
                     "connector_doc_markdown(); do not edit -->\n\n");
    strbuf_printf(out, "%s\n\n", c->doc);
    strbuf_printf(out, "Use: %s%s%s.\n\n", c->is_source ? "source" : "",
                  c->is_sink ? (c->is_source ? ", sink" : "sink") : "",
                  c->is_lookup ? ", lookup-join table" : "");
    strbuf_puts(out, "## Options\n\n");
    strbuf_printf(out,
                  "| Option | Required | Default | Type | Description |\n"
                  "|---|---|---|---|---|\n"
                  "| `connector` | yes | | string | `'%s'` |\n",
                  c->name);
    /* Skip the header the helper prints; reuse its rows. */
    StrBuf rows;
    strbuf_init(&rows);
    opt_table_md(&rows, c->opts, c->n_opts, "", &a);
    const char *body = strbuf_cstr(&rows);
    const char *second_nl = strchr(strchr(body, '\n') + 1, '\n');
    strbuf_puts(out, second_nl + 1);
    strbuf_fini(&rows);
    strbuf_puts(out, "\nKeys are case-sensitive. `${VAR}` in a value is "
                     "replaced by the environment variable VAR "
                     "(`${VAR:-default}` gives a fallback); options whose "
                     "key contains `password`, `secret`, `sasl.jaas.config`, "
                     "`ssl.key`, `token` or `credential` are shown as "
                     "`******` in EXPLAIN, "
                     "DESCRIBE and error messages.\n");
    if (c->has_format) {
        strbuf_puts(out, "\n## Formats\n\n");
        strbuf_puts(out, "Format options are written with the format name "
                         "as prefix (`'json.ignore-parse-errors' = "
                         "'true'`");
        if (strcmp(c->name, "kafka") == 0 ||
            strcmp(c->name, "upsert-kafka") == 0)
            strbuf_puts(out, ", or `key.json.*` / `value.json.*` for the "
                             "key and value formats");
        strbuf_puts(out, ").\n");
        for (size_t i = 0; i < format_defs_n; i++) {
            const FormatDef *f = format_defs[i];
            strbuf_printf(out, "\n### `%s`\n\n%s\n\n", f->name, f->doc);
            char *pre = arena_sprintf(&a, "%s.", f->name);
            opt_table_md(out, f->opts, f->n_opts, pre, &a);
        }
        strbuf_puts(out, "\nNot supported (an error names the supported "
                         "formats): ");
        for (size_t i = 0; i < FSQL_ARRAY_LEN(unsupported_formats); i++)
            strbuf_printf(out, "%s`%s`", i ? ", " : "", unsupported_formats[i]);
        strbuf_puts(out, ".\n");
    }
    arena_fini(&a);
}
