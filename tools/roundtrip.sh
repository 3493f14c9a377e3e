#!/bin/sh
# roundtrip.sh - the printer round-trip test over every SQL file in the repo.
#
# For each *.sql file of the repository (the files git tracks and the new
# ones it does not ignore; outside a git checkout, every *.sql below the
# root except build/), compare
#     fsql parse --dump F
# with
#     fsql parse --print F | fsql parse --dump -
# The dump ignores source positions, so the two agree exactly when printing
# and re-parsing gives back the same tree.  Files with syntax errors (the
# negative tests) are included: their statements that do parse must round
# trip, and the printed text must parse without errors.  Exits 1 listing
# the files that differ.
#
#   FSQL=./fsql tools/roundtrip.sh            all files
#   tools/roundtrip.sh a.sql b.sql            only these
#   VERBOSE=1 tools/roundtrip.sh              show the dump diff of failures

root=$(cd "$(dirname "$0")/.." && pwd)
FSQL=${FSQL:-./fsql}
case "$FSQL" in /*) ;; *) FSQL="$(pwd)/${FSQL#./}" ;; esac
tmp=$(mktemp -d "${TMPDIR:-/tmp}/roundtrip.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

if [ ! -x "$FSQL" ]; then
    echo "roundtrip: $FSQL is not an executable (build it with make)" >&2
    exit 2
fi

if [ $# -gt 0 ]; then
    for f in "$@"; do printf '%s\n' "$f"; done >"$tmp/files"
else
    cd "$root" || exit 2
    if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        git ls-files -co --exclude-standard -- '*.sql' | LC_ALL=C sort -u
    else
        find . -name build -prune -o -name '*.sql' -type f -print |
            sed 's|^\./||' | LC_ALL=C sort
    fi >"$tmp/files"
fi

pass=0
partial=0
fail=0
failed=
while IFS= read -r f; do
    [ -f "$f" ] || continue
    if "$FSQL" parse --dump "$f" >"$tmp/a" 2>"$tmp/a.err"; then
        clean=1
    else
        clean=0
        partial=$((partial + 1))
    fi
    if ! "$FSQL" parse --print "$f" >"$tmp/p" 2>"$tmp/p.err" &&
        [ "$clean" = 1 ]; then
        fail=$((fail + 1))
        failed="$failed $f"
        echo "FAIL $f: fsql parse --print failed" >&2
        [ -n "$VERBOSE" ] && cat "$tmp/p.err" >&2
        continue
    fi
    if ! "$FSQL" parse --dump - <"$tmp/p" >"$tmp/b" 2>"$tmp/b.err"; then
        fail=$((fail + 1))
        failed="$failed $f"
        echo "FAIL $f: the printed SQL does not parse" >&2
        if [ -n "$VERBOSE" ]; then
            cat "$tmp/b.err" >&2
            cat "$tmp/p" >&2
        fi
        continue
    fi
    if cmp -s "$tmp/a" "$tmp/b"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        failed="$failed $f"
        echo "FAIL $f: the re-parsed tree differs" >&2
        [ -n "$VERBOSE" ] && diff -u "$tmp/a" "$tmp/b" | head -40 >&2
    fi
done <"$tmp/files"

echo "roundtrip: $pass passed ($partial of them with syntax errors, compared on the statements that parse), $fail failed"
if [ "$fail" -gt 0 ]; then
    echo "roundtrip: mismatches:" >&2
    for f in $failed; do echo "  $f" >&2; done
    echo "roundtrip: rerun with VERBOSE=1 tools/roundtrip.sh FILE for details" >&2
    exit 1
fi
exit 0
