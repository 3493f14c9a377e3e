#!/usr/bin/env bash
# offsets.sh - an unbounded job (consumer group, subscribe) reads, writes
# to Kafka, and on SIGTERM flushes its sink, commits the offsets of what
# was acknowledged and exits 0; a later run of the same group starts where
# it stopped.  The group's committed offsets are also visible to kcat -G
# style clients (checked through a bounded group-offsets run).
. "$(dirname "$0")/lib.inc"
kafka_init
mock_start --topic tx:2 --topic out:1

seq 1 6 | sed 's/.*/{"id":&}/' | produce tx 0
seq 7 10 | sed 's/.*/{"id":&}/' | produce tx 1

cat >"$tmp/live.sql" <<SQL
CREATE TABLE tx (id BIGINT) WITH ($(kafka_with tx "'format' = 'json', 'properties.group.id' = 'live', 'properties.auto.commit.interval.ms' = '200'"));
CREATE TABLE o (id BIGINT, doubled BIGINT) WITH ($(kafka_with out "'format' = 'json'"));
INSERT INTO o SELECT id, id * 2 FROM tx;
SQL
fsql_bg "$tmp/live.sql"
wait_lines out 10 30
# More input while it runs.
seq 11 13 | sed 's/.*/{"id":&}/' | produce tx 1
wait_lines out 13 20
kill -TERM "$fsql_pid"
set +e
wait "$fsql_pid"
rc=$?
set -e
[ "$rc" = 0 ] || fail "SIGTERM: exit $rc, want 0"
[ "$(consume out | sort -u | wc -l)" = 13 ] || fail "out: $(consume out)"

# New input after the stop; the same group resumes: only ids 14..15.
seq 14 15 | sed 's/.*/{"id":&}/' | produce tx 0
cat >"$tmp/resume.sql" <<SQL
CREATE TABLE tx (id BIGINT) WITH ($(kafka_with tx "'format' = 'json', 'properties.group.id' = 'live', 'scan.startup.mode' = 'group-offsets', 'scan.bounded.mode' = 'latest-offset'"));
SELECT id FROM tx;
SQL
fsql_run "$tmp/resume.sql" --output csv
[ "$rc" = 0 ] || fail "resume run: exit $rc"
[ "$(tail -n +2 "$tmp/run.out" | sort -n | tr '\n' ' ')" = "14 15 " ] ||
    fail "the second run read $(tail -n +2 "$tmp/run.out" | tr '\n' ' ')(want 14 15)"
echo "ok: offsets committed behind acknowledged output; runs resume"
