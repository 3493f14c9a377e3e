#!/usr/bin/env bash
# Background jobs through a real terminal: an INSERT from an unbounded
# datagen source (rows-per-second) into a file starts a background job and
# the prompt comes back at once; SHOW JOBS lists it RUNNING with rows
# going up; a SELECT runs meanwhile; STOP JOB stops it (CANCELED) and the
# sink's file holds exactly the rows the job reports, all well-formed; a
# bounded job ends on its own (FINISHED, announced at the prompt); a job
# whose source file is missing is FAILED with the error at once, one
# that fails at run time (division by zero) is announced at the next
# prompt and FAILED with the error; unknown ids,
# WITH SAVEPOINT; SET 'table.dml-sync' = 'true' runs an INSERT in the
# foreground; quitting with a job running (asked, then stopped), and what
# the shell leaves of the jobs' files when it exits.
. "$(dirname "$0")/lib.bash"

export XDG_RUNTIME_DIR="$T/run"
mkdir -p "$XDG_RUNTIME_DIR"
start_shell
enter_line "CREATE TABLE g (k INT, v BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '200', 'fields.k.min' = '1', 'fields.k.max' = '3');"
enter_line "CREATE TABLE o (k INT, v BIGINT) WITH ('connector' = 'filesystem', 'path' = '$T/o.jsonl', 'format' = 'json');"
expect '[INFO] Execute statement succeeded.' 'CREATE TABLE'

enter_line 'INSERT INTO o SELECT k, v FROM g;' 5
expect 'Job ID: ' 'job submitted'
id=$(screen | sed -n 's/^Job ID: \([0-9a-f]\{8\}\)$/\1/p' | tail -n 1)
[ -n "$id" ] || fail 'no job id printed'
[ -f "$XDG_RUNTIME_DIR/fsql/$id.log" ] || fail "no log file for job $id"

# The prompt is usable while the job runs.
enter_line "SELECT id, name FROM (VALUES (7, 'meanwhile')) AS t (id, name);"
expect '|  7 | meanwhile |' 'a SELECT while the job runs'

# Ctrl-C at the prompt is not for the background job.
keys C-c
sleep 1
enter_line 'SHOW JOBS;'
expect '| job id ' 'SHOW JOBS header'
row=$(screen | grep "^| $id " | tail -n 1)
case "$row" in
*'| INSERT INTO o SELECT k, v FROM g '*'| RUNNING '*) ;;
*) fail "SHOW JOBS row: '$row'" ;;
esac
rows1=$(echo "$row" | awk -F'|' '{gsub(/ /, "", $7); print $7}')
[ "${rows1:-0}" -gt 0 ] || fail "rows out while running: '${rows1}'"

enter_line "STOP JOB '$id';" 15
expect "[INFO] Job $id stopped:" 'STOP JOB'
enter_line 'SHOW JOBS;'
row=$(screen | grep "^| $id " | tail -n 1)
case "$row" in
*'| CANCELED '*) ;;
*) fail "after STOP JOB: '$row'" ;;
esac
out=$(echo "$row" | awk -F'|' '{gsub(/ /, "", $7); print $7}')
[ "${out:-0}" -ge "${rows1:-1}" ] || fail "rows out went down: $rows1 -> $out"
# The file holds the rows the job reports, each a full JSON object.
lines=$(wc -l <"$T/o.jsonl" 2>/dev/null || echo 0)
[ "$lines" = "$out" ] || fail "the sink file has $lines lines, the job says $out"
bad=$(grep -cvE '^\{"k":[123],"v":-?[0-9]+\}$' "$T/o.jsonl")
[ "$bad" = 0 ] || fail "$bad malformed lines in the sink file"

# The job's log and status are under $XDG_RUNTIME_DIR/fsql.
grep -q "background job $id canceled" "$XDG_RUNTIME_DIR/fsql/$id.log" ||
    fail 'the log does not say the job was canceled'

# A bounded job finishes on its own and is announced at the prompt.
enter_line "CREATE TABLE b (k INT) WITH ('connector' = 'datagen', 'number-of-rows' = '50', 'rows-per-second' = '100');"
enter_line "CREATE TABLE bo (k INT) WITH ('connector' = 'filesystem', 'path' = '$T/bo.jsonl', 'format' = 'json');"
enter_line 'INSERT INTO bo SELECT k FROM b;' 5
bid=$(screen | sed -n 's/^Job ID: \([0-9a-f]\{8\}\)$/\1/p' | tail -n 1)
[ "$bid" != "$id" ] || fail 'no new job id for the bounded job'
sleep 1.5
enter_line ''
expect "[INFO] Background job $bid finished: 50 rows in, 50 rows out." 'bounded job announced'
[ "$(wc -l <"$T/bo.jsonl")" = 50 ] || fail 'the bounded job did not write 50 rows'

