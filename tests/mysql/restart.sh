#!/usr/bin/env bash
# restart.sh - the MySQL server is killed (kill -9) in the middle of a
# lookup job and started again: the job reports the retries, waits, and
# goes on; its output equals the output of a run against a healthy
# server (no row lost, none doubled).  Then the server is killed for good:
# with lookup.failure-mode FAIL the job stops with a clear error after
# its retries, with NULL the rows pass with NULL dimension columns and the
# job summary counts them.
. "$(dirname "$0")/lib.sh"
mysql_start

N=${RESTART_ROWS:-40000}
my_sql "CREATE TABLE users (id BIGINT PRIMARY KEY, name VARCHAR(40), score DECIMAL(6,2));"
python3 - "$T" "$N" <<'EOF'
import sys, random
t, n = sys.argv[1], int(sys.argv[2])
random.seed(7)
with open(t + "/users.tsv", "w") as f:
    for i in range(1, 3001):
        f.write("%d\tuser-%d\t%d.%02d\n" % (i, i, i % 97, i % 100))
with open(t + "/ev.jsonl", "w") as f:
    for i in range(n):
        f.write('{"id":%d,"uid":%d}\n' % (i, random.randint(1, 3300)))
EOF
my_sql "LOAD DATA LOCAL INFILE '$T/users.tsv' INTO TABLE users" 2>/dev/null ||
    "$MYSQL_CLI" --no-defaults --local-infile=1 -S "$MY_SOCK" -uroot "$MY_DB" \
        -e "LOAD DATA LOCAL INFILE '$T/users.tsv' INTO TABLE users" ||
    fail "could not load users"

# One query per row (no cache, batch size 1) so that the job runs long
# enough to be interrupted.
write_job() { # write_job EXTRA-OPTIONS
    cat >"$T/job.sql" <<EOF
CREATE TABLE ev (id BIGINT, uid BIGINT, pt AS TIMESTAMP '2024-01-01 00:00:00', WATERMARK FOR pt AS pt)
WITH ('connector' = 'filesystem', 'path' = 'ev.jsonl', 'format' = 'json');
CREATE TABLE users (id BIGINT, name STRING, score DECIMAL(6, 2))
WITH ($(my_with users "'lookup.cache' = 'NONE', 'lookup.batch-size' = '1'${1:+, $1}"));
CREATE TABLE out_t (id BIGINT, name STRING, score DECIMAL(6, 2))
WITH ('connector' = 'filesystem', 'path' = 'out.csv', 'format' = 'csv');
INSERT INTO out_t SELECT e.id, u.name, u.score
FROM ev e LEFT JOIN users FOR SYSTEM_TIME AS OF e.pt AS u ON e.uid = u.id;
EOF
}

ALL_OUT=$T/all-output.txt
: >"$ALL_OUT"

# ---- the reference run against a healthy server ----------------------------
write_job ""
(cd "$T" && "$FSQL" run job.sql >run.out 2>run.err)
rc=$?
cat "$T/run.out" "$T/run.err" >>"$ALL_OUT"
[ "$rc" = 0 ] || fail "healthy run exited $rc: $(cat "$T/run.err")"
cat "$T/out.csv" | sort >"$T/want.csv"
[ "$(wc -l <"$T/want.csv")" = "$N" ] || fail "healthy run: want $N rows"
rm -f "$T/out.csv"

# ---- kill -9 mid-run, restart ----------------------------------------------
write_job "'connection.max-retry-timeout' = '60 s'"
(cd "$T" && exec "$FSQL" run job.sql >run.out 2>run.err) &
job=$!
sleep 0.3
kill -0 "$job" 2>/dev/null || fail "the job ended before the server was killed (raise RESTART_ROWS)"
mysql_kill9
sleep 1
mysql_restart
wait "$job"
rc=$?
cat "$T/run.out" "$T/run.err" >>"$ALL_OUT"
[ "$rc" = 0 ] || fail "the job did not survive the restart (exit $rc): $(tail -n 5 "$T/run.err")"
expect_in "$(cat "$T/run.err")" "retrying in" "the retries are reported"
cat "$T/out.csv" | sort >"$T/got.csv"
diff -q "$T/want.csv" "$T/got.csv" >/dev/null ||
    fail "output after the restart differs from the healthy run ($(wc -l <"$T/got.csv") rows): $(diff "$T/want.csv" "$T/got.csv" | head -n 5)"
