#!/usr/bin/env bash
# idle.sh - idle partitions (table.exec.source.idle-timeout and the table
# option scan.watermark.idle-timeout): a partition that produced no record
# for that long stops holding the watermark back, so a TUMBLE window over
# a 2-partition live topic fires although one partition went quiet; without
# the timeout it does not fire.
. "$(dirname "$0")/lib.inc"
kafka_init
mock_start --topic ev:2 --topic ev2:2 --topic out:1 --topic out2:1 --topic out3:1

# Partition 1: one early record, then nothing; partition 0 starts later
# (records across two windows).  The first window [00:00, 00:10) fires
# once partition 1 counts as idle.  (When every partition is idle the
# watermark stays where it is, as in Flink.)
printf '{"id":100,"ts":"2024-01-01 00:00:01"}\n' | produce ev 1
p0_rows() {
    printf '{"id":%d,"ts":"2024-01-01 00:00:0%d"}\n' 1 2 2 3 3 4 | produce "$1" 0
    printf '{"id":4,"ts":"2024-01-01 00:00:15"}\n' | produce "$1" 0
}

job() { # job TOPIC SET-LINE EXTRA-OPTIONS OUT-TOPIC
    cat >"$tmp/job.sql" <<SQL
$2
CREATE TABLE ev (id BIGINT, ts TIMESTAMP(3),
    WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ($(kafka_with "$1" "'format' = 'json', 'scan.startup.mode' = 'earliest-offset'$3"));
CREATE TABLE o (window_start TIMESTAMP(3), n BIGINT)
WITH ($(kafka_with "$4" "'format' = 'csv'"));
INSERT INTO o SELECT window_start, COUNT(*) AS n
FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '10' SECOND))
GROUP BY window_start, window_end;
SQL
}

# wait_out PATTERN SECONDS TOPIC: until the job's output holds PATTERN.
wait_out() {
    local i
    for i in $(seq $(($2 * 10))); do
        consume "$3" | grep -q "$1" && return 0
        sleep 0.1
    done
    return 1
}

stop_job() {
    kill -TERM "$fsql_pid"
    set +e
    wait "$fsql_pid"
    rc=$?
    set -e
    [ "$rc" = 0 ] || fail "$1: exit $rc"
}

# 1. Session key: the window fires after the idle timeout.
job ev "SET 'table.exec.source.idle-timeout' = '500 ms';" "" out
fsql_bg "$tmp/job.sql"
sleep 1.5
p0_rows ev
wait_out '2024-01-01 00:00:00.000"\?,4' 15 out || fail "the window did not fire with an idle partition"
stop_job "idle-timeout run"

# 2. Without a timeout the quiet partition holds the watermark back.
job ev "" "" out2
fsql_bg "$tmp/job.sql"
sleep 2
consume out2 | grep -q '2024-01-01 00:00:00.000' &&
    fail "the window fired although partition 1 holds the watermark back"
stop_job "run without a timeout"

# 3. The table option (overrides the session key), on a second topic; a
#    partition that produces again holds the watermark back again.
printf '{"id":200,"ts":"2024-01-01 00:00:01"}\n' | produce ev2 1
job ev2 "SET 'table.exec.source.idle-timeout' = '1 h';" ", 'scan.watermark.idle-timeout' = '300 ms'" out3
fsql_bg "$tmp/job.sql"
sleep 1
printf '{"id":1,"ts":"2024-01-01 00:00:02"}\n{"id":2,"ts":"2024-01-01 00:00:15"}\n' | produce ev2 0
wait_out '2024-01-01 00:00:00.000"\?,2' 15 out3 || fail "the table option did not make the partition idle"
printf '{"id":201,"ts":"2024-01-01 00:00:12"}\n' | produce ev2 1
sleep 0.3
printf '{"id":3,"ts":"2024-01-01 00:00:35"}\n' | produce ev2 0
# Partition 1 is active again at 00:00:12: [00:10, 00:20) waits until it
# is idle again and partition 0 moves on.
sleep 0.2
consume out3 | grep -q '2024-01-01 00:00:10.000' &&
    fail "the second window fired while partition 1 was active again"
sleep 0.8
printf '{"id":4,"ts":"2024-01-01 00:00:36"}\n' | produce ev2 0
wait_out '2024-01-01 00:00:10.000"\?,2' 15 out3 || fail "the second window did not fire"
stop_job "table option run"
echo "ok: idle partitions (session key, table option, reactivation)"