# A job that fails while opening its source: FAILED with the error.
enter_line "CREATE TABLE missing (k INT) WITH ('connector' = 'filesystem', 'path' = '$T/nosuch.jsonl', 'format' = 'json');"
enter_line 'INSERT INTO bo SELECT k FROM missing;' 5
expect 'failed: ' 'failed job reported at once'
expect 'nosuch.jsonl' 'the error names the file'
enter_line 'SHOW JOBS;'
[ "$(screen | grep -c '| FAILED ')" -ge 1 ] || fail 'SHOW JOBS: no FAILED job'
[ "$(screen | grep -c '| FINISHED ')" -ge 1 ] || fail 'SHOW JOBS: no FINISHED job'

# A job that fails while running (row 100 divides by zero, after about
# 2.5 s): announced at the next prompt, FAILED in SHOW JOBS with the
# error, its rows up to the failure in the file.
enter_line "CREATE TABLE s (k INT) WITH ('connector' = 'datagen', 'fields.k.kind' = 'sequence', 'fields.k.start' = '1', 'fields.k.end' = '1000', 'rows-per-second' = '40');"
enter_line "CREATE TABLE so (q INT) WITH ('connector' = 'filesystem', 'path' = '$T/so.jsonl', 'format' = 'json');"
enter_line 'INSERT INTO so SELECT 1000 / (k - 100) FROM s;' 5
fid=$(screen | sed -n 's/^Job ID: \([0-9a-f]\{8\}\)$/\1/p' | tail -n 1)
[ "$fid" != "$bid" ] || fail 'no job id for the failing job'
sleep 4
enter_line ''
expect "[ERROR] Background job $fid failed: " 'runtime failure announced'
expect 'runtime error: division by zero' 'the runtime error'
enter_line 'SHOW JOBS;'
row=$(screen | grep "^| $fid " | tail -n 1)
case "$row" in
*'| FAILED '*' 100 |'*' 99 |') ;;
*) fail "failed job row: '$row'" ;;
esac
screen | grep -q "^$fid: .*division by zero" || fail 'SHOW JOBS does not give the error'
[ "$(wc -l <"$T/so.jsonl")" = 99 ] || fail 'the failed job did not write its 99 rows'

# Errors of STOP JOB.
enter_line "STOP JOB 'ffffffff';"
expect "no job 'ffffffff'" 'unknown job id'
enter_line "STOP JOB '$id' WITH SAVEPOINT;"
expect 'takes no checkpoints, so it cannot stop with a savepoint' 'savepoint refused without checkpoints'
enter_line "STOP JOB '$id';"
expect "has already ended (CANCELED)" 'stopping an ended job'

# SET 'table.dml-sync' = 'true': an INSERT at the prompt runs in the
# foreground (no job id; the prompt comes back when it has finished).
enter_line "SET 'table.dml-sync' = 'true';"
jobs_before=$(count 'Job ID: ')
enter_line 'INSERT INTO bo SELECT k FROM b;' 10
expect '[INFO] Job finished: 50 rows in, 50 rows out' 'foreground INSERT'
[ "$(count 'Job ID: ')" = "$jobs_before" ] || fail 'dml-sync INSERT became a job'
[ "$(wc -l <"$T/bo.jsonl")" = 100 ] || fail 'the foreground INSERT did not append 50 rows'
enter_line "SET 'table.dml-sync' = 'false';"

# Quitting with a job running asks; 'n' stays, 'y' stops it and leaves.
enter_line 'INSERT INTO o SELECT k, v FROM g;' 5
qid=$(screen | sed -n 's/^Job ID: \([0-9a-f]\{8\}\)$/\1/p' | tail -n 1)
[ "$qid" != "$bid" ] || fail 'no new job id for the last job'
sleep 0.5
pid=$(sed -n 's/.*background job [0-9a-f]* of fsql shell (pid \([0-9]*\)).*/\1/p' \
    "$XDG_RUNTIME_DIR/fsql/$qid.log" | head -n 1)
[ -n "$pid" ] || fail 'no pid in the log'
line 'quit'
expect 'still running' 'quit asks'
enter_line 'n'
line 'quit'
sleep 0.3
line 'y'
expect '__EXIT__ 0' 'quit after stopping'
if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    fail "job process $pid still alive after quit"
fi
# At exit the status files go, and the logs of the jobs that finished or
# were stopped (the last one gracefully: a killed job's log would stay);
# the failed jobs' logs stay, and the shell says where.
dir="$XDG_RUNTIME_DIR/fsql"
[ -z "$(ls "$dir"/*.status 2>/dev/null)" ] || fail "status files left: $(ls "$dir")"
for j in "$id" "$bid" "$qid"; do
    [ ! -e "$dir/$j.log" ] || fail "the log of ended job $j was not removed"
done
grep -q 'division by zero' "$dir/$fid.log" || fail "the failed job's log is gone"
expect "fsql: the log of background job $fid (failed) is kept: $dir/$fid.log" 'kept log named'
[ "$(ls "$dir" | wc -l)" = 2 ] || fail "left in $dir: $(ls "$dir" | tr '\n' ' ')"
finish
