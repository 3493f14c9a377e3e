#!/usr/bin/env bash
# checkpoint_restore.sh - a crashed job resumes from its last checkpoint
# (issue 10).  The job: a rate-limited datagen sequence (ids 1..800, event
# time id * 100 ms) feeding a stateless filter (even ids -> evens.jsonl)
# and a 5-second TUMBLE window (count and sum -> wins.jsonl), both
# filesystem sinks, which are at-least-once.  The reference is one
# uninterrupted run without checkpoints.
#
# 1. FSQL_FAULT=checkpoint.after-state-write:3 kills the process (SIGKILL)
#    right after checkpoint 3 is durable.  At that point every sink has
#    flushed everything produced before the checkpoint (step 1 of the
#    protocol) and - with 'fsql.checkpointing.background-write' off, so
#    that the loop waits for the file - nothing has been produced after
#    it, so the restarted
#    run must append exactly the rest: the two files equal the reference
#    line for line - no row lost, none repeated, windows that were open
#    at the checkpoint (their partial counts are operator state) give the
#    same totals.  Checkpoint ids continue after 3.
# 2. kill -9 at an arbitrary moment (between checkpoints; files written in
#    the background, the default): at-least-once
#    means rows written after the last checkpoint are written again after
#    the restart.  The check: every reference line is present, every
#    other line is a duplicate of a reference line or the one torn line
#    of run 1 (the kill may cut a sink's buffer write in half; it must be
#    the last line run 1 wrote), and the window totals are never wrong.
. "$(dirname "$0")/lib.bash"

cat >"$T/job.sql" <<'EOF'
CREATE TABLE src (
    id BIGINT,
    ts AS TO_TIMESTAMP_LTZ(id * 100, 3),
    WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
) WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence',
        'fields.id.start' = '1', 'fields.id.end' = '800',
        'rows-per-second' = '800');
CREATE TABLE evens (id BIGINT) WITH ('connector' = 'filesystem',
    'path' = 'evens.jsonl', 'format' = 'json');
CREATE TABLE wins (w_start TIMESTAMP(3), n BIGINT, total BIGINT) WITH (
    'connector' = 'filesystem', 'path' = 'wins.jsonl', 'format' = 'json');
SET 'execution.checkpointing.interval' = '150 ms';
EXECUTE STATEMENT SET BEGIN
INSERT INTO evens SELECT id FROM src WHERE id % 2 = 0;
INSERT INTO wins SELECT window_start, COUNT(*), SUM(id)
  FROM TABLE(TUMBLE(TABLE src, DESCRIPTOR(ts), INTERVAL '5' SECOND))
  GROUP BY window_start, window_end;
END;
EOF

mkdir "$T/ref" "$T/a" "$T/b"
cp "$T/job.sql" "$T/ref/"
{ echo "SET 'fsql.checkpointing.background-write' = 'false';"; cat "$T/job.sql"; } >"$T/a/job.sql"
cp "$T/job.sql" "$T/b/"

runin "$T/ref" run job.sql
expect_rc 0 "reference run"
[ "$(wc -l <"$T/ref/evens.jsonl")" = 400 ] || fail "reference: evens"
[ "$(wc -l <"$T/ref/wins.jsonl")" = 17 ] || fail "reference: wins"

# ---- 1. killed right after checkpoint 3 -----------------------------------
FSQL_FAULT=checkpoint.after-state-write:3 runin "$T/a" run --log-level info \
    --checkpoint-dir cp job.sql
expect_rc 137 "fault run"
expect_in "$err" "FSQL_FAULT: killed at checkpoint.after-state-write" "fault message"
expect_in "$err" "info: checkpoint 2 written (periodic)" "checkpoint log line"
n1=$(wc -l <"$T/a/evens.jsonl")
[ "$n1" -gt 0 ] && [ "$n1" -lt 400 ] || fail "fault run wrote $n1 of 400 evens (kill not mid-run?)"
[ -f "$T/a/cp/chk-0000000003.fsqlcp" ] || fail "checkpoint 3 missing"

