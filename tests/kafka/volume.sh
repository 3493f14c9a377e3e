#!/usr/bin/env bash
# volume.sh - 100,000 records over 8 partitions through a bounded Kafka
# source: every record arrives exactly once with its payload intact.  The
# source hands the messages it is done with to librdkafka's broker
# threads, which destroy them from an interceptor (conn_kafka.c,
# grave_reap) while fsql's thread decodes later batches whose rows point
# into other messages' payloads: a message destroyed too early shows up as
# a changed or lost row here, and as a use-after-free under
# `make SANITIZE=1`.  Checked against the input and against kcat's reading
# of the same topic.
. "$(dirname "$0")/lib.inc"
kafka_init
mock_start --topic vol:8
# kcat moving 100,000 records on a loaded 2-core machine can take more
# than the usual 20 s (a CI run was cut at 90,000 produced)
KCAT_TIMEOUT=120

# Distinct ids, payloads of varying length (some long, some with escapes),
# spread over the partitions by kcat's random partitioner.
python3 - "$tmp/in.jsonl" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(100000):
        s = "p%d-" % i + "x" * (i % 97) + ("\\\"q\\\"" if i % 13 == 0 else "")
        f.write('{"id":%d,"s":"%s","n":%d}\n' % (i, s, i * 7))
PY
produce vol -1 -l "$tmp/in.jsonl"
wait_lines vol 100000 90

cat >"$tmp/job.sql" <<SQL
CREATE TABLE vol (id BIGINT, s STRING, n BIGINT)
WITH ($(kafka_with vol "'format' = 'json', 'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset'"));
CREATE TABLE out (id BIGINT, s STRING, n BIGINT)
WITH ('connector' = 'filesystem', 'path' = '$tmp/out.jsonl', 'format' = 'json');
INSERT INTO out SELECT id, s, n FROM vol;
SQL
fsql_run "$tmp/job.sql"
[ "$rc" -eq 0 ] || fail "fsql run exited with $rc"
grep -q "100000 rows in, 100000 rows out" "$tmp/run.err" ||
    fail "the summary does not count 100000 rows in and out"
sort "$tmp/in.jsonl" >"$tmp/want"
sort "$tmp/out.jsonl" >"$tmp/got"
cmp -s "$tmp/want" "$tmp/got" || {
    diff "$tmp/want" "$tmp/got" | head -5
    fail "the rows written differ from the records produced"
}
consume vol | sort >"$tmp/kcat"
[ "$(wc -l <"$tmp/kcat")" -eq 100000 ] || fail "kcat read $(wc -l <"$tmp/kcat") records"
cmp -s "$tmp/kcat" "$tmp/got" || fail "the rows written differ from kcat's reading"
echo "ok: 100000 records, each once and intact"
