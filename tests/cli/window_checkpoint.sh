#!/usr/bin/env bash
# window_checkpoint.sh - window and group aggregate state survives a crash
# (issues 4 and 10).  One job runs every kind of windowed aggregate over
# generated transactions (20 users, out of order by up to 5 s): legacy
# HOP on panes, the HOP table function on panes and per window (with a
# COUNT(DISTINCT)), CUMULATE, legacy SESSION (sessions that merge) and an
# unbounded GROUP BY with its -U/+U changelog.  It checkpoints every
# 150 ms, is killed right after its 2nd / 5th checkpoint is durable
# (FSQL_FAULT), and is restarted from it.  The rows printed before the
# crash plus those printed after the restart must be exactly the rows of
# an uninterrupted run: open windows, panes, sessions and groups came back
# from the checkpoint.  The checkpoint file is written by the loop itself
# ('fsql.checkpointing.background-write' off): with a background write the
# loop goes on printing rows until the fault point kills the process, and
# those rows, printed after the checkpoint's moment, are printed again
# after the restart (allowed for an at-least-once sink, but not what this
# test compares).
. "$(dirname "$0")/lib.bash"

job() { # job CHECKPOINT-DIR
    cat <<EOF2
SET 'state.checkpoints.dir' = '$1';
SET 'execution.checkpointing.interval' = '150 ms';
SET 'fsql.checkpointing.background-write' = 'false';
CREATE TEMPORARY TABLE tx (
    transaction_id BIGINT, user_id BIGINT, amount DECIMAL(15, 2),
    location STRING, transaction_time TIMESTAMP(3),
    WATERMARK FOR transaction_time AS transaction_time - INTERVAL '5' SECOND
) WITH (
    'connector' = 'datagen', 'generator' = 'transactions',
    'number-of-rows' = '3000', 'rows-per-second' = '2000',
    'generator.users' = '20', 'generator.seed' = '11',
    'generator.time-step' = '100 ms', 'generator.out-of-orderness' = '5 s'
);
SELECT 'hop', user_id,
       HOP_START(transaction_time, INTERVAL '1' SECOND, INTERVAL '10' SECOND),
       COUNT(*), SUM(amount), MAX(amount)
FROM tx GROUP BY user_id,
    HOP(transaction_time, INTERVAL '1' SECOND, INTERVAL '10' SECOND);
SELECT 'hop_tvf', user_id, window_start, COUNT(*), MIN(amount)
FROM TABLE(HOP(TABLE tx, DESCRIPTOR(transaction_time), INTERVAL '1' SECOND,
               INTERVAL '10' SECOND))
GROUP BY user_id, window_start, window_end;
SELECT 'hop_distinct', user_id, window_start, COUNT(DISTINCT location)
FROM TABLE(HOP(TABLE tx, DESCRIPTOR(transaction_time), INTERVAL '2' SECOND,
               INTERVAL '6' SECOND))
GROUP BY user_id, window_start, window_end;
SELECT 'cumulate', user_id, window_start, window_end, COUNT(*), MAX(location)
FROM TABLE(CUMULATE(TABLE tx, DESCRIPTOR(transaction_time),
                    INTERVAL '2' SECOND, INTERVAL '10' SECOND))
GROUP BY user_id, window_start, window_end;
SELECT 'session', user_id,
       SESSION_START(transaction_time, INTERVAL '3' SECOND),
       SESSION_END(transaction_time, INTERVAL '3' SECOND), COUNT(*),
       SUM(amount)
FROM tx GROUP BY user_id, SESSION(transaction_time, INTERVAL '3' SECOND);
SELECT 'group', user_id % 4, COUNT(*), MAX(amount), COUNT(DISTINCT location)
FROM tx GROUP BY user_id % 4;
EOF2
}

job "$T/full" >"$T/full.sql"
run run --output changelog "$T/full.sql"
expect_rc 0 "uninterrupted run"
printf '%s\n' "$out" | sort >"$T/want"
n=$(wc -l <"$T/want")
[ "$n" -gt 2000 ] || fail "uninterrupted run: only $n rows"
for q in hop hop_tvf hop_distinct cumulate session group; do
    grep -q "^[-+][IUD]\[$q, " "$T/want" || fail "no '$q' rows"
done
grep -q '^-U\[group, ' "$T/want" || fail "no -U rows from the GROUP BY"

for k in 2 5; do
    job "$T/ck$k" >"$T/ck$k.sql"
    crash_and_resume "$k" changelog "$T/ck$k.sql" "$T/want"
done
finish
