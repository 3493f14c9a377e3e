#!/usr/bin/env bash
# Keys typed right after the key that stops a live query belong to the
# next prompt: "q" and the next statement arrive in one write (so the
# live view reads them together), and Ctrl-C followed at once by a
# statement, both while the job is still winding down.  Before the fix
# the live view swallowed them and the prompt got only the Enter.
. "$(dirname "$0")/lib.bash"

start_shell
enter_line "CREATE TABLE g (k INT, v BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '40', 'fields.k.min' = '1', 'fields.k.max' = '3');"

# q and the SET in the same write, then Enter.
n=$(prompts)
line 'SELECT k, COUNT(*) AS n FROM g GROUP BY k;'
expect 'q or Ctrl-C stops' 'status line'
type_text "qSET 'sql-client.execution.result-mode' = 'changelog';"
keys Enter
wait_prompt "$n"
wait_prompt "$((n + 1))"
expect 'stopped)' 'stopped with q'
screen | grep -qF "fsql> SET 'sql-client.execution.result-mode' = 'changelog';" ||
    fail 'the statement typed after q did not reach the prompt'
# The SET took effect: the next live query shows a changelog.
n=$(prompts)
line 'SELECT k, COUNT(*) FROM g GROUP BY k;'
expect '+U[' 'changelog mode after the typed-ahead SET'

# Ctrl-C and, at once, the next statement.
keys C-c
line 'SHOW TABLES;'
wait_prompt "$((n + 1))"
expect 'Received a total of' 'changelog summary after Ctrl-C'
expect '| g ' 'SHOW TABLES typed right after Ctrl-C'

keys C-d
expect '__EXIT__ 0' 'Ctrl-D leaves'
finish
