#!/usr/bin/env bash
# alignment.sh - watermark alignment on Kafka sources (runtime/wm_align.h):
# a held-back Kafka source pauses its partitions (rd_kafka_pause_partitions)
# and keeps polling, then resumes where it stopped.  Two topics joined by
# an interval join: 'dense' has 10 records per second of event time,
# 'sparse' one, so read in turn 'sparse' runs ahead.  In one alignment
# group (max drift 10 s) 'sparse' is held back and resumed many times;
# the join's peak of held rows drops, and the joined rows are exactly
# those of the run without alignment (none lost or read twice across a
# pause).  Bounded reads (scan.bounded.mode = latest-offset), batches of
# 64 rows.
. "$(dirname "$0")/lib.inc"
kafka_init
mock_start --topic dense:1 --topic sparse:1

uneven_streams "$tmp" dense sparse
produce dense 0 <"$tmp/dense.jsonl"
produce sparse 0 <"$tmp/sparse.jsonl"

job() { # job ALIGN-OPTIONS
    local common="'format' = 'json', 'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset'$1"
    cat <<SQL
CREATE TABLE dense (k INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ($(kafka_with dense "$common, 'properties.group.id' = 'al-d-$RANDOM'"));
CREATE TABLE sparse (k INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ($(kafka_with sparse "$common, 'properties.group.id' = 'al-s-$RANDOM'"));
SELECT d.k, d.ts, s.ts FROM dense d JOIN sparse s ON d.k = s.k
  AND d.ts BETWEEN s.ts - INTERVAL '2' SECOND AND s.ts + INTERVAL '2' SECOND;
SQL
}
peak() { sed -n 's/.*IntervalJoin#[0-9]*: .* peak \([0-9]*\),.*/\1/p' "$tmp/run.err"; }

job "" >"$tmp/free.sql"
FSQL_TEST_BATCH_ROWS=64 FSQL_JOIN_STATS=1 fsql_run "$tmp/free.sql" --output csv
[ "$rc" = 0 ] || fail "without alignment: exit $rc"
free_peak=$(peak)
sort "$tmp/run.out" >"$tmp/free.out"

job ", 'scan.watermark.alignment.group' = 'g', 'scan.watermark.alignment.max-drift' = '10 s', 'scan.watermark.alignment.update-interval' = '0 s'" >"$tmp/aligned.sql"
FSQL_TEST_BATCH_ROWS=64 FSQL_JOIN_STATS=1 fsql_run "$tmp/aligned.sql" --output csv --log-level info
[ "$rc" = 0 ] || fail "with alignment: exit $rc"
aligned_peak=$(peak)
sort "$tmp/run.out" >"$tmp/aligned.out"

n_held=$(grep -c "source sparse: held back by watermark alignment" "$tmp/run.err" || true)
n_resumed=$(grep -c "source sparse: resumed by watermark alignment" "$tmp/run.err" || true)
[ "$n_held" -ge 5 ] && [ "$n_resumed" -ge 5 ] ||
    fail "sparse was held back $n_held times and resumed $n_resumed times"
[ -n "$free_peak" ] && [ -n "$aligned_peak" ] || fail "no join figures"
[ "$aligned_peak" -lt $((free_peak / 3)) ] ||
    fail "peak held rows: $aligned_peak aligned, $free_peak without"
n=$(wc -l <"$tmp/free.out")
[ "$n" -gt 1000 ] || fail "only $n joined rows"
cmp -s "$tmp/free.out" "$tmp/aligned.out" ||
    fail "alignment changed the joined rows: $(diff "$tmp/free.out" "$tmp/aligned.out" | head -5)"
echo "ok: $n joined rows; peak held rows $aligned_peak aligned, $free_peak without; sparse held back $n_held times"
