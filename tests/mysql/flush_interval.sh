#!/usr/bin/env bash
# flush_interval.sh - sink.buffer-flush.interval flushes on a timer (issue
# 6): a Kafka job (fsql-kafka-mock, input produced with kcat) receives
# three rows and then nothing; its MariaDB and SQLite sinks, whose row
# limit (100) is never reached, must show the rows while the job is still
# running and idle - without the timer they would wait for the next row or
# the end of the job.  Then SIGTERM stops the job with exit 0.
. "$(dirname "$0")/lib.sh"
command -v kcat >/dev/null 2>&1 || skip "kcat is not installed"
command -v sqlite3 >/dev/null 2>&1 || skip "sqlite3 is not installed"
MOCK=$(dirname "$FSQL")/fsql-kafka-mock
[ -x "$MOCK" ] || fail "missing $MOCK (run make)"
mysql_start

mkfifo "$T/ctl"
"$MOCK" --topic ev:1 <"$T/ctl" >"$T/mock.out" 2>"$T/mock.err" &
MOCK_PID=$!
exec 7>"$T/ctl"
trap 'exec 7>&-; kill $MOCK_PID ${JOB_PID:-} 2>/dev/null; cleanup' EXIT
for i in $(seq 200); do
    [ -s "$T/mock.out" ] && break
    sleep 0.05
done
BS=$(head -n 1 "$T/mock.out" | sed 's/^bootstrap.servers=//')
[ -n "$BS" ] || fail "the mock cluster did not start"

my_sql "CREATE TABLE ev (id BIGINT, name VARCHAR(20))"
printf '{"id":1,"name":"a"}\n{"id":2,"name":"b"}\n{"id":3,"name":"c"}\n' |
    timeout 20 kcat -P -b "$BS" -t ev -p 0 || fail "kcat could not produce"

cat >"$T/job.sql" <<EOF
CREATE TABLE src (id BIGINT, name STRING)
WITH ('connector' = 'kafka', 'topic' = 'ev', 'properties.bootstrap.servers' = '$BS',
      'scan.startup.mode' = 'earliest-offset', 'format' = 'json');
CREATE TABLE my_ev (id BIGINT, name STRING)
WITH ($(my_with ev "'sink.buffer-flush.max-rows' = '100', 'sink.buffer-flush.interval' = '300 ms'"));
CREATE TABLE lite_ev (id BIGINT, name STRING)
WITH ('connector' = 'jdbc', 'url' = 'jdbc:sqlite:$T/ev.db', 'table-name' = 'ev',
      'sink.buffer-flush.max-rows' = '100', 'sink.buffer-flush.interval' = '300 ms');
EXECUTE STATEMENT SET BEGIN
INSERT INTO my_ev SELECT id, name FROM src;
INSERT INTO lite_ev SELECT id, name FROM src;
END;
EOF
"$FSQL" run "$T/job.sql" >"$T/out.txt" 2>"$T/err.txt" &
JOB_PID=$!

my_n=0
lite_n=0
for i in $(seq 100); do
    my_n=$(my_sql "SELECT COUNT(*) FROM ev")
    lite_n=$(sqlite3 "$T/ev.db" "SELECT COUNT(*) FROM ev" 2>/dev/null || echo 0)
    [ "$my_n" = 3 ] && [ "$lite_n" = 3 ] && break
    kill -0 "$JOB_PID" 2>/dev/null || break
    sleep 0.1
done
kill -0 "$JOB_PID" 2>/dev/null || fail "the job ended early: $(cat "$T/err.txt")"
[ "$my_n" = 3 ] || fail "MariaDB sink shows $my_n of 3 rows 10 s after they were read"
[ "$lite_n" = 3 ] || fail "SQLite sink shows $lite_n of 3 rows 10 s after they were read"

kill -TERM "$JOB_PID"
wait "$JOB_PID"
rc=$?
JOB_PID=
[ "$rc" = 0 ] || fail "SIGTERM: exit $rc: $(cat "$T/err.txt")"
[ "$(my_sql "SELECT GROUP_CONCAT(id ORDER BY id) FROM ev")" = "1,2,3" ] ||
    fail "MariaDB rows after stop: $(my_sql "SELECT * FROM ev")"
echo "ok: sink.buffer-flush.interval writes idle rows on a timer (MariaDB, SQLite)"