rm -f "$T/out.csv"

# ---- slow server: a view that sleeps for two keys ---------------------------
# Key 7 answers in 0.3 s (within the read timeout: joined normally), key
# 13 in 3 s (beyond it: the query fails and is retried).
my_sql "CREATE VIEW slow_users AS SELECT * FROM users
    WHERE SLEEP(CASE id WHEN 13 THEN 3 WHEN 7 THEN 0.3 ELSE 0 END) = 0"
printf '{"id":%d,"uid":%d}\n' 1 1 2 7 3 13 4 2 >"$T/few.jsonl"
slow_job() { # slow_job FAILURE-MODE
    cat >"$T/slow.sql" <<EOF
CREATE TABLE ev (id BIGINT, uid BIGINT, pt AS TIMESTAMP '2024-01-01 00:00:00', WATERMARK FOR pt AS pt)
WITH ('connector' = 'filesystem', 'path' = 'few.jsonl', 'format' = 'json');
CREATE TABLE users (id BIGINT, name STRING)
WITH ($(my_with slow_users "'lookup.batch-size' = '1', 'lookup.max-retries' = '1', 'connection.read-timeout' = '1 s', 'lookup.failure-mode' = '$1'"));
SELECT e.id, u.name
FROM ev e LEFT JOIN users FOR SYSTEM_TIME AS OF e.pt AS u ON e.uid = u.id;
EOF
    (cd "$T" && "$FSQL" run --output changelog slow.sql >slow.out 2>slow.err)
    rc=$?
    cat "$T/slow.out" "$T/slow.err" >>"$ALL_OUT"
    out=$(cat "$T/slow.out")
    err=$(cat "$T/slow.err")
}
slow_job NULL
[ "$rc" = 0 ] || fail "slow server, NULL mode: exit $rc: $err"
[ "$out" = "+I[1, user-1]
+I[2, user-7]
+I[3, <NULL>]
+I[4, user-2]" ] || fail "slow server, NULL mode rows: $out"
expect_in "$err" "Lost connection" "slow server: the read timeout is reported"
expect_in "$err" "retrying in" "slow server: retried"
expect_in "$err" "1 failed lookup passed with NULL dimension columns" \
    "slow server: counted in the summary"

slow_job FAIL
[ "$rc" = 2 ] || fail "slow server, FAIL mode: want exit 2, got $rc: $err"
expect_in "$err" "gave up after the retries" "slow server: FAIL mode message"
expect_in "$err" "table \"users\"" "slow server: FAIL mode names the table"

# ---- server gone for good ----------------------------------------------------
gone_job() { # gone_job FAILURE-MODE
    write_job "'connection.max-retry-timeout' = '1 s', 'lookup.max-retries' = '1', 'lookup.failure-mode' = '$1'"
    rm -f "$T/out.csv"
    (cd "$T" && exec "$FSQL" run job.sql >run.out 2>run.err) &
    job=$!
    sleep 0.3
    kill -0 "$job" 2>/dev/null || fail "the job ended before the server was killed"
    mysql_kill9
    wait "$job"
    rc=$?
    cat "$T/run.out" "$T/run.err" >>"$ALL_OUT"
    err=$(cat "$T/run.err")
    mysql_restart
}
gone_job NULL
[ "$rc" = 0 ] || fail "server gone, NULL mode: exit $rc: $err"
rows=$(cat "$T/out.csv" | wc -l)
[ "$rows" = "$N" ] || fail "server gone, NULL mode: want $N rows, got $rows"
expect_in "$err" "failed lookups passed with NULL dimension columns" \
    "server gone: NULL mode counter"
expect_in "$err" "rows pass without dimension columns" "server gone: reported"

gone_job FAIL
[ "$rc" = 2 ] || fail "server gone, FAIL mode: want exit 2, got $rc: $err"
expect_in "$err" "could not connect to MySQL server \"127.0.0.1:$MY_PORT\"" \
    "server gone: FAIL mode message"

if grep -qF -- "$MY_PASS" "$ALL_OUT"; then
    fail "the password appears in fsql's output"
fi
echo "ok"
