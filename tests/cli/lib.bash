# lib.bash - helpers sourced by the tests/cli/*.sh scripts (not a test).
#
# Each script runs from the repository root with FSQL set by
# tools/runtests.sh; it exits 0 when every check passed, 1 otherwise.
set -uo pipefail

FSQL=${FSQL:-./fsql}
export NO_COLOR=1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
failures=0
# $FSQL as an absolute path, for runs in another directory (runin).
FSQL_ABS=$(cd "$(dirname "$FSQL")" && pwd)/$(basename "$FSQL")

. "$(dirname "${BASH_SOURCE[0]}")/../common.bash"

# A statement every build of the compiler accepts (DDL; nothing to run).
OK_SQL="CREATE TABLE t (a INT) WITH ('connector' = 'datagen');"

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# run ARGS...: run fsql with stdin from /dev/null unless redirected by the
# caller; sets $rc, $out (stdout) and $err (stderr).
run() {
    "$FSQL" "$@" >"$T/out" 2>"$T/err"
    rc=$?
    out=$(cat "$T/out")
    err=$(cat "$T/err")
}

# runin DIR ARGS...: fsql ARGS with DIR as the working directory (where
# the job's relative paths point), its standard output and error written
# to DIR/out.txt and DIR/err.txt (appended to them when RUNIN_APPEND is
# set); sets $rc, $out and $err, and returns $rc.  A run killed on purpose (FSQL_FAULT)
# leaves no "Killed" line from the shell.
runin() {
    local d=$1
    shift
    if [ -n "${RUNIN_APPEND:-}" ]; then
        (cd "$d" && exec "$FSQL_ABS" "$@" >>out.txt 2>>err.txt) 2>/dev/null
    else
        (cd "$d" && exec "$FSQL_ABS" "$@" >out.txt 2>err.txt) 2>/dev/null
    fi
    rc=$?
    out=$(cat "$d/out.txt")
    err=$(cat "$d/err.txt")
    return "$rc"
}

block() { # block README HEADING: the fenced block after the heading
    awk -v want="$2" '
        $0 == want { found = 1; next }
        found && /^```/ { if (in_block) exit; in_block = 1; next }
        in_block { print }
    ' "$1"
}

expect_rc() { # expect_rc WANT WHAT
    [ "$rc" = "$1" ] || fail "$2: exit status $rc, want $1 (stderr: $err)"
}

expect_in() { # expect_in HAYSTACK NEEDLE WHAT
    case "$1" in
    *"$2"*) ;;
    *) fail "$3: '$2' not found in: $1" ;;
    esac
}

finish() {
    if [ "$failures" -gt 0 ]; then
        echo "$failures check(s) failed"
        exit 1
    fi
    exit 0
}
