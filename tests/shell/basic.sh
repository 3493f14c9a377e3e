#!/usr/bin/env bash
# The shell through a real terminal: DDL over a JSON file, a multi-line
# SELECT with a filter, a syntax error with its caret and recovery,
# SHOW TABLES, DESCRIBE masking a password, help and quit.
. "$(dirname "$0")/lib.bash"

start_shell
line "$EV_DDL"
expect '[INFO] Execute statement succeeded.' 'CREATE TABLE'

n=$(prompts)
line 'SELECT id, name'
expect '   ->' 'continuation prompt'
line '  FROM ev'
line '  WHERE amount > 100;'
wait_prompt "$n"
expect '|  2 | bob   |' 'filtered row 2'
expect '|  3 | carol |' 'filtered row 3'
expect '2 rows in set' 'row count'
screen | grep -q '| *1 | alice' && fail 'the filter let alice through'

enter_line 'SELEC name FROM ev;'
expect '<stdin>:1:1: error: syntax error at or near "SELEC"' 'syntax error'
expect '      | ^~~~~' 'caret under the error'
expect 'hint: Did you mean SELECT?' 'hint'

enter_line 'SELECT nme FROM ev;'
expect "column 'nme' not found" 'unknown column'

# The shell carries on after errors.
enter_line 'SELECT name FROM ev WHERE id = 1;'
expect '| alice |' 'query after the errors'

# A failed CREATE TABLE leaves nothing behind: the corrected one works.
enter_line "CREATE TABLE bad (a INT) WITH ('connector' = 'nosuch');"
expect "error:" 'bad connector'
enter_line "CREATE TABLE bad (a INT) WITH ('connector' = 'datagen', 'number-of-rows' = '1');"
[ "$(count '[INFO] Execute statement succeeded.')" = 2 ] ||
    fail 'the corrected CREATE TABLE did not succeed'

enter_line "CREATE TABLE dim (id INT, city STRING) WITH ('connector' = 'jdbc', 'url' = 'jdbc:sqlite:$T/d.db', 'table-name' = 'dim', 'password' = 'hunter2');"
enter_line 'SHOW TABLES;'
expect '| table name |' 'SHOW TABLES header'
expect '| dim        |' 'SHOW TABLES row'

enter_line 'DESCRIBE dim;'
expect '| city | STRING |' 'DESCRIBE columns'
expect 'password   = ******' 'DESCRIBE masks the password'
enter_line 'SHOW CREATE TABLE dim;'
expect "'password' = '******'" 'SHOW CREATE TABLE masks the password'
# The only hunter2 on the screen is the one typed at the prompt.
[ "$(count hunter2)" = 1 ] || fail 'the password was echoed in output'

enter_line 'help'
expect 'leave the shell' 'help'

line 'quit'
expect '__EXIT__ 0' 'quit'
finish
