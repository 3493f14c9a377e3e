#!/usr/bin/env bash
# scan.sh - a MariaDB table read as a bounded source (issue 6): rows of
# every common type (quotes and SQL text in strings, exact DECIMAL,
# DATETIME(3), DATE, NULLs) come out as MariaDB's own query prints them;
# an aggregate over 30,000 streamed rows equals MariaDB's (the oracle);
# only the projected columns are read (an unconvertible column the query
# does not use is no error, one it uses is, naming row and column); a
# missing table fails before any row; the password never shows.
. "$(dirname "$0")/lib.sh"
mysql_start

my_sql "
CREATE TABLE acc (id BIGINT PRIMARY KEY, name VARCHAR(50), bal DECIMAL(15,2),
    opened DATETIME(3), d DATE, flag TINYINT(1), junk VARCHAR(10));
INSERT INTO acc VALUES
 (1, 'ann', 10.05, '2024-01-01 10:00:00.123', '2024-01-01', 1, 'x'),
 (2, 'o''neil', -99999999999.99, '2024-02-29 23:59:59.999', '2024-02-29', 0, 'y'),
 (3, 'x''); DROP TABLE acc; --', 0.00, NULL, NULL, NULL, 'z'),
 (4, NULL, NULL, '1999-12-31 00:00:00', '1999-12-31', 1, 'w');
SET SESSION max_recursive_iterations = 100000;
CREATE TABLE big (id BIGINT PRIMARY KEY, grp INT, amount DECIMAL(12,2));
INSERT INTO big
  WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 30000)
  SELECT n, n % 7, (n * 37 % 1000) / 100 FROM s;
" || fail "could not create the tables"

cat >"$T/tables.sql" <<EOF
CREATE TABLE acc (id BIGINT, name STRING, bal DECIMAL(15, 2),
    opened TIMESTAMP(3), d DATE, flag BOOLEAN, junk INT)
WITH ($(my_with acc "'scan.fetch-size' = '100'"));
CREATE TABLE big (id BIGINT, grp INT, amount DECIMAL(12, 2))
WITH ($(my_with big));
EOF

# 1. Types and values (junk is INT in fsql but text in MariaDB: not read).
cat >"$T/q1.sql" <<'EOF'
SELECT id, name, bal, opened, d, flag FROM acc;
EOF
"$FSQL" run -i "$T/tables.sql" --output csv "$T/q1.sql" >"$T/q1.out" 2>"$T/q1.err"
rc=$?
[ "$rc" = 0 ] || fail "scan exited $rc: $(cat "$T/q1.err")"
got=$(grep -v '^id,' "$T/q1.out" | sort)
want='1,ann,10.05,2024-01-01 10:00:00.123,2024-01-01,true
2,o'"'"'neil,-99999999999.99,2024-02-29 23:59:59.999,2024-02-29,false
3,x'"'"'); DROP TABLE acc; --,0.00,,,
4,,,1999-12-31 00:00:00.000,1999-12-31,true'
[ "$got" = "$want" ] || fail "scanned rows:
$got
want:
$want"

# 2. An aggregate over a streamed table equals MariaDB's own answer.
cat >"$T/q2.sql" <<'EOF'
SELECT grp, COUNT(*) AS n, SUM(amount) AS total, MAX(id) AS mx
FROM big WHERE id % 3 <> 0 GROUP BY grp;
EOF
"$FSQL" run -i "$T/tables.sql" --output csv "$T/q2.sql" >"$T/q2.out" 2>"$T/q2.err"
rc=$?
[ "$rc" = 0 ] || fail "aggregate scan exited $rc: $(cat "$T/q2.err")"
# The changelog's final row per group.
got=$(awk -F, '$1 == "+I" || $1 == "+U" {last[$2] = $2 "," $3 "," $4 "," $5}
    END {for (k in last) print last[k]}' "$T/q2.out" | sort)
want=$(my_sql "SELECT grp, COUNT(*), SUM(amount), MAX(id) FROM big WHERE id % 3 <> 0 GROUP BY grp" |
    tr '\t' ',' | sort)
[ -n "$want" ] && [ "$got" = "$want" ] || fail "aggregate over the scan:
$got
want (MariaDB):
$want"
grep -q "30000 rows in" "$T/q2.err" || fail "not all 30000 rows were read: $(cat "$T/q2.err")"

# 3. A projected column that does not convert fails naming row and column.
cat >"$T/q3.sql" <<'EOF'
SELECT id, junk FROM acc;
EOF
"$FSQL" run -i "$T/tables.sql" "$T/q3.sql" >"$T/q3.out" 2>"$T/q3.err"
rc=$?
[ "$rc" != 0 ] || fail "an unconvertible column was read without error"
expect_in "$(cat "$T/q3.err")" 'column "junk"' "conversion error"
expect_in "$(cat "$T/q3.err")" "jdbc:mysql://127.0.0.1:$MY_PORT/$MY_DB" "conversion error names the URL"

# 4. A missing table fails at open.
cat >"$T/q4.sql" <<EOF
CREATE TABLE nope (id BIGINT) WITH ($(my_with nope));
SELECT id FROM nope;
EOF
"$FSQL" run "$T/q4.sql" >"$T/q4.out" 2>"$T/q4.err"
rc=$?
[ "$rc" = 2 ] || fail "missing table: exit $rc: $(cat "$T/q4.err")"
expect_in "$(cat "$T/q4.err")" "nope" "missing table error"

if grep -qF -- "$MY_PASS" "$T"/q*.out "$T"/q*.err; then
    fail "the password appears in fsql's output"
fi
echo "ok: MariaDB tables scan as bounded sources (types, 30000 streamed rows, projection, errors)"
