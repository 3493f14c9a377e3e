#!/usr/bin/env bash
# usage.sh - bad usage exits 3 with a message on stderr; a missing file is
# reported as "fsql: cannot open 'x': No such file or directory".
. "$(dirname "$0")/lib.bash"

printf '%s\n' "$OK_SQL" >"$T/ok.sql"

run --bogus
expect_rc 3 "unknown option"
expect_in "$err" "fsql: unrecognized option '--bogus'" "unknown option"
expect_in "$err" "fsql --help" "unknown option hint"

run frobnicate
expect_rc 3 "unknown command"
expect_in "$err" "unrecognized command 'frobnicate'" "unknown command"

run rules.sql
expect_rc 3 "file without command"
expect_in "$err" "fsql run rules.sql" "file without command hint"

run validate no/such.sql
expect_rc 3 "missing file"
[ "$err" = "fsql: cannot open 'no/such.sql': No such file or directory" ] ||
    fail "missing file message: $err"

run explain -i missing_init.sql "$T/ok.sql"
expect_rc 3 "missing init file"
expect_in "$err" "fsql: cannot open 'missing_init.sql': No such file or directory" "missing init"

run validate "$T"
expect_rc 3 "directory as file"
expect_in "$err" "fsql: cannot read '$T'" "directory as file"

run --output xml validate "$T/ok.sql"
expect_rc 3 "bad --output"
expect_in "$err" "unrecognized output format 'xml'" "bad --output"

for o in table changelog jsonl csv; do
    run --output "$o" validate "$T/ok.sql"
    expect_rc 0 "--output $o"
    run --output="$o" validate "$T/ok.sql"
    expect_rc 0 "--output=$o"
done

run --diag-format=yaml validate "$T/ok.sql"
expect_rc 3 "bad --diag-format"

run validate "$T/ok.sql" -i
expect_rc 3 "-i without argument"
expect_in "$err" "needs an argument" "-i without argument"

run explain "$T/ok.sql" "$T/ok.sql"
expect_rc 3 "explain with two files"

run -e 'SELECT 1' validate
expect_rc 3 "-e with a command"

run shell "$T/ok.sql"
expect_rc 3 "shell with a file argument"
expect_in "$err" "use -f" "shell message"
run -f "$T/ok.sql" validate "$T/ok.sql"
expect_rc 3 "-f outside the shell"

run parse --print --dump "$T/ok.sql" -i "$T/ok.sql"
expect_rc 3 "-i with parse"

run validate --print "$T/ok.sql"
expect_rc 3 "--print outside parse"

# "--" ends the options: a file named like an option.
cp "$T/ok.sql" "$T/--weird.sql"
(cd "$T" && "$FSQL" validate -- --weird.sql >/dev/null 2>&1) ||
    fail "'--' did not end the options"
finish
