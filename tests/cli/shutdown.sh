#!/usr/bin/env bash
# shutdown.sh - graceful shutdown of `fsql run` (issue 10): SIGTERM and
# SIGINT during a run stop the sources, flush the sinks and exit 0 within
# the bound, with every row counted in the output file (whole lines only);
# a second signal exits at once with a message; a shutdown that hangs
# (here: a Kafka sink whose broker does not answer) ends after
# --shutdown-timeout with exit 2.
. "$(dirname "$0")/lib.bash"

cat >"$T/job.sql" <<'EOF'
CREATE TABLE tx (user_id BIGINT, amount DECIMAL(15, 2),
    transaction_time TIMESTAMP(3),
    WATERMARK FOR transaction_time AS transaction_time - INTERVAL '1' SECOND)
WITH ('connector' = 'datagen', 'generator' = 'transactions',
      'rows-per-second' = '500', 'generator.seed' = '5');
CREATE TABLE raw_t (user_id BIGINT, amount DECIMAL(15, 2))
WITH ('connector' = 'filesystem', 'path' = 'raw.jsonl', 'format' = 'json');
CREATE TABLE big_t (user_id BIGINT, amount DECIMAL(15, 2))
WITH ('connector' = 'filesystem', 'path' = 'big.csv', 'format' = 'csv');
EXECUTE STATEMENT SET BEGIN
INSERT INTO raw_t SELECT user_id, amount FROM tx;
INSERT INTO big_t SELECT user_id, amount FROM tx WHERE amount > 100;
END;
EOF

now_ms() { date +%s%3N; }

# stop_run SIGNAL: run job.sql for about a second, send SIGNAL, wait.
stop_run() {
    rm -f "$T/raw.jsonl" "$T/big.csv"
    (cd "$T" && exec "$FSQL_ABS" run --log-level info job.sql \
        >out.txt 2>err.txt) &
    local pid=$!
    sleep 1
    local t0
    t0=$(now_ms)
    kill -"$1" "$pid"
    wait "$pid"
    rc=$?
    took=$(($(now_ms) - t0))
    err=$(cat "$T/err.txt")
}

for sig in TERM INT; do
    stop_run "$sig"
    expect_rc 0 "SIG$sig"
    [ "$took" -lt 3000 ] || fail "SIG$sig: exit took $took ms"
    expect_in "$err" "(stopped)" "SIG$sig summary"
    expect_in "$err" "info: shutdown: sinks flushed" "SIG$sig log"
    expect_in "$err" "info: shutdown: complete" "SIG$sig log end"
    rows_in=$(sed -n 's/^fsql: \([0-9]*\) rows\? in, \([0-9]*\) rows\? out.*/\1/p' "$T/err.txt")
    rows_out=$(sed -n 's/^fsql: \([0-9]*\) rows\? in, \([0-9]*\) rows\? out.*/\2/p' "$T/err.txt")
    raw=$(wc -l <"$T/raw.jsonl")
    big=$(wc -l <"$T/big.csv")
    [ "$raw" -gt 100 ] || fail "SIG$sig: only $raw rows in raw.jsonl"
    [ "$raw" = "$rows_in" ] || fail "SIG$sig: raw.jsonl has $raw rows, $rows_in read"
    [ "$((raw + big))" = "$rows_out" ] ||
        fail "SIG$sig: files hold $raw + $big rows, $rows_out counted"
    [ "$(tail -c1 "$T/raw.jsonl" | od -An -c | tr -d ' ')" = '\n' ] ||
        fail "SIG$sig: raw.jsonl ends in a partial line"
done

# A Kafka sink whose broker refuses connections keeps the start (and so
# the shutdown) busy for seconds: the second signal must not wait.
cat >"$T/kafka.sql" <<'EOF'
CREATE TABLE tx (user_id BIGINT) WITH ('connector' = 'datagen',
    'rows-per-second' = '50');
CREATE TABLE o (user_id BIGINT) WITH ('connector' = 'kafka', 'topic' = 'x',
    'properties.bootstrap.servers' = '127.0.0.1:1', 'format' = 'json');
INSERT INTO o SELECT user_id FROM tx;
EOF
(cd "$T" && exec "$FSQL_ABS" run kafka.sql >out2.txt 2>err2.txt) &
pid=$!
sleep 0.7
kill -TERM "$pid"
sleep 0.3
t0=$(now_ms)
kill -TERM "$pid"
wait "$pid"
rc=$?
took=$(($(now_ms) - t0))
expect_rc 143 "second signal"
[ "$took" -lt 1000 ] || fail "second signal: exit took $took ms"
expect_in "$(cat "$T/err2.txt")" "second signal; exiting at once" "second signal message"

(cd "$T" && exec "$FSQL_ABS" run --shutdown-timeout 1 kafka.sql \
    >out3.txt 2>err3.txt) &
pid=$!
sleep 0.5
t0=$(now_ms)
kill -TERM "$pid"
wait "$pid"
rc=$?
took=$(($(now_ms) - t0))
expect_rc 2 "shutdown timeout"
[ "$took" -lt 2500 ] || fail "shutdown timeout: exit took $took ms"
expect_in "$(cat "$T/err3.txt")" "shutdown did not finish within 1 s" "timeout message"

run --shutdown-timeout soon -e "SELECT 1"
expect_rc 3 "bad --shutdown-timeout"

finish
