#!/usr/bin/env bash
# A background job does not outlive its shell: when the shell is killed
# (SIGKILL, no chance to clean up) the job gets SIGTERM from the kernel
# (PR_SET_PDEATHSIG), stops gracefully (its log says canceled, its file
# holds every row it counted) and its process ends.  Linux only.
. "$(dirname "$0")/lib.bash"

[ "$(uname -s)" = Linux ] || { echo "Linux only (PR_SET_PDEATHSIG)"; exit 77; }
export XDG_RUNTIME_DIR="$T/run"
mkdir -p "$XDG_RUNTIME_DIR"
start_shell
enter_line "CREATE TABLE g (k INT, v BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '200');"
enter_line "CREATE TABLE o (k INT, v BIGINT) WITH ('connector' = 'filesystem', 'path' = '$T/o.jsonl', 'format' = 'json');"
enter_line 'INSERT INTO o SELECT k, v FROM g;' 5
id=$(screen | sed -n 's/^Job ID: \([0-9a-f]\{8\}\)$/\1/p' | tail -n 1)
log="$XDG_RUNTIME_DIR/fsql/$id.log"
sleep 1
cpid=$(sed -n 's/.*background job [0-9a-f]* of fsql shell (pid \([0-9]*\)).*/\1/p' "$log" | head -n 1)
[ -n "$cpid" ] || { fail 'no pid in the job log'; finish; }
spid=$(ps -o ppid= -p "$cpid" | tr -d ' ')
[ -n "$spid" ] && [ "$spid" != 1 ] || { fail "no parent shell for job $cpid"; finish; }
kill -9 "$spid"

# Gone (or a zombie waiting for whoever inherited it) within 10 s.
gone=false
for ((i = 0; i < 100; i++)); do
    st=$(awk '{print $3}' "/proc/$cpid/stat" 2>/dev/null)
    if [ -z "$st" ] || [ "$st" = Z ]; then
        gone=true
        break
    fi
    sleep 0.1
done
$gone || fail "job process $cpid still running after its shell was killed"
grep -q "background job $id canceled: [0-9]* rows in, \([0-9]*\) rows out" "$log" ||
    fail "the job did not stop gracefully: $(tail -n 2 "$log")"
out=$(sed -n "s/.*background job $id canceled: [0-9]* rows in, \([0-9]*\) rows out.*/\1/p" "$log")
[ "$(wc -l <"$T/o.jsonl")" = "$out" ] ||
    fail "the file has $(wc -l <"$T/o.jsonl") rows, the job wrote $out"
finish
