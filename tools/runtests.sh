#!/usr/bin/env bash
# runtests.sh - the golden-file test runner.
#
#   tools/runtests.sh                  every suite
#   tools/runtests.sh tests/plan X.sql only these directories / files
#   UPDATE=1 tools/runtests.sh ...     rewrite the expected files (review the
#                                      diff before committing)
#
# Suites (run from the repository root, so paths print relative):
#   tests/lex/*.sql     fsql tokens F          -> F.tokens
#   tests/parse/*.sql   fsql parse --dump F    -> F.ast
#   tests/errors/*.sql  fsql validate F        -> F.err
#   tests/seed/*.sql    fsql validate F        -> F.err
#   tests/plan/*.sql    fsql explain F         -> F.explain
#   tests/exec/CASE/job.sql  cd CASE && fsql run [args] job.sql
#                            -> CASE/expected.out
#   tests/cli/*.sh, tests/kafka/*.sh: scripts; exit 0 pass, 77 skip, else fail
#   tests/shell/*.sh: the shell through a real PTY (tmux); same exit codes
#   tests/mysql/*.sh: scripts against a private MariaDB server they start
#                     (lib.sh is sourced by them, not run); 77 when no
#                     mariadb-server can be installed
#
# Exec cases: stdout, then stderr (the summary line's events/s figure is
# replaced by "N"), then "# exit N" when not 0, then every file the job
# wrote under CASE/out/ ("==> out/FILE <==" and its contents).  CASE/out/
# is removed before and after the run.
#
# Captured output: for tokens/parse/explain, stdout then stderr; for
# validate, stderr.  When the exit status is not 0 a final "# exit N" line
# is added.  Validate cases also end with "# codes: E_X W_Y" (the codes of
# the diagnostics, from --diag-format=json), which is what the docs check
# below looks for.
#
# A case may pass extra arguments in a comment in its first five lines:
#   -- args: -i tests/plan/tables.sql
# and a file with "-- helper" in its first five lines (such an init file)
# is not a case.
#
# Docs check: every code listed in docs/errors.md must appear in the
# "# codes:" line of some tests/errors/*.err, and every code of
# compiler/diag.h must be listed in docs/errors.md.  Failures fail the run
# (STRICT_CODES=0 turns them into warnings).
#
# Environment: FSQL (default ./fsql), FSQL_KAFKA_MOCK (default next to FSQL).
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2

FSQL=${FSQL:-./fsql}
case "$FSQL" in /*) ;; *) FSQL="$root/${FSQL#./}" ;; esac
FSQL_KAFKA_MOCK=${FSQL_KAFKA_MOCK:-$(dirname "$FSQL")/fsql-kafka-mock}
export FSQL FSQL_KAFKA_MOCK NO_COLOR=1
UPDATE=${UPDATE:-0}
STRICT_CODES=${STRICT_CODES:-1}

if [ ! -x "$FSQL" ]; then
    echo "runtests: $FSQL is not built (run make)" >&2
    exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

n_pass=0
n_fail=0
n_skip=0
failed=()

fail() { # fail NAME [DETAIL-FILE]
    n_fail=$((n_fail + 1))
    failed+=("$1")
    echo "FAIL $1"
    if [ $# -gt 1 ] && [ -s "$2" ]; then
        head -n 40 "$2" | sed 's/^/    /'
    fi
}

# Extra arguments from a "-- args:" comment.
case_args() {
    head -n 5 "$1" | sed -n 's/^-- args: *//p' | head -n 1
}

# check CASE EXPECTED ACTUAL: compare, or rewrite with UPDATE=1.
check() {
    local case=$1 want=$2 got=$3
    if [ "$UPDATE" = 1 ]; then
        if [ ! -f "$want" ] || ! cmp -s "$want" "$got"; then
            cp "$got" "$want"
            echo "updated $want"
        fi
        n_pass=$((n_pass + 1))
        return
    fi
    if [ ! -f "$want" ]; then
        { echo "missing expected file $want; output was:"; cat "$got"; } >"$tmp/diff"
        fail "$case" "$tmp/diff"
        return
    fi
    if cmp -s "$want" "$got"; then
        n_pass=$((n_pass + 1))
    else
        diff -u --label "$want" --label "actual" "$want" "$got" >"$tmp/diff"
        fail "$case" "$tmp/diff"
    fi
}

# run_golden CASE EXT MODE: MODE is tokens | parse | explain | validate.
run_golden() {
    local f=$1 ext=$2 mode=$3
    local want="${f%.sql}.$ext" out="$tmp/out" rc
    local -a extra
    read -r -a extra <<<"$(case_args "$f")"
    case $mode in
    tokens) "$FSQL" tokens "${extra[@]}" "$f" >"$out" 2>"$tmp/err"; rc=$? ;;
    parse) "$FSQL" parse --dump "${extra[@]}" "$f" >"$out" 2>"$tmp/err"; rc=$? ;;
    explain) "$FSQL" explain "${extra[@]}" "$f" >"$out" 2>"$tmp/err"; rc=$? ;;
    validate)
        "$FSQL" validate "${extra[@]}" "$f" >/dev/null 2>"$out"; rc=$?
        : >"$tmp/err"
        ;;
    esac
    cat "$tmp/err" >>"$out"
    if [ "$rc" -ge 128 ]; then
        echo "# crashed with signal $((rc - 128))" >>"$out"
    fi
    [ "$rc" != 0 ] && echo "# exit $rc" >>"$out"
    if [ "$mode" = validate ]; then
        local codes
        codes=$("$FSQL" validate --diag-format=json "${extra[@]}" "$f" 2>&1 >/dev/null |
            grep -o '"code":"[A-Z_]*"' | sed 's/"code":"//; s/"$//' | tr '\n' ' ')
        codes=${codes% }
        [ -n "$codes" ] && echo "# codes: $codes" >>"$out"
    fi
    check "$f" "$want" "$out"
}

