#!/usr/bin/env bash
# match_examples.sh - the MATCH_RECOGNIZE sql-examples (issue 7) print
# what their README.md says: for every "## Expected output of `RULE.sql`"
# section, `fsql run -i tables.sql RULE.sql` run in the example's
# directory must write exactly the fenced block that follows it.
. "$(dirname "$0")/lib.bash"

case "$FSQL" in /*) ;; *) FSQL="$PWD/${FSQL#./}" ;; esac

for dir in sql-examples/seed000 sql-examples/seed003 \
    sql-examples/seed002-small-amounts; do
    readme="$dir/README.md"
    [ -f "$readme" ] || { fail "$readme is missing"; continue; }
    rules=$(sed -n 's/^## Expected output of `\(.*\)`$/\1/p' "$readme")
    [ -n "$rules" ] || fail "$readme has no expected output"
    for rule in $rules; do
        block "$readme" "## Expected output of \`$rule\`" >"$T/want"
        (cd "$dir" && "$FSQL" run -i tables.sql "$rule" >"$T/got" 2>"$T/err")
        rc=$?
        [ "$rc" = 0 ] || fail "$dir/$rule: exit status $rc: $(cat "$T/err")"
        if ! cmp -s "$T/want" "$T/got"; then
            fail "$dir/$rule: output differs from $readme"
            diff -u "$T/want" "$T/got" | head -20
        fi
    done
done
exit $((failures > 0))
