#!/bin/sh
# roundtrip.sh - the printer round-trip test over every SQL file in the repo.
#
# For each *.sql file under sql-examples/ and tests/ (tests/errors/ is left
# out: those files are wrong on purpose), compare
#     fsql parse --dump F
# with
#     fsql parse --print F | fsql parse --dump -
# The dump ignores source positions, so the two agree exactly when printing
# and re-parsing gives back the same tree.  A file whose first parse fails
# is skipped (and counted).  Exits 1 listing the files that differ.
#
#   FSQL=./fsql tools/roundtrip.sh            all files
#   tools/roundtrip.sh a.sql b.sql            only these
#   VERBOSE=1 tools/roundtrip.sh              show the dump diff of failures

FSQL=${FSQL:-./fsql}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/roundtrip.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

if [ ! -x "$FSQL" ]; then
    echo "roundtrip: $FSQL is not an executable (build it with make)" >&2
    exit 2
fi

if [ $# -gt 0 ]; then
    for f in "$@"; do printf '%s\n' "$f"; done >"$tmp/files"
else
    find sql-examples tests -name '*.sql' -type f 2>/dev/null |
        grep -v '^tests/errors/' | LC_ALL=C sort >"$tmp/files"
fi

pass=0
skip=0
fail=0
failed=
while IFS= read -r f; do
    if ! "$FSQL" parse --dump "$f" >"$tmp/a" 2>"$tmp/a.err"; then
        skip=$((skip + 1))
        continue
    fi
    if ! "$FSQL" parse --print "$f" >"$tmp/p" 2>"$tmp/p.err"; then
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

echo "roundtrip: $pass passed, $fail failed, $skip skipped (first parse failed)"
if [ "$fail" -gt 0 ]; then
    echo "roundtrip: mismatches:" >&2
    for f in $failed; do echo "  $f" >&2; done
    echo "roundtrip: rerun with VERBOSE=1 tools/roundtrip.sh FILE for details" >&2
    exit 1
fi
exit 0
