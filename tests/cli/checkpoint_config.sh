#!/usr/bin/env bash
# checkpoint_config.sh - turning checkpoints on, and what is refused
# (issue 10):
#  - --checkpoint-dir wins over 'state.checkpoints.dir'; the job name
#    defaults to the directory's last component, 'pipeline.name' sets it;
#    the interval defaults to 10 s;
#  - 'sink.delivery-guarantee' = 'exactly-once' without a checkpoint
#    directory is refused before anything runs;
#  - a checkpoint directory that is a file is refused;
#  - a checkpoint that cannot be written (the directory vanished) fails
#    the job with a clear error, unless
#    'execution.checkpointing.tolerable-failed-checkpoints' allows it: then
#    it is a warning and the next checkpoint (directory back) succeeds.
. "$(dirname "$0")/lib.bash"

cat >"$T/small.sql" <<'EOF'
CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen',
    'fields.id.kind' = 'sequence', 'fields.id.start' = '1',
    'fields.id.end' = '10');
CREATE TABLE o (id BIGINT) WITH ('connector' = 'filesystem',
    'path' = 'o.jsonl', 'format' = 'json');
INSERT INTO o SELECT id FROM src;
EOF

# The setting alone turns checkpoints on; default interval and name.
{ echo "SET 'state.checkpoints.dir' = 'fromset/';"; cat "$T/small.sql"; } >"$T/set.sql"
runin "$T" run --log-level info set.sql
expect_rc 0 "state.checkpoints.dir"
expect_in "$err" "checkpoints every 10 s into fromset/ (job \"fromset\", newest 3 kept)" "start line from the setting"
expect_in "$err" "checkpoint 1 written (end of input)" "final checkpoint"
[ -f "$T/fromset/chk-0000000001.fsqlcp" ] || fail "no file under fromset/"

# The flag wins; pipeline.name names the job.
{ echo "SET 'pipeline.name' = 'alerts';"; cat "$T/set.sql"; } >"$T/named.sql"
runin "$T" run --log-level info --checkpoint-dir flagdir named.sql
expect_rc 0 "--checkpoint-dir"
expect_in "$err" "into flagdir (job \"alerts\"" "flag wins, pipeline.name"
[ -f "$T/flagdir/chk-0000000001.fsqlcp" ] || fail "no file under flagdir/"

# Exactly-once without checkpoints.
cat >"$T/eo.sql" <<'EOF'
CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen',
    'number-of-rows' = '5');
CREATE TABLE o (id BIGINT) WITH ('connector' = 'filesystem',
    'path' = 'eo.jsonl', 'format' = 'json',
    'sink.delivery-guarantee' = 'exactly-once');
INSERT INTO o SELECT id FROM src;
EOF
runin "$T" run eo.sql
expect_rc 2 "exactly-once without checkpoints"
expect_in "$err" "fsql: table \"o\": 'sink.delivery-guarantee' = 'exactly-once' needs checkpoints: pass --checkpoint-dir DIR or SET 'state.checkpoints.dir'" "exactly-once message"
[ ! -e "$T/eo.jsonl" ] || fail "the refused job created its file"

# A file where the directory should be.
echo x >"$T/afile"
runin "$T" run --checkpoint-dir afile small.sql
expect_rc 2 "directory is a file"
expect_in "$err" "fsql: checkpoint directory \"afile\" is not a directory" "file message"

run --checkpoint-dir "" -e "SELECT 1"
expect_rc 3 "empty --checkpoint-dir"

# A failing checkpoint: the directory disappears while the job runs.
cat >"$T/slow.sql" <<'EOF'
CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen',
    'fields.id.kind' = 'sequence', 'fields.id.start' = '1',
    'fields.id.end' = '1500', 'rows-per-second' = '1000');
CREATE TABLE o (id BIGINT) WITH ('connector' = 'filesystem',
    'path' = 'slow.jsonl', 'format' = 'json');
SET 'execution.checkpointing.interval' = '100 ms';
INSERT INTO o SELECT id FROM src;
EOF
(cd "$T" && exec "$FSQL_ABS" run --checkpoint-dir gone slow.sql >out.txt 2>err.txt) &
pid=$!
sleep 0.5
mv "$T/gone" "$T/gone.away"
wait "$pid"
rc=$?
err=$(cat "$T/err.txt")
expect_rc 2 "vanished directory"
expect_in "$err" "fsql: checkpoint " "failure names the checkpoint"
expect_in "$err" " failed: could not write checkpoint " "failure message"
expect_in "$err" "(execution.checkpointing.tolerable-failed-checkpoints exceeded)" "failure hint"

rm -rf "$T/gone" "$T/gone.away" "$T/slow.jsonl"
{ echo "SET 'execution.checkpointing.tolerable-failed-checkpoints' = '100';"; cat "$T/slow.sql"; } >"$T/tol.sql"
(cd "$T" && exec "$FSQL_ABS" run --stats --checkpoint-dir gone tol.sql >out.txt 2>err.txt) &
pid=$!
sleep 0.5
mv "$T/gone" "$T/gone.away"
sleep 0.3
mv "$T/gone.away" "$T/gone"
wait "$pid"
rc=$?
err=$(cat "$T/err.txt")
expect_rc 0 "tolerated failures"
expect_in "$err" "warn: checkpoint " "tolerated failure warning"
expect_in "$err" " failed (1 in a row, 100 tolerated): could not write checkpoint" "warning text"
failed=$(sed -n 's/^fsql: checkpoints: [0-9]* completed, \([0-9]*\) failed.*/\1/p' "$T/err.txt")
[ -n "$failed" ] && [ "$failed" -ge 1 ] || fail "--stats shows '$failed' failed checkpoints"
[ "$(wc -l <"$T/slow.jsonl")" = 1500 ] || fail "tolerated: output incomplete"

finish
