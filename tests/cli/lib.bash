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

# crash_and_resume K FORMAT SQL WANT [SKIP-RE]: run SQL (--output FORMAT),
# killed right after its K-th durable checkpoint (FSQL_FAULT), then run it
# again, which restores that checkpoint.  The rows printed before the
# crash plus those printed after the restart (lines matching SKIP-RE left
# out) must be exactly the sorted rows in WANT, and the restart must have
# resumed rather than started over.
crash_and_resume() {
    local k=$1 fmt=$2 sql=$3 want=$4 skip=${5:-'^$'} n before after
    n=$(wc -l <"$want")
    # (the subshell keeps bash's "Killed" report out of the test output)
    (FSQL_FAULT="checkpoint.after-state-write:$k" "$FSQL" run \
        --output "$fmt" "$sql" >"$T/a$k" 2>"$T/e$k"
     exit $?) 2>/dev/null
    rc=$?
    if [ "$rc" != 137 ]; then
        fail "crash at checkpoint $k: exit $rc ($(cat "$T/e$k"))"
        return
    fi
    run run --output "$fmt" "$sql"
    expect_rc 0 "restart after checkpoint $k"
    before=$(grep -v "$skip" "$T/a$k" | grep -c .)
    after=$(printf '%s\n' "$out" | grep -v "$skip" | grep -c .)
    [ "$before" -gt 0 ] && [ "$after" -lt "$n" ] ||
        fail "checkpoint $k: $before rows before the crash, $after after"
    { cat "$T/a$k"; printf '%s\n' "$out"; } | grep -v "$skip" |
        grep -v '^$' | sort >"$T/got$k"
    diff "$want" "$T/got$k" >"$T/diff$k" ||
        fail "checkpoint $k: crash + restore differs from one run:" \
            "$(head -20 "$T/diff$k")"
}

finish() {
    if [ "$failures" -gt 0 ]; then
        echo "$failures check(s) failed"
        exit 1
    fi
    exit 0
}
