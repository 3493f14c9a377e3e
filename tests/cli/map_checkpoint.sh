#!/usr/bin/env bash
# map_checkpoint.sh - MAP values in checkpointed state (issue 5 with the
# checkpoint contract of issue 10).  A datagen sequence (ids 1..600, event
# time id * 100 ms) builds a map per row, MAP['bucket', id % 3 as text,
# 'parity', even/odd]; a 5-second TUMBLE window groups by that map (the
# map is part of the window operator's keyed state) and counts and sums.
# FSQL_FAULT kills the job right after checkpoint 3 is durable (windows
# open at that point hold map keys in state); the restarted run must end
# with exactly the reference output of one uninterrupted run.
. "$(dirname "$0")/lib.bash"

FSQL_ABS=$(cd "$(dirname "$FSQL")" && pwd)/$(basename "$FSQL")

cat >"$T/job.sql" <<'EOF'
CREATE TABLE src (
    id BIGINT,
    ts AS TO_TIMESTAMP_LTZ(id * 100, 3),
    m AS MAP['bucket', CAST(id % 3 AS STRING),
             'parity', CASE WHEN id % 2 = 0 THEN 'even' ELSE 'odd' END],
    WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
) WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence',
        'fields.id.start' = '1', 'fields.id.end' = '600',
        'rows-per-second' = '1000');
CREATE TABLE wins (w_start TIMESTAMP(3), m MAP<STRING, STRING>, n BIGINT,
                   total BIGINT)
WITH ('connector' = 'filesystem', 'path' = 'wins.jsonl', 'format' = 'json');
SET 'execution.checkpointing.interval' = '100 ms';
SET 'fsql.checkpointing.background-write' = 'false';
INSERT INTO wins SELECT window_start, m, COUNT(*), SUM(id)
  FROM TABLE(TUMBLE(TABLE src, DESCRIPTOR(ts), INTERVAL '5' SECOND))
  GROUP BY window_start, window_end, m;
EOF

runin() { # runin DIR ARGS...: fsql in DIR; sets rc, err
    local d=$1
    shift
    (cd "$d" && exec "$FSQL_ABS" "$@" >out.txt 2>err.txt)
    rc=$?
    err=$(cat "$d/err.txt")
}

mkdir "$T/ref" "$T/a"
cp "$T/job.sql" "$T/ref/"
cp "$T/job.sql" "$T/a/"
runin "$T/ref" run job.sql
expect_rc 0 "reference run"
# 5-second windows of 50 ids: [0 s, 5 s) holds ids 1..49, [5 s, 10 s)
# ids 50..99, ... [55 s, 60 s) ids 550..599: 12 windows with all 6 maps
# (3 buckets x 2 parities); id 600 alone opens [60 s, 65 s): 1 map.
# 12 * 6 + 1 = 73 rows.
[ "$(wc -l <"$T/ref/wins.jsonl")" = 73 ] ||
    fail "reference: $(wc -l <"$T/ref/wins.jsonl") window rows, not 73"
expect_in "$(head -n 1 "$T/ref/wins.jsonl")" '"m":{"bucket":"1","parity":"odd"}' \
    "the map in the output"
# The counts add up to every id once, the sums to 1 + ... + 600.
sums=$(sed 's/.*"n":\([0-9]*\),"total":\([0-9]*\)}/\1 \2/' "$T/ref/wins.jsonl" |
    awk '{n += $1; t += $2} END {print n, t}')
[ "$sums" = "600 180300" ] || fail "reference totals: $sums"

FSQL_FAULT=checkpoint.after-state-write:3 runin "$T/a" run --log-level info \
    --checkpoint-dir cp job.sql
expect_rc 137 "fault run"
n1=$(wc -l <"$T/a/wins.jsonl" 2>/dev/null || echo 0)
[ "$n1" -lt 73 ] || fail "the fault run finished before the kill ($n1 rows)"
runin "$T/a" run --log-level info --checkpoint-dir cp job.sql
expect_rc 0 "restarted run"
expect_in "$err" "info: restored checkpoint 3 from cp" "restore log line"
cmp -s "$T/ref/wins.jsonl" "$T/a/wins.jsonl" ||
    fail "windows after restore differ: $(diff "$T/ref/wins.jsonl" "$T/a/wins.jsonl" | head -5)"

finish
