#!/usr/bin/env bash
# match_roundtrip.sh - MATCH_RECOGNIZE snapshot/restore on every push
# cycle (issues 7 and 10).  With FSQL_TEST_MATCH_ROUNDTRIP=1 the operator
# snapshots its state at the end of every push cycle, throws it away,
# opens afresh and restores the snapshot, as a restart from a checkpoint
# would.  The output must not change:
#   1. every tests/exec/match_* case against its golden file;
#   2. a rate-limited datagen job (many push cycles with partial matches,
#      rows waiting for the watermark, WITHIN windows, PREV history, rows
#      held back for NEXT, MATCH_NUMBER) against a plain run of the same
#      job: the same rows (compared sorted: the interleaving of
#      partitions follows the batches, which follow the clock).
. "$(dirname "$0")/lib.bash"

FSQL_TEST_MATCH_ROUNDTRIP=1 tools/runtests.sh tests/exec/match_* >"$T/rt" 2>&1 ||
    fail "exec cases with the round trip: $(cat "$T/rt")"

cat >"$T/job.sql" <<'EOF2'
CREATE TEMPORARY TABLE tx (
    transaction_id BIGINT, user_id BIGINT, amount DECIMAL(15, 2),
    location STRING, transaction_time TIMESTAMP(3),
    WATERMARK FOR transaction_time AS transaction_time - INTERVAL '5' SECOND
) WITH (
    'connector' = 'datagen', 'generator' = 'transactions',
    'number-of-rows' = '3000', 'rows-per-second' = '3000',
    'generator.users' = '20', 'generator.seed' = '7',
    'generator.time-step' = '100 ms', 'generator.out-of-orderness' = '5 s'
);
SELECT 'runs' AS q, * FROM tx MATCH_RECOGNIZE (
    PARTITION BY user_id ORDER BY transaction_time
    MEASURES FIRST(A.transaction_id) AS f, LAST(A.transaction_id) AS l,
        COUNT(A.*) AS na, NEXT(B.location) AS loc, MATCH_NUMBER() AS mn
    AFTER MATCH SKIP PAST LAST ROW
    PATTERN (A+ B) WITHIN INTERVAL '30' SECOND
    DEFINE A AS A.amount < 200, B AS B.amount >= 200
) m;
SELECT 'valleys' AS q, * FROM tx MATCH_RECOGNIZE (
    PARTITION BY user_id ORDER BY transaction_time
    MEASURES D.transaction_id AS f, LAST(U.transaction_id) AS l,
        COUNT(*) AS na, CLASSIFIER() AS loc, MATCH_NUMBER() AS mn
    AFTER MATCH SKIP TO NEXT ROW
    PATTERN (D U+)
    DEFINE D AS amount < PREV(amount) AND amount < NEXT(amount),
        U AS amount > PREV(amount) AND NEXT(amount, 2) IS NOT NULL
) m;
SELECT 'absent' AS q, * FROM tx MATCH_RECOGNIZE (
    PARTITION BY user_id ORDER BY transaction_time
    MEASURES FIRST(transaction_id) AS f, LAST(transaction_id) AS l,
        COUNT(*) AS na, LAST(location) AS loc, MATCH_NUMBER() AS mn
    AFTER MATCH SKIP PAST LAST ROW
    PATTERN (A X* $) WITHIN INTERVAL '3' SECOND
    DEFINE A AS amount > 500, X AS amount < 900
) m;
EOF2
run run --output csv "$T/job.sql"
expect_rc 0 "plain run"
printf '%s\n' "$out" | sort >"$T/plain"
n=$(grep -c . "$T/plain")
[ "$n" -gt 300 ] || fail "plain run: only $n rows"
FSQL_TEST_MATCH_ROUNDTRIP=1 "$FSQL" run --output csv "$T/job.sql" \
    2>"$T/err" | sort >"$T/rt"
diff "$T/plain" "$T/rt" >"$T/diff" ||
    fail "round trip changes the output: $(head -20 "$T/diff") $(cat "$T/err")"
exit $((failures > 0))