run_exec() {
    local f=$1 dir out rc
    dir=$(dirname "$f")
    out="$tmp/out"
    local -a extra
    read -r -a extra <<<"$(case_args "$f")"
    rm -rf "$dir/out"
    (cd "$dir" && "$FSQL" run "${extra[@]}" job.sql >"$out" 2>"$tmp/err")
    rc=$?
    sed -E 's/[0-9]+ events\/s/N events\/s/' "$tmp/err" >>"$out"
    if [ "$rc" -ge 128 ]; then
        echo "# crashed with signal $((rc - 128))" >>"$out"
    fi
    [ "$rc" != 0 ] && echo "# exit $rc" >>"$out"
    if [ -d "$dir/out" ]; then
        (cd "$dir" && find out -type f | LC_ALL=C sort | while read -r o; do
            echo "==> $o <=="
            cat "$o"
        done) >>"$out"
        rm -rf "$dir/out"
    fi
    check "$dir" "$dir/expected.out" "$out"
}

run_script() {
    local f=$1 rc
    bash "$f" >"$tmp/script.out" 2>&1
    rc=$?
    if [ "$rc" = 0 ]; then
        n_pass=$((n_pass + 1))
    elif [ "$rc" = 77 ]; then
        n_skip=$((n_skip + 1))
        echo "SKIP $f: $(tail -n 1 "$tmp/script.out")"
    else
        echo "# exit $rc" >>"$tmp/script.out"
        tail -n 40 "$tmp/script.out" >"$tmp/diff"
        fail "$f" "$tmp/diff"
    fi
}

# run_path FILE: dispatch one case by its directory.
run_path() {
    local f=$1
    case "$f" in
    tests/lex/*.sql) run_golden "$f" tokens tokens ;;
    tests/parse/*.sql) run_golden "$f" ast parse ;;
    tests/errors/*.sql) run_golden "$f" err validate ;;
    tests/seed/*.sql) run_golden "$f" err validate ;;
    tests/plan/*.sql) run_golden "$f" explain explain ;;
    tests/exec/*/job.sql) run_exec "$f" ;;
    tests/mysql/lib.sh) ;; # sourced by the mysql tests
    tests/cli/*.sh | tests/kafka/*.sh | tests/mysql/*.sh) run_script "$f" ;;
    tests/shell/*.sh) run_script "$f" ;; # through a PTY (tmux), issue 9
    *) ;; # data files, init files without an expected file, ...
    esac
}

# Files to run: the arguments (files or directories) or every suite.
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    for d in tests/lex tests/parse tests/errors tests/seed tests/plan tests/exec tests/cli tests/kafka tests/mysql tests/shell; do
        [ -d "$d" ] && targets+=("$d")
    done
fi
for t in "${targets[@]}"; do
    t=${t%/}
    t=${t#./}
    if [ -d "$t" ] && [ -f "$t/job.sql" ]; then
        run_path "$t/job.sql"
    elif [ -d "$t" ] && [ "$t" = tests/exec ]; then
        for f in "$t"/*/job.sql; do
            [ -e "$f" ] && run_path "$f"
        done
    elif [ -d "$t" ]; then
        for f in "$t"/*.sql "$t"/*.sh; do
            [ -e "$f" ] || continue
            # Init files used through "-- args: -i ..." say "-- helper" in
            # their first lines and are not cases themselves.
            case "$f" in
            *.sql) head -n 5 "$f" | grep -q '^-- helper' && continue ;;
            esac
            run_path "$f"
        done
    elif [ -f "$t" ]; then
        run_path "$t"
    else
        echo "runtests: no such test or directory: $t" >&2
        n_fail=$((n_fail + 1))
    fi
done

# ---- docs/errors.md <-> tests/errors and compiler/diag.h ---------------------
if [ $# -eq 0 ] && [ -f docs/errors.md ]; then
    problems=()
    doc_codes=$(grep -oE '^\| *`[EW]_[A-Z0-9_]+`' docs/errors.md | grep -oE '[EW]_[A-Z0-9_]+' | sort -u)
    for c in $doc_codes; do
        if ! cat tests/errors/*.err 2>/dev/null | grep '^# codes:' | grep -qw -- "$c"; then
            problems+=("docs/errors.md lists $c but no tests/errors case produces it")
        fi
    done
    if [ -f compiler/diag.h ]; then
        hdr_codes=$(sed -n '/#define DIAG_CODES/,/^$/p' compiler/diag.h |
            grep -oE 'X\([EW]_[A-Z0-9_]+' | sed 's/X(//' | sort -u)
        for c in $hdr_codes; do
            echo "$doc_codes" | grep -qx -- "$c" ||
                problems+=("compiler/diag.h defines $c but docs/errors.md does not list it")
        done
    fi
    if [ ${#problems[@]} -gt 0 ]; then
        if [ "$STRICT_CODES" = 1 ]; then
            for p in "${problems[@]}"; do echo "FAIL codes: $p"; done
            n_fail=$((n_fail + ${#problems[@]}))
        else
            echo "warning: ${#problems[@]} diagnostic code(s) not covered (STRICT_CODES=0):"
            for p in "${problems[@]}"; do echo "    $p"; done
        fi
    fi
fi

summary="$n_pass passed, $n_fail failed"
[ "$n_skip" -gt 0 ] && summary="$summary, $n_skip skipped"
echo "runtests: $summary"
[ "$n_fail" -eq 0 ]
