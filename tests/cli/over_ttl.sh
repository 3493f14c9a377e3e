#!/usr/bin/env bash
# over_ttl.sh - 'table.exec.state.ttl' on OVER windows, on the test clock
# (FSQL_TEST_OVER_CLOCK_STEP_MS=1: the TTL clock advances 1 ms per row
# that arrives, so the run is deterministic).  Key a gets two rows, then
# 3000 other keys arrive, then a again: with a 100 ms TTL, a has expired
# (ROW_NUMBER starts again at 1, LAG has no previous row, the running SUM
# restarts, and a's held LEAD row left with its default when a expired);
# without TTL it has not.  FSQL_OVER_STATS shows the state going down:
# most of the 3001 partitions are freed.  The same run with
# FSQL_TEST_OVER_ROUNDTRIP=1 (snapshot + restore after every push cycle)
# gives the same rows.
. "$(dirname "$0")/lib.bash"

FSQL_ABS=$(cd "$(dirname "$FSQL")" && pwd)/$(basename "$FSQL")
runin() {
    (cd "$T" && "$FSQL_ABS" "$@" >out.txt 2>err.txt)
    rc=$?
    out=$(cat "$T/out.txt")
    err=$(cat "$T/err.txt")
}

awk 'BEGIN {
    n = 0
    split("a a", ks, " ")
    row("a", 1); row("a", 2)
    for (i = 0; i < 3000; i++) row("k" i, i)
    row("a", 9)
}
function row(k, x,   s) {
    s = 36000 + n++
    printf("{\"k\":\"%s\",\"x\":%d,\"ts\":\"2024-01-01 %02d:%02d:%02d\"}\n",
           k, x, int(s / 3600), int(s % 3600 / 60), s % 60)
}' >"$T/in.jsonl"

cat >"$T/job.sql" <<'EOF2'
CREATE TABLE t (k STRING, x INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');
SELECT k, x, ROW_NUMBER() OVER w AS rn, LAG(x) OVER w AS px,
  SUM(x) OVER w AS sx, LEAD(x, 1, -1) OVER w AS nx
FROM t WINDOW w AS (PARTITION BY k ORDER BY ts);
EOF2
{ echo "SET 'table.exec.state.ttl' = '100 ms';"; cat "$T/job.sql"; } \
    >"$T/ttl.sql"

export FSQL_TEST_OVER_CLOCK_STEP_MS=1 FSQL_OVER_STATS=1

runin run --output csv ttl.sql
expect_rc 0 "ttl run"
a_rows=$(grep '^a,' "$T/out.txt" | tr '\n' ' ')
[ "$a_rows" = "a,1,1,,1,2 a,2,2,1,3,-1 a,9,1,,9,-1 " ] ||
    fail "with TTL, key a expires between its rows: got '$a_rows'"
[ "$(grep -c '^k[0-9]' "$T/out.txt")" = 3000 ] || fail "with TTL: 3000 k rows"
parts=$(sed -n 's/.*OverAggregate#[0-9]*: \([0-9]*\) partitions,.*/\1/p' <<<"$err")
expired=$(sed -n 's/.* \([0-9]*\) partitions expired.*/\1/p' <<<"$err")
[ -n "$parts" ] && [ "$parts" -lt 1000 ] ||
    fail "with TTL, most partitions are freed: $parts left ($err)"
[ -n "$expired" ] && [ "$expired" -gt 2000 ] ||
    fail "with TTL, over 2000 partitions expire: $expired ($err)"
cp "$T/out.txt" "$T/ttl.out"

FSQL_TEST_OVER_ROUNDTRIP=1 runin run --output csv ttl.sql
expect_rc 0 "ttl run with snapshot round trips"
cmp -s "$T/out.txt" "$T/ttl.out" ||
    fail "snapshot round trips change the TTL run: $(diff "$T/ttl.out" "$T/out.txt" | head -5)"

runin run --output csv job.sql
expect_rc 0 "run without TTL"
a_rows=$(grep '^a,' "$T/out.txt" | tr '\n' ' ')
[ "$a_rows" = "a,1,1,,1,2 a,2,2,1,3,9 a,9,3,2,12,-1 " ] ||
    fail "without TTL, key a keeps its state: got '$a_rows'"
expect_in "$err" "3001 partitions," "without TTL every partition stays"
expect_in "$err" " 0 partitions expired" "without TTL nothing expires"

finish
