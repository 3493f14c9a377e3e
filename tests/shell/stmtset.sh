#!/usr/bin/env bash
# Statement sets in the shell: EXECUTE STATEMENT SET BEGIN ... END; and
# BEGIN STATEMENT SET; ... END; typed over several lines are one
# statement each (their inner ';' do not end them), through a pipe (the
# foreground) and at the prompt (one background job writing both
# INSERTs' rows).
. "$(dirname "$0")/lib.bash"

cat >"$T/set.sql" <<SQL
CREATE TABLE g (k INT) WITH ('connector' = 'datagen', 'number-of-rows' = '3', 'fields.k.min' = '1', 'fields.k.max' = '9');
CREATE TABLE o (k INT) WITH ('connector' = 'filesystem', 'path' = '$T/o.jsonl', 'format' = 'json');
EXECUTE STATEMENT SET BEGIN
  INSERT INTO o SELECT k FROM g;
  INSERT INTO o SELECT k + 100 FROM g;
END;
BEGIN STATEMENT SET;
  INSERT INTO o SELECT k + 200 FROM g;
END;
SQL
"$FSQL" shell <"$T/set.sql" >"$T/p.out" 2>"$T/p.err"
rc=$?
[ "$rc" = 0 ] || fail "pipe: exit status $rc: $(head -n 3 "$T/p.err")"
# Both sets append to the file: 3 rows of each INSERT.
[ "$(wc -l <"$T/o.jsonl")" = 9 ] || fail "pipe: $(wc -l <"$T/o.jsonl") rows in the file, want 9"
for re in '[1-9]' '10[1-9]' '20[1-9]'; do
    [ "$(grep -cE "^\{\"k\":$re\}\$" "$T/o.jsonl")" = 3 ] ||
        fail "pipe: not 3 rows matching $re"
done

export XDG_RUNTIME_DIR="$T/run"
mkdir -p "$XDG_RUNTIME_DIR"
rm -f "$T/o.jsonl"
start_shell
enter_line "CREATE TABLE g (k INT) WITH ('connector' = 'datagen', 'number-of-rows' = '3', 'fields.k.min' = '1', 'fields.k.max' = '9');"
enter_line "CREATE TABLE o (k INT) WITH ('connector' = 'filesystem', 'path' = '$T/o.jsonl', 'format' = 'json');"
n=$(prompts)
line 'EXECUTE STATEMENT SET BEGIN'
line '  INSERT INTO o SELECT k FROM g;'
line '  INSERT INTO o SELECT k + 100 FROM g;'
line 'END;'
wait_prompt "$n" 5
[ "$(count 'Job ID: ')" = 1 ] || fail 'not exactly one job for the statement set'
id=$(screen | sed -n 's/^Job ID: \([0-9a-f]\{8\}\)$/\1/p' | tail -n 1)
sleep 1
enter_line ''
expect "[INFO] Background job $id finished: 3 rows in, 6 rows out." \
    'the statement set job'
enter_line 'SHOW JOBS;'
expect '| EXECUTE STATEMENT SET BEGIN INSERT IN... | FINISHED ' 'SHOW JOBS row'
[ "$(wc -l <"$T/o.jsonl")" = 6 ] || fail "prompt: $(wc -l <"$T/o.jsonl") rows in the file, want 6"
keys C-d
expect '__EXIT__ 0' 'Ctrl-D leaves'
finish
