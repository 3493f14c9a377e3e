#!/usr/bin/env bash
# watermark_alignment.sh - 'scan.watermark.alignment.group' / '.max-drift'
# / '.update-interval' (Flink's watermark alignment, runtime/wm_align.h).
# Two JSON files joined by an interval join: l has 10 rows per second of
# event time, r one, so read in turns of 1024 rows (wm_align.h) r's
# watermark runs far ahead of l's, and the join holds r's rows until l
# catches up.  With both tables in one alignment group (max drift 10 s),
# r is held back while it is more than 10 s ahead: the join's peak of held
# rows drops from a whole turn of r (1,024) to a few batches (a turn ends
# when alignment holds its source back), and the joined rows are
# the same (compared sorted: the order of a join's output follows its
# inputs' interleaving).  Batches of 64 rows (FSQL_TEST_BATCH_ROWS) so
# that the sources interleave at all in files this small.
. "$(dirname "$0")/lib.bash"

uneven_streams "$T" l r

job() { # job OUT-FILE ALIGN-OPTIONS
    cat <<EOF2
CREATE TABLE l (k INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = '$T/l.jsonl', 'format' = 'json'$2);
CREATE TABLE r (k INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = '$T/r.jsonl', 'format' = 'json'$2);
CREATE TABLE out (k INT, lts TIMESTAMP(3), rts TIMESTAMP(3))
WITH ('connector' = 'filesystem', 'path' = '$1', 'format' = 'csv');
INSERT INTO out SELECT l.k, l.ts, r.ts FROM l JOIN r ON l.k = r.k
  AND l.ts BETWEEN r.ts - INTERVAL '2' SECOND AND r.ts + INTERVAL '2' SECOND;
EOF2
}
ALIGN=", 'scan.watermark.alignment.group' = 'g1',
  'scan.watermark.alignment.max-drift' = '10 s',
  'scan.watermark.alignment.update-interval' = '0 s'"
peak() { sed -n 's/.*IntervalJoin#[0-9]*: .* peak \([0-9]*\),.*/\1/p' <<<"$1"; }

job "$T/free.csv" "" >"$T/free.sql"
FSQL_TEST_BATCH_ROWS=64 FSQL_JOIN_STATS=1 run run "$T/free.sql"
expect_rc 0 "without alignment"
free_peak=$(peak "$err")

job "$T/aligned.csv" "$ALIGN" >"$T/aligned.sql"
FSQL_TEST_BATCH_ROWS=64 FSQL_JOIN_STATS=1 run run --log-level info "$T/aligned.sql"
expect_rc 0 "with alignment"
aligned_peak=$(peak "$err")
expect_in "$err" "source r: held back by watermark alignment" "log line"
expect_in "$err" "source r: resumed by watermark alignment" "log line"

[ -n "$free_peak" ] && [ -n "$aligned_peak" ] || fail "no join figures: $err"
[ "$free_peak" -ge 1000 ] ||
    fail "without alignment the join held only $free_peak rows at its peak"
[ "$aligned_peak" -lt 300 ] ||
    fail "with alignment the join still held $aligned_peak rows at its peak"

n=$(wc -l <"$T/free.csv")
[ "$n" -gt 1000 ] || fail "only $n joined rows"
sort "$T/free.csv" >"$T/a"
sort "$T/aligned.csv" >"$T/b"
cmp -s "$T/a" "$T/b" || fail "alignment changed the joined rows"

# Both options or neither.
cat >"$T/bad.sql" <<EOF2
CREATE TABLE l (k INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)
WITH ('connector' = 'filesystem', 'path' = '$T/l.jsonl', 'format' = 'json',
      'scan.watermark.alignment.group' = 'g1');
SELECT * FROM l;
EOF2
run validate "$T/bad.sql"
expect_rc 1 "group without max-drift"
expect_in "$err" "missing the required option 'scan.watermark.alignment.max-drift'" \
    "group without max-drift"
finish
