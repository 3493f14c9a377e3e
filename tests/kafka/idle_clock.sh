#!/usr/bin/env bash
# idle_clock.sh - idle partitions, deterministically: the test clock
# FSQL_TEST_IDLE_CLOCK_STEP_MS=100 makes the WatermarkAssigner's idle
# clock advance 100 ms per row received (from any partition) instead of
# following processing time, so with an idle timeout of 1 s a partition
# turns idle exactly when the 10th row of another partition arrives
# after its own last row (or its assignment), whatever the machine's
# load, the fetch sizes or the batch boundaries.
#
# Every "did not happen" assertion is tied to counts, not to time: the
# job's /metrics page is rendered by the job loop between push cycles,
# so once fsql_records_in_total of the WatermarkAssigner equals the number
# of rows produced, the page's watermark, window output count and late
# count are those after exactly that many rows.  Waiting for a count has
# a generous cap (60 s) and never decides the outcome.
#
#   1. SET 'table.exec.source.idle-timeout' = '1 s': partition 1's one
#      row, then 9 rows of partition 0 leave the watermark at partition
#      1's value (window not fired); the 10th fires [00:00, 00:10) with
#      its 4 rows.  Partition 1 produces again (not late): it holds the
#      watermark again for 9 more rows of partition 0, the 10th fires
#      [00:10, 00:20) with partition 1's row in it.  Then partition 1's
#      row behind the watermark is counted late and reaches the late-data
#      sink (not lost silently).
#   2. No timeout: 40 rows of partition 0 and the window never fires.
#   3. The table option scan.watermark.idle-timeout = '500 ms' overrides
#      the session key (1 h): the window fires at exactly the 5th row.
#   4. Without the test clock (processing time, 300 ms) and partition 0
#      producing every 0.3 s: the window fires with its 4 rows (a
#      positive check with a cap: timing can delay it, not decide it).
# tests/kafka/idle.sh is the same story on the wall clock (gated by
# FSQL_TIMING_TESTS=1).
. "$(dirname "$0")/lib.inc"
kafka_init
command -v curl >/dev/null || { echo "skip: curl not installed"; exit 77; }
mock_start --topic ev:2 --topic ev2:2 --topic ev3:2 --topic ev4:2 \
    --topic out:1 --topic out2:1 --topic out3:1 --topic out4:1 --topic late:1

export FSQL_TEST_IDLE_CLOCK_STEP_MS=100
export FSQL_METRICS_INTERVAL_MS=50

