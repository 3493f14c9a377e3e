#!/usr/bin/env bash
# help.sh - --help, -h and `fsql help` print the usage text and exit 0.
. "$(dirname "$0")/lib.bash"

for a in --help -h help; do
    run $a </dev/null
    expect_rc 0 "fsql $a"
    expect_in "$out" "usage: fsql" "fsql $a"
    [ -z "$err" ] || fail "fsql $a wrote to stderr: $err"
done
run --help
for word in validate explain run shell tokens parse "-e SQL" "-i FILE" \
    "--set KEY=VALUE" "--output FORMAT" "--diag-format" "--version" \
    changelog jsonl csv "Exit status"; do
    expect_in "$out" "$word" "--help mentions $word"
done
# Help wins over everything else on the line.
run validate no/such.sql --help
expect_rc 0 "--help after a command"
finish
