#!/usr/bin/env bash
# set.sh - --set KEY=VALUE is parsed (both spellings) and applied before
# compiling; malformed forms are bad usage.
. "$(dirname "$0")/lib.bash"

printf '%s\n' "$OK_SQL" >"$T/ok.sql"

run --set table.exec.state.ttl=1h validate "$T/ok.sql"
expect_rc 0 "--set KEY=VALUE"
run --set=table.exec.state.ttl=1h validate "$T/ok.sql"
expect_rc 0 "--set=KEY=VALUE"
run validate --set 'pipeline.name=a=b' --set 'x.y=' "$T/ok.sql"
expect_rc 0 "value with '=' and empty value"

run --set noequals validate "$T/ok.sql"
expect_rc 3 "--set without '='"
expect_in "$err" "--set expects KEY=VALUE, got 'noequals'" "--set message"

run --set =v validate "$T/ok.sql"
expect_rc 3 "--set with empty key"

run validate "$T/ok.sql" --set
expect_rc 3 "--set without argument"
finish