job() { # job TOPIC SET-LINES EXTRA-OPTIONS OUT-TOPIC
    cat >"$tmp/job.sql" <<SQL
SET 'table.exec.late-data.sink' = 'late';
$2
CREATE TABLE ev (id BIGINT, ts TIMESTAMP(3),
    WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ($(kafka_with "$1" "'format' = 'json', 'properties.group.id' = 'g-$4',
    'scan.startup.mode' = 'earliest-offset',
    'scan.watermark.emit.strategy' = 'on-event'$3"));
CREATE TABLE o (window_start TIMESTAMP(3), n BIGINT, ids STRING)
WITH ($(kafka_with "$4" "'format' = 'csv'"));
CREATE TABLE late (operator_name STRING, row_time TIMESTAMP(3),
    watermark_time TIMESTAMP(3), id BIGINT)
WITH ($(kafka_with late "'format' = 'csv'"));
INSERT INTO o SELECT window_start, COUNT(*) AS n,
    LISTAGG(CAST(id AS STRING)) AS ids
FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '10' SECOND))
WHERE id > 0
GROUP BY window_start, window_end;
SQL
}

start_job() {
    # (the previous job's log names its port: gone before this one starts)
    rm -f "$tmp/run.err"
    fsql_bg "$tmp/job.sql" --metrics-port 0 --log-level info
    metrics_port "$tmp/run.err" 30 "$fsql_pid" || fail "no metrics port in the log"
}

stop_job() {
    kill -TERM "$fsql_pid"
    set +e
    wait "$fsql_pid"
    rc=$?
    set -e
    [ "$rc" = 0 ] || fail "$1: exit $rc"
}

# scrape: one page into $page.  sample KIND FAMILY: the value of the
# family's sample of the operator of that kind (0 when none).
scrape() {
    page=$({ curl -sf "http://127.0.0.1:$port/metrics" || true; })
}
sample() {
    printf '%s\n' "$page" | awk -v f="$2" -v k="\"$1\"" '
        index($0, f "{") == 1 && index($0, k) > 0 { v = $NF }
        END { print (v == "" ? 0 : v) }'
}

# at ROWS: wait (cap 60 s) until the WatermarkAssigner has received ROWS
# rows, then set wm (watermark, Unix seconds), fired (rows out of the
# window aggregate) and late (late rows dropped) from that same page
# (wm is "none" before the first watermark).  DEBUG=1 KEEP=1 keeps each
# checked page as $tmp/page.ROWS.
at() {
    local i n=
    for i in $(seq 600); do
        scrape
        n=$(sample WatermarkAssigner fsql_records_in_total)
        [ "$n" = "$1" ] && break
        [ "$n" -gt "$1" ] 2>/dev/null && fail "$n rows in, expected $1"
        sleep 0.1
    done
    [ -z "${DEBUG:-}" ] || printf '%s\n' "$page" >"$tmp/page.$1"
    [ "$n" = "$1" ] || fail "the job received $n rows, expected $1"
    wm=$(printf '%s\n' "$page" | awk '
        index($0, "fsql_watermark_seconds{") == 1 &&
        index($0, "\"WatermarkAssigner\"") > 0 { v = $NF }
        END { print (v == "" ? "none" : v) }')
    fired=$(sample WindowAggregate fsql_records_out_total)
    late=$(printf '%s\n' "$page" |
        awk 'index($0, "fsql_late_records_dropped_total{") == 1 { s += $NF }
             END { print s + 0 }')
}

# expect_wm ROWS TS FIRED LATE: after ROWS rows the watermark is TS
# (UTC "YYYY-mm-dd HH:MM:SS", or none: no watermark yet), FIRED windows
# fired, LATE rows were late.
expect_wm() {
    at "$1"
    local want=none
    [ "$2" = none ] || want=$(date -u -d "$2" +%s)
    [ "$wm" = "$want" ] ||
        awk -v a="$wm" -v b="$want" 'BEGIN { exit !(a != "none" && a + 0 == b + 0) }' ||
        fail "after $1 rows: watermark $wm, expected $want ($2)"
    [ "$fired" = "$3" ] || fail "after $1 rows: $fired windows fired, expected $3"
    [ "$late" = "$4" ] || fail "after $1 rows: $late late rows, expected $4"
}

# fill TOPIC TS N: N filler rows (id 0, filtered out by the job) at TS on
# partition 0, in one kcat call (batching does not matter: the clock
# counts rows).
fill() {
    local i
    for i in $(seq "$3"); do
        printf '{"id":0,"ts":"2024-01-01 %s"}\n' "$2"
    done | produce "$1" 0
}

# ---- 1. session key, reactivation, late row --------------------------------
printf '{"id":100,"ts":"2024-01-01 00:00:01"}\n' | produce ev 1
job ev "SET 'table.exec.source.idle-timeout' = '1 s';" "" out
start_job
expect_wm 1 none 0 0
printf '{"id":%d,"ts":"2024-01-01 00:00:0%d"}\n' 1 2 2 3 3 4 | produce ev 0
printf '{"id":4,"ts":"2024-01-01 00:00:15"}\n' | produce ev 0
fill ev 00:00:16 5
# 9 rows of partition 0: partition 1 still holds the watermark.
expect_wm 10 "2024-01-01 00:00:00" 0 0
fill ev 00:00:16 1
# The 10th: partition 1 is idle, the watermark is partition 0's.
expect_wm 11 "2024-01-01 00:00:15" 1 0
# Partition 1 produces again, not late (its window [00:10, 00:20) is
# open): it holds the watermark at 00:00:15 while partition 0 moves on.
printf '{"id":201,"ts":"2024-01-01 00:00:14.500"}\n' | produce ev 1
expect_wm 12 "2024-01-01 00:00:15" 1 0
fill ev 00:00:31 9
expect_wm 21 "2024-01-01 00:00:15" 1 0
fill ev 00:00:31 1
expect_wm 22 "2024-01-01 00:00:30" 2 0
# A row of partition 1 behind the watermark, for the fired window
# [00:00, 00:10): late, counted and written to the late-data sink.
printf '{"id":202,"ts":"2024-01-01 00:00:05"}\n' | produce ev 1
expect_wm 23 "2024-01-01 00:00:30" 2 1
stop_job "idle-timeout run"
got=$(consume out | tr -d '"')
want='2024-01-01 00:00:00.000,4,100,1,2,3
2024-01-01 00:00:10.000,2,4,201'
[ "$got" = "$want" ] || fail "windows with the session key: $(echo "$got" | tr '\n' ' ')"
got=$(consume late | cut -d, -f2- | tr -d '"')
want='2024-01-01 00:00:05.000,2024-01-01 00:00:30.000,202'
[ "$got" = "$want" ] || fail "late-data sink: $(consume late | tr '\n' ' ')"

# ---- 2. no timeout: the quiet partition holds the watermark ----------------
printf '{"id":100,"ts":"2024-01-01 00:00:01"}\n' | produce ev2 1
job ev2 "" "" out2
start_job
expect_wm 1 none 0 0
printf '{"id":1,"ts":"2024-01-01 00:00:02"}\n{"id":2,"ts":"2024-01-01 00:00:15"}\n' |
    produce ev2 0
fill ev2 00:00:16 38
expect_wm 41 "2024-01-01 00:00:00" 0 0
stop_job "run without a timeout"
[ -z "$(consume out2)" ] || fail "a window fired without a timeout: $(consume out2)"

# ---- 3. the table option overrides the session key -------------------------
printf '{"id":100,"ts":"2024-01-01 00:00:01"}\n' | produce ev3 1
job ev3 "SET 'table.exec.source.idle-timeout' = '1 h';" \
    ", 'scan.watermark.idle-timeout' = '500 ms'" out3
start_job
expect_wm 1 none 0 0
printf '{"id":1,"ts":"2024-01-01 00:00:02"}\n{"id":2,"ts":"2024-01-01 00:00:15"}\n' |
    produce ev3 0
fill ev3 00:00:16 2
expect_wm 5 "2024-01-01 00:00:00" 0 0
fill ev3 00:00:16 1
expect_wm 6 "2024-01-01 00:00:15" 1 0
stop_job "table option run"
got=$(consume out3 | tr -d '"')
[ "$got" = '2024-01-01 00:00:00.000,2,100,1' ] ||
    fail "windows with the table option: $(echo "$got" | tr '\n' ' ')"

# ---- 4. the processing-time path (no test clock) ---------------------------
# Positive only, so that timing cannot decide it: partition 1's row is
# read first, then partition 0's, then partition 0 gets a row every 0.3 s
# (id 0, ts 00:00:16) until the window fires.  Whenever partition 1 turns
# idle (by the timer or at the end of a batch) and partition 0 produces
# after that, the watermark passes 00:00:10; the window must fire (cap
# 60 s) with exactly its 4 rows, and nothing else can fire.
unset FSQL_TEST_IDLE_CLOCK_STEP_MS
printf '{"id":100,"ts":"2024-01-01 00:00:01"}\n' | produce ev4 1
job ev4 "SET 'table.exec.source.idle-timeout' = '300 ms';" "" out4
start_job
at 1 # (its watermark may be none or 00:00:00, as the timer goes)
printf '{"id":%d,"ts":"2024-01-01 00:00:0%d"}\n' 1 2 2 3 3 4 | produce ev4 0
printf '{"id":4,"ts":"2024-01-01 00:00:15"}\n' | produce ev4 0
while sleep 0.3; do
    printf '{"id":0,"ts":"2024-01-01 00:00:16"}\n' |
        timeout 20 kcat -P -b "$BS" -t ev4 -p 0 >/dev/null 2>&1 || true
done &
tick_pid=$!
_pids+=($tick_pid)
for _ in $(seq 600); do
    scrape
    fired=$(sample WindowAggregate fsql_records_out_total)
    [ "$fired" = 1 ] && break
    sleep 0.1
done
kill "$tick_pid" 2>/dev/null || true
wait "$tick_pid" 2>/dev/null || true
[ "$fired" = 1 ] || fail "the window did not fire on processing time"
stop_job "idle timer run"
got=$(consume out4 | tr -d '"')
[ "$got" = '2024-01-01 00:00:00.000,4,100,1,2,3' ] ||
    fail "window fired on processing time: $(echo "$got" | tr '\n' ' ')"
echo "ok: idle partitions on the test clock (session key, reactivation, late row, no timeout, table option) and on processing time"
