#!/usr/bin/env bash
# bad_record_commit.sh - a job that fails on a malformed record does not
# commit the consumer group past it: the next run of the same group reads
# the bad record again and fails on it again (rather than skipping it
# silently), both when the record is the first of its batch (no rows to
# push) and when rows before it are pushed first.
. "$(dirname "$0")/lib.inc"
kafka_init
mock_start --topic a:1 --topic b:1 --topic out:1

# a: the bad record first; b: two good records, then the bad one.
printf '{"id":1,"amount":\n{"id":2,"amount":20}\n' | produce a 0
printf '{"id":1,"amount":10}\n{"id":2,"amount":20}\n{"id":3,"amount":\n{"id":4,"amount":40}\n' | produce b 0

job() { # job TOPIC GROUP
    cat >"$tmp/job.sql" <<SQL
CREATE TABLE tx (id BIGINT, amount INT)
WITH ($(kafka_with "$1" "'format' = 'json', 'properties.group.id' = '$2', 'scan.startup.mode' = 'group-offsets', 'properties.auto.offset.reset' = 'earliest', 'scan.bounded.mode' = 'latest-offset'"));
CREATE TABLE o (id BIGINT, amount INT) WITH ($(kafka_with out "'format' = 'json'"));
INSERT INTO o SELECT id, amount FROM tx;
SQL
}

for t in a b; do
    case $t in a) off=0 ;; b) off=2 ;; esac
    job "$t" "g_$t"
    for run in 1 2; do
        fsql_run "$tmp/job.sql"
        [ "$rc" = 2 ] || fail "topic $t, run $run: exit $rc, want 2 (the bad record again)"
        grep -q "topic \"$t\", partition 0, offset $off (record value)" "$tmp/run.err" ||
            fail "topic $t, run $run: not the bad record's error: $(cat "$tmp/run.err")"
    done
done
echo "ok: a failed job's group offset stays at or before the bad record"
