#!/usr/bin/env bash
# checkpoint_sigterm.sh - graceful stop with checkpoints (issue 10).
#
# A long rate-limited datagen sequence (event time id * 100 ms) feeds a
# filter (even ids -> evens.jsonl) and a 5-second TUMBLE window (count
# and sum -> wins.jsonl).  The interval is one hour, so the only
# checkpoints are the final ones taken on SIGTERM.  Stopped twice and
# restarted each time from the same directory:
#  - each stop exits 0 and logs "checkpoint N written (stop requested)";
#  - the restart logs "restored checkpoint N";
#  - because a stop flushes the sinks with the checkpoint, nothing is lost
#    or repeated even with at-least-once sinks: evens.jsonl holds exactly
#    2, 4, ..., 2k, in order;
#  - windows that were open at a stop are state, not output: after the
#    three runs every window row is complete (50 rows, the right sum) and
#    the window starts are consecutive.
# Then a run with a 100 ms interval and --metrics-port shows the
# checkpoint metrics while it runs, and --stats the summary line.
. "$(dirname "$0")/lib.bash"

cat >"$T/job.sql" <<'EOF'
CREATE TABLE src (
    id BIGINT,
    ts AS TO_TIMESTAMP_LTZ(id * 100, 3),
    WATERMARK FOR ts AS ts
) WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence',
        'fields.id.start' = '1', 'fields.id.end' = '1000000',
        'rows-per-second' = '600');
CREATE TABLE evens (id BIGINT) WITH ('connector' = 'filesystem',
    'path' = 'evens.jsonl', 'format' = 'json');
CREATE TABLE wins (w_start TIMESTAMP(3), n BIGINT, total BIGINT) WITH (
    'connector' = 'filesystem', 'path' = 'wins.jsonl', 'format' = 'json');
SET 'execution.checkpointing.interval' = '1 h';
EXECUTE STATEMENT SET BEGIN
INSERT INTO evens SELECT id FROM src WHERE id % 2 = 0;
INSERT INTO wins SELECT window_start, COUNT(*), SUM(id)
  FROM TABLE(TUMBLE(TABLE src, DESCRIPTOR(ts), INTERVAL '5' SECOND))
  GROUP BY window_start, window_end;
END;
EOF

# run_and_stop N: run for a while, SIGTERM, wait; sets rc, err.
run_and_stop() {
    (cd "$T" && exec "$FSQL_ABS" run --log-level info --checkpoint-dir cp \
        job.sql >out.txt 2>err.txt) &
    local pid=$!
    sleep 0.8
    kill -TERM "$pid"
    wait "$pid"
    rc=$?
    err=$(cat "$T/err.txt")
}

run_and_stop
expect_rc 0 "first stop"
expect_in "$err" "info: checkpoint 1 written (stop requested)" "final checkpoint 1"
expect_in "$err" "(stopped)" "stopped summary"
[ -f "$T/cp/chk-0000000001.fsqlcp" ] || fail "no checkpoint file after SIGTERM"
n1=$(wc -l <"$T/evens.jsonl")

run_and_stop
expect_rc 0 "second stop"
expect_in "$err" "info: restored checkpoint 1 from cp" "restore 1"
expect_in "$err" "info: checkpoint 2 written (stop requested)" "final checkpoint 2"

run_and_stop
expect_rc 0 "third stop"
expect_in "$err" "info: restored checkpoint 2 from cp" "restore 2"

n=$(wc -l <"$T/evens.jsonl")
[ "$n" -gt "$n1" ] || fail "the restarted runs added nothing ($n1 -> $n)"
seq 2 2 $((2 * n)) | sed 's/.*/{"id":&}/' >"$T/want.jsonl"
cmp -s "$T/want.jsonl" "$T/evens.jsonl" ||
    fail "evens are not 2..$((2 * n)) exactly once: $(diff "$T/want.jsonl" "$T/evens.jsonl" | head -5)"

# Windows: [k*5 s, (k+1)*5 s) holds ids 50k..50k+49 (id 0 does not exist).
python3 - "$T/wins.jsonl" <<'EOF' || fail "window rows are wrong"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) >= 2, rows
for k, r in enumerate(rows):
    lo = max(1, 50 * k)
    hi = 50 * k + 49
    want_n, want_sum = hi - lo + 1, (lo + hi) * (hi - lo + 1) // 2
    s = int(r["w_start"][17:19]) + 60 * int(r["w_start"][14:16]) + 3600 * int(r["w_start"][11:13])
    assert s == 5 * k, (k, r)
    assert (r["n"], r["total"]) == (want_n, want_sum), (k, r, want_n, want_sum)
EOF

# ---- metrics -------------------------------------------------------------------
if command -v curl >/dev/null; then
    rm -rf "$T/cp2"
    sed "s/'1 h'/'100 ms'/" "$T/job.sql" >"$T/job2.sql"
    (cd "$T" && FSQL_METRICS_INTERVAL_MS=100 exec "$FSQL_ABS" run --log-level info         --metrics-port 0 --stats --checkpoint-dir cp2 job2.sql >out2.txt 2>err2.txt) &
    pid=$!
    metrics_port "$T/err2.txt" 5 "$pid" || fail "no metrics port in the log"
    sleep 0.8
    m=$(curl -sf "http://127.0.0.1:$port/metrics") || fail "scrape failed"
    kill -TERM "$pid"
    wait "$pid"
    rc=$?
    expect_rc 0 "metrics run"
    total=$(echo "$m" | sed -n 's/^fsql_checkpoints_total \([0-9]*\)$/\1/p')
    last=$(echo "$m" | sed -n 's/^fsql_last_checkpoint_id \([0-9]*\)$/\1/p')
    size=$(echo "$m" | sed -n 's/^fsql_checkpoint_size_bytes \([0-9]*\)$/\1/p')
    [ -n "$total" ] && [ "$total" -ge 3 ] || fail "fsql_checkpoints_total '$total' (want >= 3 after 0.8 s at 100 ms)"
    [ "$last" = "$total" ] || fail "fsql_last_checkpoint_id $last != total $total"
    [ -n "$size" ] && [ "$size" -gt 100 ] || fail "fsql_checkpoint_size_bytes '$size'"
    ls "$T/cp2" | grep -q "chk-$(printf %010d "$last").fsqlcp" ||
        [ "$(ls "$T/cp2" | tail -1)" \> "chk-$(printf %010d "$last").fsqlcp" ] ||
        fail "checkpoint $last is not in the directory: $(ls "$T/cp2")"
    expect_in "$m" "fsql_checkpoint_failures_total 0" "failures metric"
    expect_in "$m" 'fsql_checkpoint_pause_seconds_bucket{le="+Inf"} '"$total" "pause histogram"
    expect_in "$m" "fsql_checkpoint_duration_seconds " "duration metric"
    err=$(cat "$T/err2.txt")
    expect_in "$err" "fsql: checkpoints: " "--stats checkpoint line"
    expect_in "$err" " completed, 0 failed, last " "--stats checkpoint figures"
fi

finish
