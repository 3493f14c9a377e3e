#!/usr/bin/env bash
# over_proctime.sh - OVER windows ordered by processing time (issue 4 part
# 2): rows are emitted as they arrive, in arrival order.  A rate-limited
# datagen sequence (s = 1 .. 40, partitioned by s % 3) through ROWS, RANGE
# (1 hour: every earlier row of the partition) and LAG frames; sqlite3
# computes the same columns over the same rows ordered by s (the arrival
# order) as the oracle.
. "$(dirname "$0")/lib.bash"
command -v sqlite3 >/dev/null || { echo "skip: no sqlite3"; exit 77; }

cat >"$T/job.sql" <<'EOF'
CREATE TABLE g (s INT, k AS s % 3, pt AS PROCTIME()) WITH (
  'connector' = 'datagen', 'rows-per-second' = '200',
  'fields.s.kind' = 'sequence', 'fields.s.start' = '1', 'fields.s.end' = '40');
SELECT s, k,
  COUNT(*) OVER (PARTITION BY k ORDER BY pt
                 ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS c3,
  SUM(s) OVER (PARTITION BY k ORDER BY pt
               RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW) AS sh,
  MAX(s) OVER (PARTITION BY k ORDER BY pt
               ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS m2,
  LAG(s, 2, -1) OVER (PARTITION BY k ORDER BY pt) AS p2,
  ROW_NUMBER() OVER (PARTITION BY k ORDER BY pt) AS rn
FROM g;
EOF
run run --output csv "$T/job.sql"
expect_rc 0 "OVER on processing time"
printf "%s\n" "$out" | sed "1{/^s,k,/d}" >"$T/got"

want=$(sqlite3 -csv :memory: <<'EOF'
WITH RECURSIVE seq(s) AS (SELECT 1 UNION ALL SELECT s + 1 FROM seq WHERE s < 40),
g AS (SELECT s, s % 3 AS k FROM seq)
SELECT s, k,
  COUNT(*) OVER (PARTITION BY k ORDER BY s ROWS BETWEEN 2 PRECEDING AND CURRENT ROW),
  SUM(s) OVER (PARTITION BY k ORDER BY s ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),
  MAX(s) OVER (PARTITION BY k ORDER BY s ROWS BETWEEN 1 PRECEDING AND CURRENT ROW),
  LAG(s, 2, -1) OVER (PARTITION BY k ORDER BY s),
  ROW_NUMBER() OVER (PARTITION BY k ORDER BY s)
FROM g ORDER BY s;
EOF
)
printf '%s\n' "$want" >"$T/want"
[ "$(wc -l <"$T/want")" = 40 ] || fail "oracle gave $(wc -l <"$T/want") rows"
diff "$T/want" "$T/got" >"$T/diff" ||
    fail "fsql differs from sqlite3: $(head -20 "$T/diff")"
finish
