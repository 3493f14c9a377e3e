#!/usr/bin/env bash
# version.sh - --version and -V print "fsql X.Y.Z" first and exit 0.
. "$(dirname "$0")/lib.bash"

for a in --version -V version; do
    run $a
    expect_rc 0 "fsql $a"
    first=$(printf '%s\n' "$out" | head -n 1)
    [[ "$first" =~ ^fsql\ [0-9]+\.[0-9]+\.[0-9]+$ ]] ||
        fail "fsql $a: first line '$first'"
done
run --version
expect_in "$out" "lemon" "--version build note"
expect_in "$out" "re2c" "--version build note"
finish
