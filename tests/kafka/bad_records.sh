#!/usr/bin/env bash
# bad_records.sh - a malformed record fails the job naming topic,
# partition and offset (rows before it are still written, exit 2); with
# json.ignore-parse-errors it is skipped and counted, and a field of the
# wrong type becomes NULL.
. "$(dirname "$0")/lib.inc"
kafka_init
mock_start --topic tx:2 --topic out:1 --topic out2:1

printf '{"id":1,"amount":10}\n{"id":2,"amount":20}\n{"id":3,"amount":\n{"id":4,"amount":40}\n' | produce tx 1
printf '{"id":5,"amount":"lots"}\n' | produce tx 0

job() { # job SINK-TOPIC EXTRA-OPTIONS
    cat >"$tmp/job.sql" <<SQL
CREATE TABLE tx (id BIGINT, amount INT)
WITH ($(kafka_with tx "'format' = 'json', 'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset'$2"));
CREATE TABLE o (id BIGINT, amount INT) WITH ($(kafka_with "$1" "'format' = 'json'"));
INSERT INTO o SELECT id, amount FROM tx WHERE id <> 5;
SQL
}

job out ""
fsql_run "$tmp/job.sql"
[ "$rc" = 2 ] || fail "a bad record: exit $rc, want 2"
grep -q 'topic "tx", partition 1, offset 2 (record value): malformed JSON' "$tmp/run.err" ||
    grep -q 'topic "tx", partition 0, offset 0 (record value)' "$tmp/run.err" ||
    fail "no topic/partition/offset in the error: $(cat "$tmp/run.err")"
if grep -q 'partition 1, offset 2' "$tmp/run.err"; then
    # The rows before the bad one were written.
    consume out | grep -q '"id":2' || fail "rows before the bad record were not written"
fi

job out2 ", 'json.ignore-parse-errors' = 'true'"
fsql_run "$tmp/job.sql"
[ "$rc" = 0 ] || fail "ignore-parse-errors: exit $rc"
[ "$(consume out2 | sort | tr '\n' ' ')" = '{"id":1,"amount":10} {"id":2,"amount":20} {"id":4,"amount":40} ' ] ||
    fail "ignore-parse-errors wrote $(consume out2)"
grep -q '1 .*skipped' "$tmp/run.err" || grep -qi 'skipped' "$tmp/run.err" ||
    fail "the skipped record is not counted: $(cat "$tmp/run.err")"

# The wrong-typed field of record 5 becomes NULL and the row is kept.
cat >"$tmp/job.sql" <<SQL
CREATE TABLE tx (id BIGINT, amount INT)
WITH ($(kafka_with tx "'format' = 'json', 'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset', 'value.format' = 'json', 'value.json.ignore-parse-errors' = 'true'" | sed "s/'format' = 'json', //"));
SELECT id, amount FROM tx WHERE id = 5;
SQL
fsql_run "$tmp/job.sql" --output csv
[ "$rc" = 0 ] || fail "value.json.ignore-parse-errors: exit $rc"
[ "$(tail -n 1 "$tmp/run.out")" = "5," ] || fail "wrong-typed field: $(cat "$tmp/run.out")"
echo "ok: bad records fail with topic/partition/offset or are skipped and counted"
