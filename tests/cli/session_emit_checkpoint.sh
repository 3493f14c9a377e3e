#!/usr/bin/env bash
# session_emit_checkpoint.sh - SESSION windows under 'table.exec.late-data'
# = 'emit' keep their fired sessions for the allowed lateness (issue 4),
# and those kept sessions survive a crash (issue 10).  Generated
# transactions, 20 users, out of order by up to 5 s behind a 1 s
# watermark, so many rows are late: some reach a kept session and fire
# it again (the same user and session start printed twice or more), some
# are later than the 2 s lateness and are dropped.  The job checkpoints
# every 150 ms, is killed right after its 2nd / 5th durable checkpoint
# and restarted from it: the rows before the crash plus those after the
# restart must be exactly an uninterrupted run's.
. "$(dirname "$0")/lib.bash"

job() { # job CHECKPOINT-DIR
    cat <<EOF2
SET 'state.checkpoints.dir' = '$1';
SET 'execution.checkpointing.interval' = '150 ms';
SET 'fsql.checkpointing.background-write' = 'false';
SET 'table.exec.late-data' = 'emit';
SET 'table.exec.emit.allow-lateness' = '2 s';
CREATE TEMPORARY TABLE tx (
    transaction_id BIGINT, user_id BIGINT, amount DECIMAL(15, 2),
    location STRING, transaction_time TIMESTAMP(3),
    WATERMARK FOR transaction_time AS transaction_time - INTERVAL '1' SECOND
) WITH (
    'connector' = 'datagen', 'generator' = 'transactions',
    'number-of-rows' = '3000', 'rows-per-second' = '2000',
    'generator.users' = '20', 'generator.seed' = '11',
    'generator.time-step' = '100 ms', 'generator.out-of-orderness' = '5 s'
);
SELECT 'session', user_id,
       SESSION_START(transaction_time, INTERVAL '1' SECOND),
       SESSION_END(transaction_time, INTERVAL '1' SECOND), COUNT(*),
       SUM(amount)
FROM tx GROUP BY user_id, SESSION(transaction_time, INTERVAL '1' SECOND);
EOF2
}

job "$T/full" >"$T/full.sql"
run run --output changelog "$T/full.sql"
expect_rc 0 "uninterrupted run"
printf '%s\n' "$out" | sort >"$T/want"
n=$(wc -l <"$T/want")
[ "$n" -gt 1000 ] || fail "uninterrupted run: only $n rows"
refired=$(awk -F', ' '{print $2 "," $3}' "$T/want" | sort | uniq -d | wc -l)
[ "$refired" -gt 20 ] || fail "only $refired sessions fired again by late rows"
grep -Eq '[0-9]+ late rows? dropped' "$T/err" ||
    fail "no row later than the allowed lateness was dropped: $(tail -1 "$T/err")"

for k in 2 5; do
    job "$T/ck$k" >"$T/ck$k.sql"
    crash_and_resume "$k" changelog "$T/ck$k.sql" "$T/want"
done
finish
