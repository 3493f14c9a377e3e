#!/usr/bin/env bash
# checkpoint_files.sh - the filesystem source's position in checkpoints
# (issue 10): a directory of three JSON files (60 000 lines in all, the
# middle one CRLF-terminated) read through a filter and a TUMBLE window
# with a 1 ms checkpoint interval (a checkpoint after nearly every batch
# of 1024 rows), killed right after the second checkpoint of each process (2, 4, 6, ...:
# positions in each of the files) until a run reaches the end; each restart
# seeks to the saved file and byte offset.  The output equals one
# uninterrupted run without checkpoints, line for line (see
# checkpoint_restore.sh for why that holds at this fault point with
# background writes off).
#
# Line numbers survive too: a malformed record at line 50000 of one
# file, reached after a restore in the middle of it, is reported there.
. "$(dirname "$0")/lib.bash"

mkdir -p "$T/data"
awk 'BEGIN { for (i = 1; i <= 20000; i++)
    printf("{\"id\":%d,\"ts\":\"2024-01-01 %02d:%02d:%02d\"}\n", i,
           int(i / 3600), int(i % 3600 / 60), i % 60) }' >"$T/data/a.json"
awk 'BEGIN { for (i = 20001; i <= 40000; i++)
    printf("{\"id\":%d,\"ts\":\"2024-01-01 %02d:%02d:%02d\"}\r\n", i,
           int(i / 3600), int(i % 3600 / 60), i % 60) }' >"$T/data/b.json"
awk 'BEGIN { for (i = 40001; i <= 60000; i++)
    printf("{\"id\":%d,\"ts\":\"2024-01-01 %02d:%02d:%02d\"}\n", i,
           int(i / 3600), int(i % 3600 / 60), i % 60) }' >"$T/data/c.json"

cat >"$T/job.sql" <<'EOF'
CREATE TABLE src (id BIGINT, ts TIMESTAMP(3),
    WATERMARK FOR ts AS ts - INTERVAL '10' SECOND)
WITH ('connector' = 'filesystem', 'path' = '../data', 'format' = 'json');
CREATE TABLE picked (id BIGINT) WITH ('connector' = 'filesystem',
    'path' = 'picked.jsonl', 'format' = 'json');
CREATE TABLE wins (w_start TIMESTAMP(3), n BIGINT, total BIGINT) WITH (
    'connector' = 'filesystem', 'path' = 'wins.jsonl', 'format' = 'json');
SET 'execution.checkpointing.interval' = '1 ms';
SET 'fsql.checkpointing.background-write' = 'false';
EXECUTE STATEMENT SET BEGIN
INSERT INTO picked SELECT id FROM src WHERE id % 7 = 3;
INSERT INTO wins SELECT window_start, COUNT(*), SUM(id)
  FROM TABLE(TUMBLE(TABLE src, DESCRIPTOR(ts), INTERVAL '10' MINUTE))
  GROUP BY window_start, window_end;
END;
EOF

mkdir "$T/ref" "$T/a"
cp "$T/job.sql" "$T/ref/"
cp "$T/job.sql" "$T/a/"
runin "$T/ref" run job.sql
expect_rc 0 "reference"
[ "$(wc -l <"$T/ref/picked.jsonl")" = 8572 ] || fail "reference: picked"

# Killed after the second checkpoint of every process until a run gets
# to the end (how many runs that takes depends on the machine's speed).
k=0
while [ "$k" -lt 30 ]; do
    FSQL_FAULT=checkpoint.after-state-write:2 runin "$T/a" run --log-level info --checkpoint-dir cp job.sql
    [ "$k" = 0 ] || expect_in "$err" "restored checkpoint $((2 * k)) from cp" "restore in run $((k + 1))"
    [ "$rc" = 137 ] || break
    k=$((k + 1))
done
expect_rc 0 "final run"
[ "$k" -ge 3 ] || fail "only $k runs were killed before the end"
n=$(wc -l <"$T/a/picked.jsonl")
[ "$n" -gt 0 ] || fail "nothing written"
cmp -s "$T/ref/picked.jsonl" "$T/a/picked.jsonl" ||
    fail "picked rows differ from the reference: $(diff "$T/ref/picked.jsonl" "$T/a/picked.jsonl" | head -4)"
cmp -s "$T/ref/wins.jsonl" "$T/a/wins.jsonl" ||
    fail "window rows differ from the reference: $(diff "$T/ref/wins.jsonl" "$T/a/wins.jsonl" | head -4)"

# A bad record after a restore, in the middle of the file the checkpoint
# was reading: reported at its own line (the restored line count).
mkdir "$T/data2"
cat "$T/data/a.json" "$T/data/b.json" "$T/data/c.json" >"$T/data2/all.json"
sed -i '50000s/.*/{"id": oops}/' "$T/data2/all.json"
sed 's|../data|../data2|' "$T/job.sql" >"$T/a/bad.sql"
rm -rf "$T/a/cp" "$T/a/picked.jsonl" "$T/a/wins.jsonl"
FSQL_FAULT=checkpoint.after-state-write:2 runin "$T/a" run --checkpoint-dir cp bad.sql
expect_rc 137 "fault before the bad record"
n=$(wc -l <"$T/a/picked.jsonl")
[ "$n" -gt 10 ] || fail "the fault run stopped at the start of the file ($n rows)"
runin "$T/a" run --checkpoint-dir cp bad.sql
expect_rc 2 "bad record"
expect_in "$err" "../data2/all.json:50000: " "file and line of the bad record"

finish
