#!/usr/bin/env bash
# sqlite_sink.sh - the jdbc sink on SQLite: append without a PRIMARY KEY,
# upsert (INSERT ... ON CONFLICT DO UPDATE) with one, the table created
# from the declared columns when missing, exact DECIMAL and TIMESTAMP
# text (DECIMAL(p > 15) columns are created as TEXT: SQLite's NUMERIC
# affinity would keep only 15 digits), small flush batches, and a re-run
# that upserts the same rows.
# Contents are checked with the sqlite3 shell.
. "$(dirname "$0")/lib.bash"

command -v sqlite3 >/dev/null || { echo "sqlite3 shell not installed"; exit 77; }

cat >"$T/in.jsonl" <<'EOF'
{"id": 1, "name": "ann", "amount": "10.50", "at": "2024-01-01 10:00:00.123"}
{"id": 2, "name": "o'neil", "amount": 3, "at": "2024-01-01 11:00:00"}
{"id": 1, "name": "ann v2", "amount": "12345678901234.99", "at": "2024-01-02 10:00:00"}
{"id": 3, "name": null, "amount": null, "at": null}
{"id": 2, "name": "bob", "amount": "-0.01", "at": "2024-01-03 00:00:00"}
EOF

cat >"$T/job.sql" <<'EOF'
CREATE TABLE src (id BIGINT, name STRING, amount DECIMAL(16, 2), at TIMESTAMP(3))
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');
CREATE TABLE log_t (id BIGINT, name STRING, amount DECIMAL(15, 2), at TIMESTAMP(3))
WITH ('connector' = 'jdbc', 'url' = 'jdbc:sqlite:out/s.db', 'table-name' = 'log',
      'sink.buffer-flush.max-rows' = '2');
CREATE TABLE latest (id BIGINT, name STRING, amount DECIMAL(16, 2), at TIMESTAMP(3),
    PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'jdbc', 'url' = 'jdbc:sqlite:out/s.db', 'table-name' = 'latest');
INSERT INTO log_t SELECT id, name, CAST(amount / 1000 AS DECIMAL(15, 2)), at FROM src;
INSERT INTO latest SELECT * FROM src;
EOF

runin "$T" run job.sql
expect_rc 0 "sink job"
q() { sqlite3 -separator '|' "$T/out/s.db" "$@"; }

got=$(q "SELECT id, name, amount, at FROM log ORDER BY rowid")
want="1|ann|0.01|2024-01-01 10:00:00.123
2|o'neil|0|2024-01-01 11:00:00.000
1|ann v2|12345678901.23|2024-01-02 10:00:00.000
3|||
2|bob|0|2024-01-03 00:00:00.000"
[ "$got" = "$want" ] || fail "append: got
$got
want
$want"

got=$(q "SELECT id, name, amount, typeof(amount), at FROM latest ORDER BY id")
want="1|ann v2|12345678901234.99|text|2024-01-02 10:00:00.000
2|bob|-0.01|text|2024-01-03 00:00:00.000
3|||null|"
[ "$got" = "$want" ] || fail "upsert: got
$got
want
$want"

# The created tables carry the declared types and the key.
schema=$(q ".schema log")
expect_in "$schema" '"amount" DECIMAL(15, 2)' "created column type"
schema=$(q ".schema latest")
expect_in "$schema" '"amount" TEXT /* DECIMAL(16, 2), exact text */' \
    "created wide decimal column"
expect_in "$schema" 'PRIMARY KEY ("id")' "created primary key"

# Read back through fsql: the exact DECIMAL and TIMESTAMP values.
cat >"$T/back.sql" <<'EOF'
CREATE TABLE latest (id BIGINT, name STRING, amount DECIMAL(16, 2), at TIMESTAMP(3))
WITH ('connector' = 'jdbc', 'url' = 'jdbc:sqlite:out/s.db', 'table-name' = 'latest');
SELECT * FROM latest;
EOF
runin "$T" run --output changelog back.sql
expect_rc 0 "scan back"
expect_in "$out" "+I[1, ann v2, 12345678901234.99, 2024-01-02 10:00:00.000]" \
    "scan back: exact decimal"
expect_in "$out" "+I[3, <NULL>, <NULL>, <NULL>]" "scan back: NULLs"

# Again: the upsert table keeps 3 rows, the log doubles.
runin "$T" run job.sql
expect_rc 0 "sink job again"
[ "$(q 'SELECT count(*) FROM latest')" = 3 ] || fail "upsert re-run"
[ "$(q 'SELECT count(*) FROM log')" = 10 ] || fail "append re-run"

# An existing table without the key cannot take upserts: clear error.
sqlite3 "$T/out/s.db" "CREATE TABLE nokey (id INTEGER, name TEXT)"
sed "s/'latest'/'nokey'/; s/log_t SELECT/log_t SELECT * FROM src WHERE false; --/" \
    "$T/job.sql" >"$T/nokey.sql"
runin "$T" run nokey.sql
expect_rc 2 "upsert without a unique index"
expect_in "$err" "cannot upsert into table \"nokey\"" "upsert without key"
finish
