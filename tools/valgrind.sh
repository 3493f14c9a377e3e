#!/usr/bin/env bash
# valgrind.sh - the test inputs under valgrind's memcheck (`make valgrind`).
#
# Runs, each under memcheck with --leak-check=full, definite leaks counted
# as errors:
#   - `fsql run [args] job.sql` in every tests/exec/CASE directory;
#   - `fsql validate` of tests/seed/*.sql and `fsql explain` of
#     tests/plan/*.sql (with their "-- args:" comments);
#   - the unit test binary.
# Output is not compared (tools/runtests.sh does that); only memcheck's
# verdict counts: an invalid read or write, a use of an uninitialised
# value, a definite leak or a crash fails the case.  Too slow for
# `make test`.
#
#   tools/valgrind.sh                  everything
#   tools/valgrind.sh tests/exec/union tests/plan/seed002.sql ...  these only
#
# Environment: FSQL (default ./fsql), UNIT (default build/bin/unit; skipped
# when absent or when arguments are given), VALGRIND_OPTS (extra options).
# Logs of failed cases are kept under build/valgrind/.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2

FSQL=${FSQL:-./fsql}
case "$FSQL" in /*) ;; *) FSQL="$root/${FSQL#./}" ;; esac
UNIT=${UNIT:-build/bin/unit}
case "$UNIT" in /*) ;; *) UNIT="$root/${UNIT#./}" ;; esac
export NO_COLOR=1

if ! command -v valgrind >/dev/null 2>&1; then
    echo "valgrind.sh: valgrind is not installed (apt-get install valgrind)" >&2
    exit 2
fi
if [ ! -x "$FSQL" ]; then
    echo "valgrind.sh: $FSQL is not built (run make)" >&2
    exit 2
fi

logdir="$root/build/valgrind"
rm -rf "$logdir"
mkdir -p "$logdir"

# shellcheck disable=SC2206
vg=(valgrind --tool=memcheck --leak-check=full
    --errors-for-leak-kinds=definite --show-leak-kinds=definite
    --error-exitcode=99 --track-origins=yes --num-callers=30
    ${VALGRIND_OPTS:-})
if [ -f "$root/tools/valgrind.supp" ]; then
    vg+=(--suppressions="$root/tools/valgrind.supp")
fi

n_pass=0
n_fail=0
failed=()

case_args() {
    head -n 5 "$1" | sed -n 's/^-- args: *//p' | head -n 1
}

# verdict NAME LOG RC: memcheck's exit code 99 or a crash fails the case.
verdict() {
    local name=$1 log=$2 rc=$3
    if [ "$rc" = 99 ] || [ "$rc" -ge 128 ] ||
        ! grep -q 'ERROR SUMMARY: 0 errors' "$log"; then
        n_fail=$((n_fail + 1))
        failed+=("$name")
        echo "FAIL $name (exit $rc, log $log)"
        grep -E '^==[0-9]+== (Invalid|Conditional|Use of|Syscall|Mismatched|Source and|Argument|Process terminating| +(at|by) 0x|[0-9,]+ bytes in)' \
            "$log" | head -n 30 | sed 's/^/    /'
    else
        n_pass=$((n_pass + 1))
        rm -f "$log"
    fi
}

run_exec() { # run_exec DIR
    local dir=${1%/} name log rc
    local -a extra
    name=${dir#tests/exec/}
    log="$logdir/exec-$name.log"
    read -r -a extra <<<"$(case_args "$dir/job.sql")"
    rm -rf "$dir/out"
    (cd "$dir" && "${vg[@]}" --log-file="$log" "$FSQL" run "${extra[@]}" \
        job.sql >/dev/null 2>&1)
    rc=$?
    rm -rf "$dir/out"
    verdict "$dir" "$log" "$rc"
}

run_compile() { # run_compile MODE FILE
    local mode=$1 f=$2 log rc
    local -a extra
    log="$logdir/$mode-$(basename "$f" .sql).log"
    read -r -a extra <<<"$(case_args "$f")"
    "${vg[@]}" --log-file="$log" "$FSQL" "$mode" "${extra[@]}" "$f" \
        >/dev/null 2>&1
    rc=$?
    verdict "$f" "$log" "$rc"
}

is_helper() {
    head -n 5 "$1" | grep -q -- '-- helper'
}

run_path() {
    local f=${1%/}
    case "$f" in
    tests/exec/*/job.sql) run_exec "$(dirname "$f")" ;;
    tests/exec/*) [ -f "$f/job.sql" ] && run_exec "$f" ;;
    tests/seed/*.sql) is_helper "$f" || run_compile validate "$f" ;;
    tests/plan/*.sql) is_helper "$f" || run_compile explain "$f" ;;
    *) echo "valgrind.sh: not a case: $f" >&2 ;;
    esac
}

if [ $# -gt 0 ]; then
    for f in "$@"; do run_path "$f"; done
else
    for d in tests/exec/*/; do run_path "$d"; done
    for f in tests/seed/*.sql; do run_path "$f"; done
    for f in tests/plan/*.sql; do run_path "$f"; done
    if [ -x "$UNIT" ]; then
        log="$logdir/unit.log"
        "${vg[@]}" --log-file="$log" "$UNIT" >/dev/null 2>&1
        verdict unit "$log" $?
    else
        echo "valgrind.sh: $UNIT not built, unit tests skipped" >&2
    fi
fi

echo "valgrind: $n_pass passed, $n_fail failed"
[ "$n_fail" = 0 ] || exit 1
