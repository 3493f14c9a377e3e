#!/usr/bin/env bash
# over_state_figures.sh - the OVER operator's packed state (runtime/
# op_over.c) survives snapshot round trips, and FSQL_OVER_STATS reports it
# exactly:
#   - tests/exec/over_packed (keys and arguments of every packed class,
#     NULLs and empty strings, a ring that grows past its inline slots
#     and empties back) gives its golden rows with
#     FSQL_TEST_OVER_ROUNDTRIP=1 (snapshot, discard, restore after every
#     push cycle);
#   - a job with known rows: 2 partitions, 2 rows retained at the end
#     (the third row fell out of the 1-hour frame when a row 2 hours later
#     arrived), whose values are 2 x (8 time + 8 DECIMAL(15, 2)) + 3
#     string bytes = 35 bytes, 17.5 per retained row; total = values +
#     beyond; the same figures after round trips.
. "$(dirname "$0")/lib.bash"

FSQL_ABS=$(cd "$(dirname "$FSQL")" && pwd)/$(basename "$FSQL")
case_dir=tests/exec/over_packed

(cd "$case_dir" && FSQL_TEST_OVER_ROUNDTRIP=1 "$FSQL_ABS" run \
    --output changelog job.sql >"$T/rt.out" 2>"$T/rt.err")
rc=$?
err=$(cat "$T/rt.err")
expect_rc 0 "over_packed with snapshot round trips"
grep -v '^fsql: ' "$case_dir/expected.out" >"$T/want.out"
cmp -s "$T/rt.out" "$T/want.out" ||
    fail "round trips change over_packed: $(diff "$T/want.out" "$T/rt.out" | head -5)"

cat >"$T/in.jsonl" <<'EOF2'
{"u": 1, "amount": 1.00, "ip": "abc", "ts": "2024-05-01 08:00:00"}
{"u": 1, "amount": 2.00, "ip": "", "ts": "2024-05-01 08:00:01"}
{"u": 2, "amount": null, "ip": null, "ts": "2024-05-01 08:00:02"}
{"u": 1, "amount": 3.00, "ip": "def", "ts": "2024-05-01 10:00:00"}
EOF2
cat >"$T/job.sql" <<EOF2
CREATE TABLE t (u BIGINT, amount DECIMAL(15, 2), ip STRING,
  ts TIMESTAMP(3), WATERMARK FOR ts AS ts)
WITH ('connector' = 'filesystem', 'path' = '$T/in.jsonl', 'format' = 'json');
SELECT u, COUNT(*) OVER w AS c, SUM(amount) OVER w AS s,
  COUNT(DISTINCT ip) OVER w AS dip
FROM t WINDOW w AS (PARTITION BY u ORDER BY ts
  RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW);
EOF2

check_figures() { # check_figures WHAT
    expect_rc 0 "$1"
    [ "$out" = "$(printf 'u,c,s,dip\n1,1,1.00,1\n1,2,3.00,2\n2,1,,0\n1,1,3.00,1')" ] ||
        fail "$1: rows: $out"
    expect_in "$err" "OverAggregate#" "$1: figures printed"
    expect_in "$err" ": 2 partitions, 2 retained rows (peak " \
        "$1: partitions and retained rows"
    expect_in "$err" " per retained row: 17.5 of values (" "$1: values"
    local line total per vals beyond
    line=$(grep ': state [0-9]* bytes, ' <<<"$err")
    read -r total per vals beyond < <(sed -n \
        's/.*: state \([0-9]*\) bytes, \([0-9.]*\) per retained row: \([0-9.]*\) of values.*, \([0-9.]*\) beyond them$/\1 \2 \3 \4/p' \
        <<<"$line")
    [ -n "${beyond:-}" ] || { fail "$1: no state line in: $err"; return; }
    awk -v t="$total" -v p="$per" -v v="$vals" -v b="$beyond" 'BEGIN {
        d = v + b - p; if (d < 0) d = -d
        e = t / 2 - p; if (e < 0) e = -e
        exit !(d < 0.11 && e < 0.051 && b > 0) }' ||
        fail "$1: total $total, $per per row != $vals values + $beyond beyond"
    expect_in "$err" "-byte block (2 inline ring slots of 25 bytes)" \
        "$1: a ring slot is 8 time + 8 DECIMAL + 8 string + 1 NULL bits"
}

export FSQL_OVER_STATS=1
run run --output csv "$T/job.sql"
check_figures "figures"
FSQL_TEST_OVER_ROUNDTRIP=1 run run --output csv "$T/job.sql"
check_figures "figures after round trips"

finish
