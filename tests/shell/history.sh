#!/usr/bin/env bash
# History and completion through a real terminal: the up arrow recalls the
# last statement (also in a new session, from ~/.fsql_history); Tab
# completes a column name, a table name and a keyword.
. "$(dirname "$0")/lib.bash"

start_shell
line "$EV_DDL"
enter_line 'SELECT name FROM ev WHERE id = 3;'
expect '| carol |' 'first run'

# Up arrow, Enter: the same statement again.
n=$(prompts)
keys Up
sleep 0.3
keys Enter
wait_prompt "$n"
[ "$(count '| carol |')" = 2 ] || fail 'the recalled statement did not run again'

# Completion: column, table, keyword.
type_text 'SELECT amo'
keys Tab
sleep 0.3
screen | tail -n 1 | grep -q 'SELECT amount$' || fail "column completion: $(screen | tail -n 1)"
type_text ' fr'
keys Tab
sleep 0.3
screen | tail -n 1 | grep -q 'SELECT amount from$' || fail "keyword completion: $(screen | tail -n 1)"
type_text ' e'
keys Tab
sleep 0.3
screen | tail -n 1 | grep -q 'SELECT amount from ev$' || fail "table completion: $(screen | tail -n 1)"
type_text ' WHERE ev.na'
keys Tab
sleep 0.3
screen | tail -n 1 | grep -q 'WHERE ev.name$' || fail "qualified column completion: $(screen | tail -n 1)"
enter_line " = 'bob';"
expect '|    250 |' 'completed statement ran'

line 'quit'
expect '__EXIT__ 0' 'quit'
sed 's/\\040/ /g' "$T/.fsql_history" | grep -q "SELECT name FROM ev WHERE id = 3;" ||
    fail 'the history file does not have the statement'

# A new session recalls the history of the last one.
tmux -S "$SOCK" kill-server >/dev/null 2>&1
# A server of its own: a new-session on the socket of a server that is
# still going away can fail ("server exited unexpectedly").
SOCK="$T/tmux2.sock"
start_shell
keys Up
sleep 0.3
screen | tail -n 1 | grep -q "WHERE ev.name = 'bob';" ||
    fail "history not loaded: $(screen | tail -n 1)"
keys C-u
line '\q'
expect '__EXIT__ 0' '\q'
finish
