#!/usr/bin/env bash
# STOP JOB ... WITH SAVEPOINT on a background job that takes checkpoints
# (SET 'state.checkpoints.dir' before the INSERT): the job stops with a
# final checkpoint, whose path the shell prints; the same INSERT submitted
# again resumes from it, so the sink's file holds the sequence 1..N once
# each, without a gap or a repeat across the stop.  WITH DRAIN is refused.
. "$(dirname "$0")/lib.bash"

export XDG_RUNTIME_DIR="$T/run"
mkdir -p "$XDG_RUNTIME_DIR"
start_shell
enter_line "SET 'state.checkpoints.dir' = '$T/ck';"
enter_line "CREATE TABLE g (k BIGINT) WITH ('connector' = 'datagen', 'fields.k.kind' = 'sequence', 'fields.k.start' = '1', 'fields.k.end' = '1000000', 'rows-per-second' = '300');"
enter_line "CREATE TABLE o (k BIGINT) WITH ('connector' = 'filesystem', 'path' = '$T/o.jsonl', 'format' = 'json');"

submit() { # submit: an INSERT as a background job; sets $id
    local n
    enter_line 'INSERT INTO o SELECT k FROM g;' 5
    id=$(screen | sed -n 's/^Job ID: \([0-9a-f]\{8\}\)$/\1/p' | tail -n 1)
}

submit
id1=$id
sleep 1.5
enter_line "STOP JOB '$id1' WITH DRAIN;"
expect 'WITH DRAIN is not supported' 'drain refused'
enter_line "STOP JOB '$id1' WITH SAVEPOINT;" 15
expect "[INFO] Job $id1 stopped:" 'stop with savepoint'
expect "[INFO] Savepoint: $T/ck/chk-" 'savepoint path'
sp=$(screen | sed -n 's/^\[INFO\] Savepoint: \([^ ]*\) .*/\1/p' | tail -n 1)
[ -f "$sp" ] || fail "no savepoint file '$sp'"
n1=$(wc -l <"$T/o.jsonl")
[ "$n1" -gt 0 ] || fail 'the first job wrote nothing'

submit
[ "$id" != "$id1" ] || fail 'no second job'
sleep 1.5
enter_line "STOP JOB '$id';" 15
expect "[INFO] Job $id stopped:" 'second stop'
grep -q 'restored checkpoint' "$XDG_RUNTIME_DIR/fsql/$id.log" ||
    fail 'the second job did not restore the savepoint'

# 1..N once each, more rows than the first job wrote.
total=$(wc -l <"$T/o.jsonl")
[ "$total" -gt "$n1" ] || fail "the second job wrote nothing ($n1 -> $total)"
sed -n 's/^{"k":\([0-9]*\)}$/\1/p' "$T/o.jsonl" >"$T/ks"
[ "$(wc -l <"$T/ks")" = "$total" ] || fail 'malformed lines in the file'
seq 1 "$total" | cmp -s - "$T/ks" ||
    fail "the file is not 1..$total in order: $(seq 1 "$total" | diff - "$T/ks" | head -n 4 | tr '\n' ' ')"
line 'quit'
expect '__EXIT__ 0' 'quit'
finish
