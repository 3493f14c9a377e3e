#!/usr/bin/env bash
# lag.sh - fsql_kafka_consumer_lag{table,topic,partition} on /metrics
# (--metrics-port): while the broker answers slowly (mock "rtt") and
# fetches are tiny, the lag of a partition holding 200 unread records is
# between 1 and 200 and falls; once the broker is fast again every
# partition's lag reaches 0, and records produced later show up in
# fsql_source_records_total with the lag back at 0.
. "$(dirname "$0")/lib.inc"
kafka_init
command -v curl >/dev/null || { echo "skip: curl not installed"; exit 77; }
mock_start --topic lagt:2
# One record per record batch, so that small fetches return few records.
seq 1 200 | produce lagt 0 -X batch.num.messages=1
seq 1 100 | produce lagt 1 -X batch.num.messages=1

cat >"$tmp/job.sql" <<EOF
CREATE TABLE src (v STRING) WITH ($(kafka_with lagt "'format' = 'raw',
    'scan.startup.mode' = 'earliest-offset',
    'properties.max.partition.fetch.bytes' = '100',
    'properties.fetch.max.bytes' = '1000',
    'properties.message.max.bytes' = '1000'"));
CREATE TABLE sink (v STRING) WITH ('connector' = 'blackhole');
INSERT INTO sink SELECT v FROM src;
EOF
mock_ctl rtt 1 300
FSQL_METRICS_INTERVAL_MS=100 fsql_bg "$tmp/job.sql" --metrics-port 0 --log-level info
metrics_port "$tmp/run.err" 10 "$fsql_pid" || fail "no metrics port in the log"

# lag PART: the current lag sample of partition PART ("" when missing).
lag() {
    { curl -sf "http://127.0.0.1:$port/metrics" || true; } |
        awk -v k="fsql_kafka_consumer_lag{table=\"src\",topic=\"lagt\",partition=\"$1\"}" \
            'index($0, k " ") == 1 { print $2; exit }'
}
records() {
    { curl -sf "http://127.0.0.1:$port/metrics" || true; } |
        awk 'index($0, "fsql_source_records_total{table=\"src\"} ") == 1 { print $2; exit }'
}

l1=
for _ in $(seq 100); do
    l1=$(lag 0)
    [ -n "$l1" ] && [ "$l1" -gt 0 ] && break
    sleep 0.1
done
[ -n "$l1" ] || fail "no lag sample for partition 0"
[ "$l1" -gt 0 ] && [ "$l1" -le 200 ] || fail "lag of partition 0 is $l1 (want 1..200)"
sleep 1.5
l2=$(lag 0)
[ "$l2" -lt "$l1" ] || fail "lag of partition 0 did not fall: $l1 then $l2"

mock_ctl rtt 1 0
for _ in $(seq 200); do
    [ "$(lag 0)" = 0 ] && [ "$(lag 1)" = 0 ] && break
    sleep 0.1
done
[ "$(lag 0)" = 0 ] && [ "$(lag 1)" = 0 ] ||
    fail "lag did not reach 0: $(lag 0) $(lag 1)"
[ "$(records)" = 300 ] || fail "records read: $(records), want 300"

seq 1 30 | produce lagt 1
for _ in $(seq 100); do
    [ "$(records)" = 330 ] && break
    sleep 0.1
done
[ "$(records)" = 330 ] || fail "records read: $(records), want 330"
[ "$(lag 1)" = 0 ] || fail "lag of partition 1 after catching up: $(lag 1)"
kill -TERM "$fsql_pid"
wait "$fsql_pid" || fail "fsql exited with $?"
echo "ok: consumer lag $l1 -> $l2 -> 0 per partition"
