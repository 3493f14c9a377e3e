#!/usr/bin/env bash
# diag_json.sh - --diag-format=json prints one JSON object per diagnostic
# with the stable fields; text mode prints the house format and a summary.
. "$(dirname "$0")/lib.bash"

printf 'SELEC 1;\n-- "quoted" \\ 中文\nSELEC 2;\n' >"$T/two.sql"

run --diag-format=json validate "$T/two.sql"
expect_rc 1 "json validate"
n=$(printf '%s\n' "$err" | grep -c .)
[ "$n" = 2 ] || fail "json: $n lines, want 2: $err"
printf '%s\n' "$err" >"$T/err.jsonl"
python3 - "$T/err.jsonl" "$T/two.sql" <<'PY' || fail "json content"
import json, sys
want = ["code", "severity", "path", "line", "col", "end_line", "end_col",
        "message", "detail", "hint"]
rows = []
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        d = json.loads(line)
        missing = [k for k in want if k not in d]
        assert not missing, ("missing keys", missing, d)
        rows.append(d)
assert [r["code"] for r in rows] == ["E_SYNTAX", "E_SYNTAX"], rows
assert [(r["line"], r["col"]) for r in rows] == [(1, 1), (3, 1)], rows
for r in rows:
    assert r["severity"] == "error", r
    assert r["path"] == sys.argv[2], r
    assert (r["end_line"], r["end_col"]) >= (r["line"], r["col"]), r
    assert isinstance(r["message"], str) and r["message"], r
PY
case "$err" in *generated*) fail "json mode printed a summary line" ;; esac

# The other spelling.
run --diag-format json validate "$T/two.sql"
expect_rc 1 "--diag-format json"
printf '%s\n' "$err" | while IFS= read -r line; do
    printf '%s' "$line" | python3 -c 'import json,sys; json.loads(sys.stdin.read())' ||
        echo "bad json line: $line"
done >"$T/bad"
[ -s "$T/bad" ] && fail "$(cat "$T/bad")"

# Text mode: house format, caret, summary; no colour when not a terminal.
run validate "$T/two.sql"
expect_rc 1 "text validate"
expect_in "$err" "$T/two.sql:1:1: error: " "text header"
expect_in "$err" "    1 | SELEC 1;" "text source line"
expect_in "$err" "      | ^" "text caret"
expect_in "$err" "2 errors generated." "text summary"
case "$err" in *$'\033['*) fail "colour escape in non-terminal output" ;; esac

# A valid file prints nothing at all.
printf '%s\n' "$OK_SQL" >"$T/ok.sql"
run --diag-format=json validate "$T/ok.sql"
expect_rc 0 "json valid"
[ -z "$err" ] || fail "json valid printed: $err"
finish
