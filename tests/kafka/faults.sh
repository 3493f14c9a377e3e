#!/usr/bin/env bash
# faults.sh - broker trouble, injected with fsql-kafka-mock's control
# lines:
#   1. a produce request the broker rejects (TOPIC_AUTHORIZATION_FAILED):
#      the job fails with the broker's error, exit 2, and commits no offset
#      past the unacknowledged output, so the next run writes every row;
#   2. the broker goes down mid-run and comes back: nothing is lost (the
#      at-least-once output holds every id; duplicates are allowed and
#      counted);
#   3. a topic that does not exist, for a source and for a sink;
#   4. an unreachable bootstrap server: reported, retried, and the job
#      still stops cleanly on SIGTERM.
. "$(dirname "$0")/lib.inc"
kafka_init
mock_start --topic tx:1 --topic out:1 --topic live:2 --topic live_out:1

ids() { seq "$1" "$2" | sed 's/.*/{"id":&}/'; }

# 1. Delivery error.
ids 1 20 | produce tx 0
cat >"$tmp/job.sql" <<SQL
CREATE TABLE tx (id BIGINT) WITH ($(kafka_with tx "'format' = 'json', 'properties.group.id' = 'dr', 'scan.bounded.mode' = 'latest-offset'"));
CREATE TABLE o (id BIGINT) WITH ($(kafka_with out "'format' = 'json'"));
INSERT INTO o SELECT id FROM tx;
SQL
mock_ctl err Produce 1 29
fsql_run "$tmp/job.sql"
[ "$rc" = 2 ] || fail "rejected produce: exit $rc, want 2"
grep -q 'could not write table "o": delivery to topic "out" partition 0 failed: Broker: Topic authorization failed' "$tmp/run.err" ||
    fail "the broker's error is not reported: $(cat "$tmp/run.err")"
# Nothing was committed past it: the next run of the group writes all 20.
fsql_run "$tmp/job.sql"
[ "$rc" = 0 ] || fail "run after the rejected produce: exit $rc"
[ "$(consume out | sort -u | wc -l)" = 20 ] || fail "after the retry run, out has $(consume out | sort -u | wc -l) distinct ids"

# 2. The broker goes down mid-run and comes back.
cat >"$tmp/live.sql" <<SQL
CREATE TABLE tx (id BIGINT) WITH ($(kafka_with live "'format' = 'json', 'properties.group.id' = 'live', 'scan.startup.mode' = 'earliest-offset'"));
CREATE TABLE o (id BIGINT) WITH ($(kafka_with live_out "'format' = 'json'"));
INSERT INTO o SELECT id FROM tx;
SQL
ids 1 50 | produce live 0
fsql_bg "$tmp/live.sql"
wait_lines live_out 50 30
ids 51 100 | produce live 1
mock_ctl down 1
sleep 2
mock_ctl up 1
ids 101 150 | produce live 0
wait_lines live_out 150 60
kill -TERM "$fsql_pid"
set +e
wait "$fsql_pid"
rc=$?
set -e
[ "$rc" = 0 ] || fail "live job after broker down/up: exit $rc"
total=$(consume live_out | wc -l)
distinct=$(consume live_out | sort -u | wc -l)
[ "$distinct" = 150 ] || fail "live_out has $distinct distinct ids, want 150"
echo "broker down/up: $total records for 150 ids ($((total - 150)) duplicates)"

# 3. Topics that do not exist.
cat >"$tmp/job.sql" <<SQL
CREATE TABLE t (id BIGINT) WITH ($(kafka_with nope "'format' = 'json', 'scan.bounded.mode' = 'latest-offset'"));
SELECT id FROM t;
SQL
fsql_run "$tmp/job.sql"
[ "$rc" = 2 ] || fail "missing source topic: exit $rc"
grep -q 'could not read table "t": topic "nope" does not exist' "$tmp/run.err" || fail "missing source topic message"
cat >"$tmp/job.sql" <<SQL
CREATE TABLE o (id BIGINT) WITH ($(kafka_with nope2 "'format' = 'json'"));
INSERT INTO o VALUES (1);
SQL
fsql_run "$tmp/job.sql"
[ "$rc" = 2 ] || fail "missing sink topic: exit $rc"
grep -q 'could not write table "o": topic "nope2" does not exist' "$tmp/run.err" || fail "missing sink topic message"

# 4. An unreachable bootstrap server (nothing listens on port 1).
cat >"$tmp/job.sql" <<SQL
CREATE TABLE t (id BIGINT) WITH ('connector' = 'kafka', 'topic' = 'tx', 'properties.bootstrap.servers' = '127.0.0.1:1', 'format' = 'json');
SELECT id FROM t;
SQL
fsql_bg "$tmp/job.sql"
for _ in $(seq 40); do
    grep -q 'reachable\|Connection refused' "$tmp/run.err" && break
    sleep 0.1
done
grep -q 'reachable\|Connection refused' "$tmp/run.err" || fail "the unreachable broker is not reported"
kill -0 "$fsql_pid" || fail "the job gave up instead of retrying"
kill -TERM "$fsql_pid"
set +e
wait "$fsql_pid"
rc=$?
set -e
[ "$rc" = 0 ] || fail "stop while the broker is unreachable: exit $rc"
echo "ok: delivery errors, broker down/up, missing topics, unreachable bootstrap"
