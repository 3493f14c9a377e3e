#!/usr/bin/env bash
# formats.sh - metadata columns, topic lists and patterns, key and value
# formats (json, csv, raw; key.fields, key.fields-prefix,
# value.fields-include = EXCEPT_KEY) in both directions, and the sink
# partitioners.
. "$(dirname "$0")/lib.inc"
kafka_init
mock_start --topic ev-a:2 --topic ev-b:1 --topic other:1 --topic keyed:1 \
    --topic csvin:1 --topic rawin:1 --topic out-csv:1 --topic out-raw:1 \
    --topic out-fixed:3 --topic out-rr:3

printf '{"id":1}\n{"id":2}\n' | produce ev-a 0
printf '{"id":3}\n' | produce ev-a 1
printf '{"id":4}\n{"id":5}\n' | produce ev-b 0
printf '{"id":99}\n' | produce other 0

# Metadata columns and a ';' topic list.
cat >"$tmp/job.sql" <<SQL
CREATE TABLE ev (
    id BIGINT,
    tp STRING METADATA FROM 'topic',
    p INT METADATA FROM 'partition',
    o BIGINT METADATA FROM 'offset',
    ts TIMESTAMP_LTZ(3) METADATA FROM 'timestamp',
    tt STRING METADATA FROM 'timestamp-type'
) WITH ($(kafka_with 'ev-a;ev-b' "'format' = 'json', 'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset'"));
SELECT id, tp, p, o, tt, ts IS NOT NULL AS recent FROM ev;
SQL
fsql_run "$tmp/job.sql" --output csv
[ "$rc" = 0 ] || fail "metadata run: exit $rc"
sort "$tmp/run.out" >"$tmp/got"
cat >"$tmp/want" <<'OUT'
1,ev-a,0,0,CreateTime,true
2,ev-a,0,1,CreateTime,true
3,ev-a,1,0,CreateTime,true
4,ev-b,0,0,CreateTime,true
5,ev-b,0,1,CreateTime,true
id,tp,p,o,tt,recent
OUT
diff -u "$tmp/want" "$tmp/got" >"$tmp/run.out" || fail "metadata columns differ"

# topic-pattern: ev-a and ev-b, not other.
cat >"$tmp/job.sql" <<SQL
CREATE TABLE ev (id BIGINT, tp STRING METADATA FROM 'topic' VIRTUAL)
WITH ('connector' = 'kafka', 'topic-pattern' = 'ev-.*', 'properties.bootstrap.servers' = '$BS',
      'format' = 'json', 'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset');
SELECT id, tp FROM ev;
SQL
fsql_run "$tmp/job.sql" --output csv
[ "$rc" = 0 ] || fail "topic-pattern run: exit $rc"
[ "$(tail -n +2 "$tmp/run.out" | sort | tr '\n' ' ')" = "1,ev-a 2,ev-a 3,ev-a 4,ev-b 5,ev-b " ] ||
    fail "topic-pattern read $(cat "$tmp/run.out")"

# Key and value formats: key {"k_id":..} holds id, the value the rest.
printf '{"k_id":7}|{"name":"seven","score":70}\n{"k_id":8}|{"name":"eight","score":80}\n' |
    produce keyed 0 -K '|'
printf '1,"a, b",2.5\n2,plain,3\n' | produce csvin 0
printf 'line one\nline two\n' | produce rawin 0
cat >"$tmp/job.sql" <<SQL
CREATE TABLE keyed (k_id BIGINT, name STRING, score INT)
WITH ($(kafka_with keyed "'key.format' = 'json', 'key.fields' = 'k_id', 'value.format' = 'json', 'value.fields-include' = 'EXCEPT_KEY', 'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset'"));
CREATE TABLE csvin (id INT, label STRING, x DOUBLE)
WITH ($(kafka_with csvin "'format' = 'csv', 'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset'"));
CREATE TABLE rawin (line STRING)
WITH ($(kafka_with rawin "'format' = 'raw', 'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset'"));
CREATE TABLE out_csv (id BIGINT, name STRING, score INT)
WITH ($(kafka_with out-csv "'format' = 'csv', 'key.format' = 'raw', 'key.fields' = 'name'"));
CREATE TABLE out_raw (line STRING) WITH ($(kafka_with out-raw "'format' = 'raw'"));
CREATE TABLE out_fixed (id INT) WITH ($(kafka_with out-fixed "'format' = 'json', 'sink.partitioner' = 'fixed'"));
CREATE TABLE out_rr (id INT) WITH ($(kafka_with out-rr "'format' = 'json', 'sink.partitioner' = 'round-robin'"));
INSERT INTO out_csv SELECT k_id, name, score + 1 FROM keyed;
INSERT INTO out_raw SELECT UPPER(line) FROM rawin;
-- (label and x are named so that the csv decoder sees every column)
INSERT INTO out_fixed SELECT id FROM csvin WHERE label <> '' OR x > 0;
INSERT INTO out_rr SELECT id FROM csvin WHERE label <> '' OR x > 0;
SQL
fsql_run "$tmp/job.sql"
[ "$rc" = 0 ] || fail "formats run: exit $rc"
[ "$(consume out-csv -f '%k=%s\n' | sort | tr '\n' ' ')" = "eight=8,eight,81 seven=7,seven,71 " ] ||
    fail "out-csv: $(consume out-csv -f '%k=%s\n')"
[ "$(consume out-raw | tr '\n' ' ')" = "LINE ONE LINE TWO " ] || fail "out-raw: $(consume out-raw)"
[ "$(consume out-fixed -f '%p\n' | sort -u | tr '\n' ' ')" = "0 " ] || fail "fixed partitioner"
[ "$(consume out-rr -f '%p\n' | sort -u | wc -l)" = 2 ] || fail "round-robin used $(consume out-rr -f '%p\n' | sort -u | wc -l) partitions for 2 rows"

# csv source values
cat >"$tmp/job.sql" <<SQL
CREATE TABLE csvin (id INT, label STRING, x DOUBLE)
WITH ($(kafka_with csvin "'format' = 'csv', 'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset'"));
SELECT id, label, x * 2 AS x2 FROM csvin;
SQL
fsql_run "$tmp/job.sql" --output jsonl
[ "$rc" = 0 ] || fail "csv source: exit $rc"
[ "$(cat "$tmp/run.out" | tr '\n' ' ')" = '{"id":1,"label":"a, b","x2":5.0} {"id":2,"label":"plain","x2":6.0} ' ] ||
    fail "csv source read $(cat "$tmp/run.out")"
echo "ok: metadata, topic lists and patterns, formats, partitioners"
