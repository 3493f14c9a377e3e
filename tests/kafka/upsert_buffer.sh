#!/usr/bin/env bash
# upsert_buffer.sh - upsert-kafka's sink.buffer-flush.max-rows / .interval
# (Flink's reducing buffer: the last row per key is written).  A bounded
# run counting 1000 records of 5 keys writes 1000 updates unbuffered but
# exactly 5 records (the final counts) buffered; with max-rows = 2 the
# buffer is written whenever it holds 2 keys (runs of one key collapse); an unbounded run with a
# 1-second interval writes its buffered rows without more input.
. "$(dirname "$0")/lib.inc"
kafka_init
mock_start --topic uin:2 --topic uo1:1 --topic uo2:1 --topic uo3:1 --topic uo4:1
# Runs of 10 records of one key, all in partition 0 (a fixed order).
seq 1 1000 | awk '{ printf "{\"k\":\"k%d\",\"v\":%d}\n", int($1 / 10) % 5, $1 }' | produce uin 0

job() { # TOPIC BUFFER-OPTIONS BOUNDED
    cat <<EOF
CREATE TABLE src (k STRING, v BIGINT) WITH ($(kafka_with uin "'format' = 'json',
    'scan.startup.mode' = 'earliest-offset' $3"));
CREATE TABLE dst (k STRING, n BIGINT, s BIGINT, PRIMARY KEY (k) NOT ENFORCED)
WITH ('connector' = 'upsert-kafka', 'topic' = '$1',
      'properties.bootstrap.servers' = '$BS',
      'key.format' = 'json', 'value.format' = 'json' $2);
INSERT INTO dst SELECT k, COUNT(*), SUM(v) FROM src GROUP BY k;
EOF
}
bounded=", 'scan.bounded.mode' = 'latest-offset'"
# the final count and sum per key, computed here
final=$(seq 1 1000 | awk '{ k = int($1 / 10) % 5; n[k]++; s[k] += $1 }
    END { for (k = 0; k < 5; k++)
        printf "{\"k\":\"k%d\"}|{\"k\":\"k%d\",\"n\":%d,\"s\":%d}\n", k, k, n[k], s[k] }')
# last KEY|VALUE per key of a topic, sorted
last_per_key() { consume "$1" -f '%k|%s\n' | awk -F'|' '{ v[$1] = $0 } END { for (k in v) print v[k] }' | sort; }

job uo1 "" "$bounded" >"$tmp/j1.sql"
fsql_run "$tmp/j1.sql"
[ "$rc" -eq 0 ] || fail "unbuffered run failed"
[ "$(consume uo1 | wc -l)" -eq 1000 ] || fail "unbuffered: $(consume uo1 | wc -l) records, want 1000"
[ "$(last_per_key uo1)" = "$final" ] || fail "unbuffered final values differ: $(last_per_key uo1)"

job uo2 ", 'sink.buffer-flush.max-rows' = '1000', 'sink.buffer-flush.interval' = '1 min'" "$bounded" >"$tmp/j2.sql"
fsql_run "$tmp/j2.sql"
[ "$rc" -eq 0 ] || fail "buffered run failed"
[ "$(consume uo2 -f '%k|%s\n' | sort)" = "$final" ] ||
    fail "buffered: want the 5 final records, got $(consume uo2 | wc -l): $(consume uo2 | head -3)"

job uo3 ", 'sink.buffer-flush.max-rows' = '2', 'sink.buffer-flush.interval' = '1 min'" "$bounded" >"$tmp/j3.sql"
fsql_run "$tmp/j3.sql"
n3=$(consume uo3 | wc -l)
# 100 runs of one key: the second key of a run boundary fills the buffer,
# which writes the old key's last row and the new key's first: about 2
# records per run, far fewer than 1000.
[ "$n3" -ge 150 ] && [ "$n3" -le 250 ] || fail "max-rows 2: $n3 records (want about 200)"
[ "$(last_per_key uo3)" = "$final" ] || fail "max-rows 2: final values differ"

job uo4 ", 'sink.buffer-flush.max-rows' = '100000', 'sink.buffer-flush.interval' = '1 s'" "" >"$tmp/j4.sql"
fsql_bg "$tmp/j4.sql"
wait_lines uo4 5 30
[ "$(consume uo4 -f '%k|%s\n' | sort)" = "$final" ] ||
    fail "interval: want the 5 final records, got $(consume uo4 | wc -l)"
kill -TERM "$fsql_pid"
wait "$fsql_pid" || fail "fsql exited with $?"
echo "ok: 1000 updates unbuffered, 5 buffered, $n3 with max-rows 2"
