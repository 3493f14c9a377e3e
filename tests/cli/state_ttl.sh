#!/usr/bin/env bash
# state_ttl.sh - 'table.exec.state.ttl' on a regular GROUP BY and a regular
# join (issue 4 part 6; Flink semantics: state not written for the TTL, in
# processing time, is forgotten).  Rate-limited datagen sequences (20 rows/s)
# put a lower bound on the time between two rows, so the test does not
# depend on the machine's speed: key 'a' comes back about 2.9 s after its
# first row, key 'b' within the same 50 ms.  With a 1.5 s TTL, 'a' has
# expired (the GROUP BY starts it again with +I instead of -U/+U, the join
# has forgotten the left row) and 'b' has not; without a TTL, nothing
# expires.
. "$(dirname "$0")/lib.bash"

gen() { # gen NAME: a 60-row sequence at 20 rows/s
    echo "CREATE TABLE $1 (s INT) WITH ('connector' = 'datagen',
  'rows-per-second' = '20', 'fields.s.kind' = 'sequence',
  'fields.s.start' = '1', 'fields.s.end' = '60');"
}
agg_job() { # agg_job TTL-SET-STATEMENT
    echo "$1"
    gen g
    echo "SELECT k, COUNT(*) AS n, SUM(s) AS t FROM (
  SELECT CASE WHEN s IN (1, 60) THEN 'a' WHEN s IN (2, 3) THEN 'b'
              ELSE 'k' || CAST(s AS STRING) END AS k, s FROM g)
GROUP BY k;"
}
join_job() {
    echo "$1"
    gen l
    gen r
    echo "SELECT lk.k, lk.s, rk.s FROM
  (SELECT CASE WHEN s = 1 THEN 'a' WHEN s = 2 THEN 'b'
               ELSE 'l' || CAST(s AS STRING) END AS k, s FROM l) lk
  JOIN
  (SELECT CASE WHEN s = 60 THEN 'a' WHEN s = 3 THEN 'b'
               ELSE 'r' || CAST(s AS STRING) END AS k, s FROM r) rk
  ON lk.k = rk.k;"
}
TTL="SET 'table.exec.state.ttl' = '1500 ms';"

agg_job "$TTL" >"$T/agg_ttl.sql"
run run --output changelog "$T/agg_ttl.sql"
expect_rc 0 "GROUP BY with TTL"
got=$(printf '%s\n' "$out" | grep -E '\[(a|b),')
want='+I[a, 1, 1]
+I[b, 1, 2]
-U[b, 1, 2]
+U[b, 2, 5]
+I[a, 1, 60]'
[ "$got" = "$want" ] || fail "GROUP BY with a 1.5 s TTL: got
$got
want
$want"

agg_job "" >"$T/agg.sql"
run run --output changelog "$T/agg.sql"
expect_rc 0 "GROUP BY without TTL"
got=$(printf '%s\n' "$out" | grep -E '\[a,')
want='+I[a, 1, 1]
-U[a, 1, 1]
+U[a, 2, 61]'
[ "$got" = "$want" ] || fail "GROUP BY without TTL: got
$got
want
$want"

join_job "$TTL" >"$T/join_ttl.sql"
run run --output changelog "$T/join_ttl.sql"
expect_rc 0 "join with TTL"
[ "$out" = "+I[b, 2, 3]" ] || fail "join with a 1.5 s TTL: got '$out', want only b"

join_job "" >"$T/join.sql"
run run --output changelog "$T/join.sql"
expect_rc 0 "join without TTL"
got=$(printf '%s\n' "$out" | sort)
[ "$got" = "+I[a, 1, 60]
+I[b, 2, 3]" ] || fail "join without TTL: got '$got', want a and b"
finish
