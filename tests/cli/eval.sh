#!/usr/bin/env bash
# eval.sh - `fsql -e SQL` compiles the text as "<command line>".
. "$(dirname "$0")/lib.bash"

run -e 'SELEC 1'
expect_rc 1 "-e with a syntax error"
expect_in "$err" "<command line>:1:1: error:" "-e error position"
expect_in "$err" "    1 | SELEC 1" "-e source line"
expect_in "$err" "1 error generated." "-e summary"

# Valid SQL: exit 0 once the runtime exists; until then 2 with a message.
run -e "$OK_SQL"
case $rc in
0) ;;
2) expect_in "$err" "the runtime is not built yet" "-e before the runtime" ;;
*) fail "-e '$OK_SQL' exited $rc: $err" ;;
esac

# -e with init files, in either order.
echo 'SET '"'"'table.exec.state.ttl'"'"' = '"'"'1h'"'"';' >"$T/init.sql"
run -i "$T/init.sql" -e 'SELEC 2'
expect_rc 1 "-i then -e"
expect_in "$err" "<command line>:1:1:" "-i then -e"
finish
