#!/usr/bin/env bash
# batch_sizes.sh - results do not depend on batch sizes (issue 4: "the same
# file always gives the same rows, late ones included").  Every
# tests/exec golden is run again with FSQL_TEST_BATCH_ROWS=1 and 3 (every
# source and operator batch holds at most that many rows, instead of
# 1024), and must print its expected.out: exactly when the job has one
# query, in any order when it has several (their outputs interleave by
# batch).  Jobs that join or mix several files are included: their sources
# are read in turns of 1024 rows chosen by watermark (wm_align.h), not
# batch by batch, so which rows meet or are late does not depend on batch
# sizes either (before, they had to be left out).  Left out: jobs that read
# ONE source into both sides of a join (a batch reaches the join's left
# side whole, then its right side, so the interleaving of the two sides
# follows the batch size: interval_inner, interval_outer,
# interval_window, join_unique_key; a known limit), one whose run-time error stops the job at a batch boundary (its
# "rows in" count), and the one that asks for
# 'scan.watermark.emit.strategy' = 'on-periodic', whose watermark moves
# per batch by definition.
. "$(dirname "$0")/lib.bash"

SKIP=" interval_inner interval_outer interval_window join_unique_key
match_skip_error window_on_periodic "
FSQL_ABS=$(cd "$(dirname "$FSQL")" && pwd)/$(basename "$FSQL")
root=$(cd "$(dirname "$0")/../exec" && pwd)
n=0
for dir in "$root"/*/; do
    dir=${dir%/}
    c=$(basename "$dir")
    [ -f "$dir/job.sql" ] && [ -f "$dir/expected.out" ] || continue
    case "$SKIP" in *" $c "* | *"
$c "* | *" $c
"*) continue ;; esac
    read -r -a extra <<<"$(sed -n 's/^-- args: //p' "$dir/job.sql" | head -n 1)"
    queries=$(grep -Eci '^[[:space:]]*(SELECT|INSERT|EXECUTE)' "$dir/job.sql")
    for b in 1 3; do
        rm -rf "$dir/out"
        (cd "$dir" && FSQL_TEST_BATCH_ROWS=$b "$FSQL_ABS" run "${extra[@]}" \
            job.sql >"$T/got" 2>"$T/err")
        rc=$?
        sed -E 's/[0-9]+ events\/s/N events\/s/' "$T/err" >>"$T/got"
        [ "$rc" -ge 128 ] && echo "# crashed with signal $((rc - 128))" >>"$T/got"
        [ "$rc" != 0 ] && echo "# exit $rc" >>"$T/got"
        if [ -d "$dir/out" ]; then
            (cd "$dir" && find out -type f | LC_ALL=C sort | while read -r o; do
                echo "==> $o <=="
                cat "$o"
            done) >>"$T/got"
            rm -rf "$dir/out"
        fi
        if [ "$queries" -le 1 ]; then
            cp "$dir/expected.out" "$T/want"
        else
            LC_ALL=C sort "$dir/expected.out" >"$T/want"
            LC_ALL=C sort "$T/got" >"$T/got.sorted"
            mv "$T/got.sorted" "$T/got"
        fi
        diff "$T/want" "$T/got" >"$T/diff" ||
            fail "$c with batches of $b rows:
$(head -20 "$T/diff")"
        n=$((n + 1))
    done
done
[ "$n" -gt 100 ] || fail "only $n runs"
finish