runin "$T/a" run --log-level info --checkpoint-dir cp job.sql
expect_rc 0 "restarted run"
expect_in "$err" "info: restored checkpoint 3 from cp (age " "restore log line"
expect_in "$err" "info: checkpoint 4 written" "ids continue after 3"
expect_in "$err" "written (end of input)" "final checkpoint at end of input"
cmp -s "$T/ref/evens.jsonl" "$T/a/evens.jsonl" ||
    fail "evens after restore differ from the reference: $(diff "$T/ref/evens.jsonl" "$T/a/evens.jsonl" | head -5)"
cmp -s "$T/ref/wins.jsonl" "$T/a/wins.jsonl" ||
    fail "windows after restore differ from the reference: $(diff "$T/ref/wins.jsonl" "$T/a/wins.jsonl" | head -5)"
# Retention: the newest 3 files only.
[ "$(ls "$T/a/cp" | wc -l)" = 3 ] || fail "retention: $(ls "$T/a/cp")"
# A finished bounded job restarted from its final checkpoint does nothing.
cp "$T/a/evens.jsonl" "$T/a/evens.before"
runin "$T/a" run --checkpoint-dir cp job.sql
expect_rc 0 "run after the end"
cmp -s "$T/a/evens.before" "$T/a/evens.jsonl" || fail "a finished job wrote rows again"

# check_alo DIR SIZE1 WHAT: the at-least-once property of DIR's output
# against the reference; SIZE1: size of evens.jsonl when run 1 died.
check_alo() {
    local d=$1 size1=$2 what=$3 f missing extra torn=""
    for f in evens wins; do
        # Lines of the reference missing from the result: none.
        missing=$(sort "$T/ref/$f.jsonl" | comm -23 - <(sort -u "$d/$f.jsonl"))
        [ -z "$missing" ] || fail "$what: $f lost rows: $(echo "$missing" | head -3)"
    done
    # Extra lines: none, except (evens) the torn last line of run 1 with
    # the first line of run 2 glued to it - it starts with what run 1 left.
    extra=$(sort -u "$d/evens.jsonl" | comm -13 <(sort "$T/ref/evens.jsonl") -)
    if [ "$size1" -gt 0 ] && [ -n "$(head -c "$size1" "$d/evens.jsonl" | tail -c1 | tr -d '\n')" ]; then
        torn=$(head -c "$size1" "$d/evens.jsonl" | tail -n1)
    fi
    if [ -n "$extra" ]; then
        if [ -z "$torn" ] || [ "$(echo "$extra" | wc -l)" != 1 ]; then
            fail "$what: rows that are not in the reference: $(echo "$extra" | head -3)"
        else
            case "$extra" in
            "$torn"*) ;;
            *) fail "$what: unexpected line '$extra' (torn: '$torn')" ;;
            esac
        fi
    fi
    extra=$(sort -u "$d/wins.jsonl" | comm -13 <(sort "$T/ref/wins.jsonl") -)
    [ -z "$extra" ] || fail "$what: wrong window rows: $extra"
}

# ---- 2. kill -9 between checkpoints -------------------------------------------
(cd "$T/b" && exec "$FSQL_ABS" run --checkpoint-dir cp job.sql >out.txt 2>err.txt) &
pid=$!
sleep 0.55
kill -9 "$pid"
wait "$pid" 2>/dev/null
size1=$(stat -c %s "$T/b/evens.jsonl" 2>/dev/null || echo 0)
runin "$T/b" run --checkpoint-dir cp job.sql
expect_rc 0 "restart after kill -9"
check_alo "$T/b" "$size1" "kill -9"

# ---- 3. the fault point with the file written in the background ----------------
# The loop goes on while the writer thread makes checkpoint 3 durable and
# dies: rows after it may or may not have reached the files.
mkdir "$T/c"
cp "$T/job.sql" "$T/c/"
FSQL_FAULT=checkpoint.after-state-write:3 runin "$T/c" run --log-level info \
    --checkpoint-dir cp job.sql
expect_rc 137 "background fault run"
expect_in "$err" "in the background" "files written in the background"
size1=$(stat -c %s "$T/c/evens.jsonl" 2>/dev/null || echo 0)
runin "$T/c" run --log-level info --checkpoint-dir cp job.sql
expect_rc 0 "restart after the background fault"
expect_in "$err" "restored checkpoint 3 from cp" "background: restored 3"
check_alo "$T/c" "$size1" "background fault"

finish
