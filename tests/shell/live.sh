#!/usr/bin/env bash
# Live results through a real terminal: an unbounded datagen GROUP BY
# whose table updates in place (one row per key, however many changes),
# stopped with Ctrl-C back to the prompt; a live TUMBLE window query over
# a running source with the watermark in the status line, stopped with q;
# the changelog and tableau result modes.
. "$(dirname "$0")/lib.bash"

start_shell
line "CREATE TABLE g (k INT, v BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '40', 'fields.k.min' = '1', 'fields.k.max' = '3');"
expect '[INFO] Execute statement succeeded.' 'CREATE TABLE'

n=$(prompts)
line 'SELECT k, COUNT(*) AS n FROM g GROUP BY k;'
expect 'q or Ctrl-C stops' 'status line'
# Wait for enough changes that every key was updated several times.
for ((i = 0; i < 100; i++)); do
    c=$(screen | sed -n 's/.*| \([0-9]*\) changes.*/\1/p' | tail -n 1)
    [ "${c:-0}" -ge 30 ] && break
    sleep 0.1
done
[ "${c:-0}" -ge 30 ] || fail "the live query made no progress (changes: ${c:-none})"
# Updated in place: one header and one line per key on the screen.
[ "$(count '| k |')" = 1 ] || fail 'the table was printed more than once'
for k in 1 2 3; do
    [ "$(screen | grep -c "^| $k |")" = 1 ] || fail "key $k is not one row"
done
keys C-c
wait_prompt "$n"
expect 'rows in set' 'final table after Ctrl-C'
expect 'stopped)' 'stopped after Ctrl-C'
# The shell is still there.
enter_line 'SHOW TABLES;'
expect '| g          |' 'statement after Ctrl-C'

line "CREATE TABLE tx (user_id BIGINT, amount DECIMAL(15, 2), transaction_time TIMESTAMP(3), WATERMARK FOR transaction_time AS transaction_time - INTERVAL '1' SECOND) WITH ('connector' = 'datagen', 'generator' = 'transactions', 'rows-per-second' = '50', 'generator.time-step' = '100 ms', 'generator.seed' = '3');"
n=$(prompts)
line "SELECT window_start, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE tx, DESCRIPTOR(transaction_time), INTERVAL '1' SECOND)) GROUP BY window_start, window_end;"
expect '| 2024-01-01 00:00:01.000 |' 'a closed window' 15
expect 'watermark 2024-01-01' 'watermark in the status line'
keys q
wait_prompt "$n"
expect 'stopped)' 'stopped with q'

line "SET 'sql-client.execution.result-mode' = 'changelog';"
n=$(prompts)
line 'SELECT k, COUNT(*) FROM g GROUP BY k;'
expect '+U[' 'changelog updates'
keys C-c
wait_prompt "$n"
expect 'Received a total of' 'changelog summary'

line "SET 'sql-client.execution.result-mode' = 'tableau';"
enter_line "SELECT id, name FROM (VALUES (1, 'x'), (2, 'y')) AS t (id, name);"
expect '| op |' 'tableau header'
expect '| +I |' 'tableau rows'

keys C-d
expect '__EXIT__ 0' 'Ctrl-D leaves'
finish
