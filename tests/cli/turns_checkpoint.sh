#!/usr/bin/env bash
# turns_checkpoint.sh - two bounded sources are read in turns of 1,024 rows
# chosen by watermark (runtime/wm_align.h), and a checkpoint keeps the turn
# in progress, so a job killed and restored reads its sources in the same
# order as one never stopped: the same windows, with the same late rows
# dropped.  Two generated streams of different density and disorder go
# through UNION ALL into a 1-second TUMBLE count: which rows are late
# depends on how the two streams interleave.  Killed right after its 2nd /
# 4th checkpoint (150 ms apart, mid-turn since the sources are
# rate-limited), the rows before the crash plus those after the restart
# must be exactly the uninterrupted run's (the window counts show which
# rows were late).
# Without the turn in the checkpoint the restarted job picked a fresh turn
# and its windows differed.
. "$(dirname "$0")/lib.bash"

job() { # job CHECKPOINT-DIR
    cat <<EOF2
SET 'state.checkpoints.dir' = '$1';
SET 'execution.checkpointing.interval' = '150 ms';
SET 'fsql.checkpointing.background-write' = 'false';
CREATE TEMPORARY TABLE a (
    transaction_id BIGINT, user_id BIGINT, amount DECIMAL(15, 2),
    location STRING, transaction_time TIMESTAMP(3),
    WATERMARK FOR transaction_time AS transaction_time - INTERVAL '1' SECOND
) WITH (
    'connector' = 'datagen', 'generator' = 'transactions',
    'number-of-rows' = '4000', 'rows-per-second' = '4000',
    'generator.users' = '10', 'generator.seed' = '3',
    'generator.time-step' = '50 ms', 'generator.out-of-orderness' = '4 s'
);
CREATE TEMPORARY TABLE b (
    transaction_id BIGINT, user_id BIGINT, amount DECIMAL(15, 2),
    location STRING, transaction_time TIMESTAMP(3),
    WATERMARK FOR transaction_time AS transaction_time - INTERVAL '1' SECOND
) WITH (
    'connector' = 'datagen', 'generator' = 'transactions',
    'number-of-rows' = '3000', 'rows-per-second' = '3000',
    'generator.users' = '10', 'generator.seed' = '4',
    'generator.time-step' = '80 ms', 'generator.out-of-orderness' = '3 s'
);
SELECT window_start, COUNT(*) AS n, SUM(amount) AS total
FROM TABLE(TUMBLE(TABLE (SELECT transaction_time, amount FROM a
                         UNION ALL SELECT transaction_time, amount FROM b),
                  DESCRIPTOR(transaction_time), INTERVAL '1' SECOND))
GROUP BY window_start, window_end;
EOF2
}

late() { sed -n 's/.* \([0-9]*\) late rows\{0,1\} dropped.*/\1/p' <<<"$1"; }

job "$T/full" >"$T/full.sql"
run run --output csv "$T/full.sql"
expect_rc 0 "uninterrupted run"
printf '%s\n' "$out" | grep -v '^window_start' | sort >"$T/want"
full_late=$(late "$err")
n=$(wc -l <"$T/want")
[ "$n" -gt 100 ] || fail "uninterrupted run: only $n windows"
[ -n "$full_late" ] && [ "$full_late" -gt 0 ] ||
    fail "no late rows in the uninterrupted run: $(tail -1 "$T/err")"
# the same job again gives the same windows (the turns do not depend on
# timing, although the sources are rate-limited)
job "$T/full2" >"$T/full2.sql"
run run --output csv "$T/full2.sql"
printf '%s\n' "$out" | grep -v '^window_start' | sort >"$T/again"
[ "$(late "$err")" = "$full_late" ] || fail "a second run dropped $(late "$err") late rows, not $full_late"
cmp -s "$T/want" "$T/again" || fail "a second uninterrupted run differs"

for k in 2 4; do
    job "$T/ck$k" >"$T/ck$k.sql"
    crash_and_resume "$k" csv "$T/ck$k.sql" "$T/want" '^window_start'
done
finish
