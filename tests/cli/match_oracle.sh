#!/usr/bin/env bash
# match_oracle.sh - runs the MATCH_RECOGNIZE differential test against its
# brute-force oracle (tests/oracle/match_recognize.sh) on 20 random
# datasets, so that `make test` covers it; the oracle script itself takes
# more seeds for a longer run.
. "$(dirname "$0")/lib.bash"

FSQL=$FSQL tests/oracle/match_recognize.sh 20 400 >"$T/out" 2>&1 ||
    fail "$(cat "$T/out")"
exit $((failures > 0))
