#!/usr/bin/env bash
# over_checkpoint.sh - OVER windows (RANGE COUNT/SUM, COUNT DISTINCT, LAG,
# LEAD, ROW_NUMBER) restored from checkpoints: a rate-limited datagen job
# writing an exactly-once CSV sink is killed with SIGKILL three times at
# different moments and restarted each time; the files it finally
# committed must hold exactly the rows of one uninterrupted run (no row
# lost or duplicated, every value equal).  The restarted runs read fewer
# rows than the whole input, which shows that they resumed.
. "$(dirname "$0")/lib.bash"

FSQL_ABS=$(cd "$(dirname "$FSQL")" && pwd)/$(basename "$FSQL")

job() { # job OUTDIR
    cat <<EOF2
SET 'execution.checkpointing.interval' = '200 ms';
CREATE TEMPORARY TABLE tx (
    transaction_id BIGINT, user_id BIGINT, amount DECIMAL(15, 2),
    merchant_id BIGINT, transaction_type STRING, transaction_time TIMESTAMP(3),
    ip_address STRING, device_id STRING, location STRING,
    WATERMARK FOR transaction_time AS transaction_time - INTERVAL '10' SECOND
) WITH (
    'connector' = 'datagen', 'generator' = 'transactions',
    'number-of-rows' = '40000', 'rows-per-second' = '20000',
    'generator.users' = '300', 'generator.merchants' = '100',
    'generator.seed' = '7', 'generator.start-time' = '2024-03-01 00:00:00',
    'generator.time-step' = '10 ms', 'generator.out-of-orderness' = '5 s'
);
CREATE TABLE out (transaction_id BIGINT, user_id BIGINT, c1h BIGINT,
    s1h DECIMAL(38, 2), dip BIGINT, prev_amt DECIMAL(15, 2),
    next_amt DECIMAL(15, 2), rn BIGINT)
WITH ('connector' = 'filesystem', 'path' = '$1', 'format' = 'csv',
      'sink.delivery-guarantee' = 'exactly-once');
INSERT INTO out
SELECT transaction_id, user_id, COUNT(*) OVER w1, SUM(amount) OVER w1,
  COUNT(DISTINCT ip_address) OVER (PARTITION BY user_id
    ORDER BY transaction_time
    RANGE BETWEEN INTERVAL '24' HOUR PRECEDING AND CURRENT ROW),
  LAG(amount) OVER w, LEAD(amount) OVER w, ROW_NUMBER() OVER w
FROM tx
WINDOW w AS (PARTITION BY user_id ORDER BY transaction_time),
  w1 AS (PARTITION BY user_id ORDER BY transaction_time
         RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW);
EOF2
}
job "$T/out1" >"$T/j1.sql"
job "$T/out2" >"$T/j2.sql"

"$FSQL_ABS" run --checkpoint-dir "$T/ck1" "$T/j1.sql" >/dev/null 2>"$T/e1" ||
    fail "uninterrupted run failed: $(cat "$T/e1")"

for d in 0.4 0.7 0.5; do
    "$FSQL_ABS" run --checkpoint-dir "$T/ck2" "$T/j2.sql" >/dev/null 2>&1 &
    pid=$!
    sleep "$d"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
done
"$FSQL_ABS" run --checkpoint-dir "$T/ck2" "$T/j2.sql" >/dev/null 2>"$T/e2" ||
    fail "restarted run failed: $(cat "$T/e2")"
rows_in=$(sed -n 's/^fsql: \([0-9]*\) rows in.*/\1/p' "$T/e2" | tail -1)
[ -n "$rows_in" ] && [ "$rows_in" -lt 40000 ] ||
    fail "the last run should resume from a checkpoint: $(cat "$T/e2")"

cat "$T"/out1/*.csv 2>/dev/null | sort >"$T/s1"
cat "$T"/out2/*.csv 2>/dev/null | sort >"$T/s2"
[ "$(wc -l <"$T/s1")" = 40000 ] || fail "uninterrupted: $(wc -l <"$T/s1") rows, want 40000"
cmp -s "$T/s1" "$T/s2" ||
    fail "killed and restarted runs differ: $(diff "$T/s1" "$T/s2" | head -5)"

finish
