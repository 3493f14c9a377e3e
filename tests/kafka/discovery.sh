#!/usr/bin/env bash
# discovery.sh - scan.topic-partition-discovery.interval: an unbounded
# source with topic-pattern picks up a topic created while it runs (the
# subscription's metadata refresh, every interval, then a rebalance).
# fsql-kafka-mock (librdkafka 2.0.2) cannot add partitions to an existing
# topic (no CreatePartitions), so new partitions of a topic are the same
# mechanism but not tested here.  (A short session timeout: the mock
# cluster holds a rejoining group for the session timeout.)
. "$(dirname "$0")/lib.inc"
kafka_init
mock_start --topic disc-a:1 --topic dout:1
printf '{"id":1}\n{"id":2}\n' | produce disc-a 0

cat >"$tmp/job.sql" <<EOF
CREATE TABLE src (id BIGINT, t STRING METADATA FROM 'topic' VIRTUAL)
WITH ('connector' = 'kafka', 'topic-pattern' = 'disc-.*',
      'properties.bootstrap.servers' = '$BS', 'format' = 'json',
      'scan.startup.mode' = 'earliest-offset',
      'scan.topic-partition-discovery.interval' = '1 s',
      'properties.session.timeout.ms' = '3000',
      'properties.heartbeat.interval.ms' = '500');
CREATE TABLE dst (id BIGINT, t STRING) WITH ($(kafka_with dout "'format' = 'json'"));
INSERT INTO dst SELECT id, t FROM src;
EOF
fsql_bg "$tmp/job.sql" --log-level info
wait_lines dout 2 30
mock_ctl topic disc-b 2
printf '{"id":3}\n' | produce disc-b 0
printf '{"id":4}\n' | produce disc-b 1
wait_lines dout 4 30
consume dout | sort >"$tmp/got"
cat >"$tmp/want" <<'EOF'
{"id":1,"t":"disc-a"}
{"id":2,"t":"disc-a"}
{"id":3,"t":"disc-b"}
{"id":4,"t":"disc-b"}
EOF
diff "$tmp/want" "$tmp/got" >/dev/null || fail "output differs: $(diff "$tmp/want" "$tmp/got")"
grep -q "assigned .*disc-b\[0\]" "$tmp/run.err" || fail "no rebalance line for disc-b"
kill -TERM "$fsql_pid"
wait "$fsql_pid" || fail "fsql exited with $?"
echo "ok: topic created at run time was picked up"
