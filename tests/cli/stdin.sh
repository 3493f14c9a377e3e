#!/usr/bin/env bash
# stdin.sh - no FILE, or "-", reads standard input, shown as <stdin>.
. "$(dirname "$0")/lib.bash"

printf '%s\nSELEC 2;\n' "$OK_SQL" >"$T/bad.sql"
printf '%s\n' "$OK_SQL" >"$T/ok.sql"

run validate <"$T/bad.sql"
expect_rc 1 "validate from stdin"
expect_in "$err" "<stdin>:2:1: error:" "stdin path"

run validate - <"$T/bad.sql"
expect_rc 1 "validate -"
expect_in "$err" "<stdin>:2:1: error:" "stdin path with -"

run validate <"$T/ok.sql"
expect_rc 0 "valid stdin"
[ -z "$err" ] || fail "valid stdin wrote diagnostics: $err"

# Several files and stdin in one validate: every error is reported.
run validate "$T/bad.sql" - <"$T/bad.sql"
expect_rc 1 "file and stdin"
expect_in "$err" "$T/bad.sql:2:1:" "file and stdin: file"
expect_in "$err" "<stdin>:2:1:" "file and stdin: stdin"
expect_in "$err" "2 errors generated." "file and stdin summary"

# A byte order mark does not shift columns.
printf '\xef\xbb\xbfSELEC 1;\n' >"$T/bom.sql"
run validate "$T/bom.sql"
expect_in "$err" "bom.sql:1:1:" "BOM"
finish
