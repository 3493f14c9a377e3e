#!/usr/bin/env bash
# match_checkpoint.sh - MATCH_RECOGNIZE state survives a crash (issues 7
# and 10): a job checkpoints every 200 ms while partial matches are open
# (20 users, out-of-order rows waiting for the watermark, runs of A rows,
# WITHIN windows, rows held back for NEXT), is killed right after its
# 2nd / 4th checkpoint is durable (FSQL_FAULT), and restarted from it.
# The rows printed before the crash plus those printed after the restart
# must be exactly the rows of an uninterrupted run (the print sink
# flushes at each checkpoint, so nothing is printed twice or lost).
. "$(dirname "$0")/lib.bash"

job() { # job CHECKPOINT-DIR
    cat <<EOF2
SET 'state.checkpoints.dir' = '$1';
SET 'execution.checkpointing.interval' = '200 ms';
-- the loop waits for each file: rows printed after a checkpoint was
-- taken but before the fault point would otherwise be printed again
SET 'fsql.checkpointing.background-write' = 'false';
CREATE TEMPORARY TABLE tx (
    transaction_id BIGINT, user_id BIGINT, amount DECIMAL(15, 2),
    location STRING, transaction_time TIMESTAMP(3),
    WATERMARK FOR transaction_time AS transaction_time - INTERVAL '5' SECOND
) WITH (
    'connector' = 'datagen', 'generator' = 'transactions',
    'number-of-rows' = '3000', 'rows-per-second' = '2000',
    'generator.users' = '20', 'generator.seed' = '7',
    'generator.time-step' = '100 ms', 'generator.out-of-orderness' = '5 s'
);
SELECT 'runs' AS q, * FROM tx MATCH_RECOGNIZE (
    PARTITION BY user_id ORDER BY transaction_time
    MEASURES FIRST(A.transaction_id) AS f, LAST(A.transaction_id) AS l,
        COUNT(A.*) AS na, B.location AS loc, MATCH_NUMBER() AS mn
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
EOF2
}

job "$T/full" >"$T/full.sql"
run run --output csv "$T/full.sql"
expect_rc 0 "uninterrupted run"
printf '%s\n' "$out" | grep -v '^q,' | sort >"$T/want"
n=$(wc -l <"$T/want")
[ "$n" -gt 200 ] || fail "uninterrupted run: only $n matches"
grep -q '^runs,' "$T/want" || fail "no 'runs' matches"
grep -q '^valleys,' "$T/want" || fail "no 'valleys' matches"

for k in 2 4; do
    job "$T/ck$k" >"$T/ck$k.sql"
    crash_and_resume "$k" csv "$T/ck$k.sql" "$T/want" '^q,'
done
finish
