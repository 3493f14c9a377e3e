#!/usr/bin/env bash
# The shell off a terminal: a script through -f and the same script
# through a pipe give the same plain output (no prompts, no escape codes),
# errors go to standard error as file:line:col and the exit status says
# an SQL error happened; -i files run first; quit ends the input.
. "$(dirname "$0")/lib.bash"

cat >"$T/init.sql" <<SQL
$EV_DDL
SQL
cat >"$T/script.sql" <<'SQL'
SHOW TABLES;
SELECT id, name FROM ev WHERE amount > 100;
SELECT nme FROM ev;
DESCRIBE ev;
SET 'sql-client.execution.result-mode' = 'changelog';
SELECT name
  FROM ev WHERE id = 1; SELECT COUNT(*) AS n FROM ev;
quit
SELECT 'not run';
SQL

"$FSQL" shell -i "$T/init.sql" -f "$T/script.sql" >"$T/f.out" 2>"$T/f.err"
rc_f=$?
"$FSQL" shell -i "$T/init.sql" <"$T/script.sql" >"$T/p.out" 2>"$T/p.err"
rc_p=$?

[ "$rc_f" = 1 ] || fail "-f: exit status $rc_f, want 1"
[ "$rc_p" = 1 ] || fail "pipe: exit status $rc_p, want 1"
cmp -s "$T/f.out" "$T/p.out" || {
    fail '-f and pipe outputs differ'
    diff "$T/f.out" "$T/p.out" | head -n 20
}
grep -q $'\x1b' "$T/f.out" "$T/f.err" "$T/p.out" "$T/p.err" &&
    fail 'escape codes in plain output'
grep -q 'fsql>' "$T/f.out" && fail 'a prompt in plain output'
grep -q 'not run' "$T/f.out" && fail 'statements after quit ran'

want=$(cat <<'OUT'
+------------+
| table name |
+------------+
| ev         |
+------------+
1 row in set
{"id":2,"name":"bob"}
{"id":3,"name":"carol"}
OUT
)
head -n 8 "$T/f.out" >"$T/head"
[ "$(cat "$T/head")" = "$want" ] || {
    fail 'SHOW TABLES / SELECT output'
    cat "$T/head"
}
grep -q '^+I\[alice\]$' "$T/f.out" || fail 'changelog result mode'
grep -q '^+U\[3\]$' "$T/f.out" || fail 'second statement on one line'
grep -q "script.sql:3:8: error: column 'nme' not found" "$T/f.err" ||
    fail "-f error position: $(cat "$T/f.err")"
grep -q "<stdin>:3:8: error: column 'nme' not found" "$T/p.err" ||
    fail "pipe error position: $(cat "$T/p.err")"

# A clean script exits 0.
printf 'SELECT 1 AS x;\n' | "$FSQL" shell >"$T/o" 2>&1
rc=$?
[ "$rc" = 0 ] || fail "clean script: exit status $rc"
[ "$(cat "$T/o")" = '{"x":1}' ] || fail "clean script output: $(cat "$T/o")"
finish
