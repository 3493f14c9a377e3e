#!/usr/bin/env bash
# seed002.sh - seed 002's real_time_risk_scoring with both profile tables
# in MariaDB gives the same rows as with them in SQLite, and as MariaDB
# itself running the equivalent query over the same data (an independent
# oracle: exact DECIMAL, HOUR()).  Also with one key per query and with
# the async connection pool.
#
# Data: sql-examples/seed002's make_profiles.sql and make_transactions.sql
# (as tests/oracle/risk_scoring.sh): profiles for users 1..15000 and
# merchants 1..1500, transactions of users 1..20000 and merchants
# 1..2000, so both LEFT JOINs also produce NULL rows.  The profiles are
# copied from SQLite into MariaDB.
#
# Usage: tests/mysql/seed002.sh [ROWS]   (default 50000)
. "$(dirname "$0")/lib.sh"
ROWS=${1:-50000}
command -v sqlite3 >/dev/null || skip "sqlite3 shell not installed"
mysql_start

cp "$root"/sql-examples/seed002/*.sql "$T/"
cd "$T" || exit 1
FSQL_DEMO_USERS=15000 FSQL_DEMO_MERCHANTS=1500 \
    "$FSQL" run make_profiles.sql 2>/dev/null || fail "make_profiles failed"
FSQL_DEMO_ROWS=$ROWS FSQL_DEMO_USERS=20000 FSQL_DEMO_MERCHANTS=2000 \
    "$FSQL" run -i tables.local.sql make_transactions.sql 2>/dev/null ||
    fail "make_transactions failed"

# ---- the profiles (and, for the oracle, the transactions) in MariaDB -------
my_sql "
CREATE TABLE user_risk_profiles (user_id BIGINT PRIMARY KEY, risk_score INT,
    risk_level VARCHAR(20), credit_rating VARCHAR(10), account_age_days INT,
    avg_daily_amount DECIMAL(15,2), max_single_amount DECIMAL(15,2),
    suspicious_activity_count INT, last_update_time DATETIME(3));
CREATE TABLE merchant_risk_profiles (merchant_id BIGINT PRIMARY KEY,
    merchant_category VARCHAR(50), risk_level VARCHAR(20),
    fraud_rate DECIMAL(5,4), avg_transaction_amount DECIMAL(15,2),
    business_hours_start TIME, business_hours_end TIME);
CREATE TABLE transactions (transaction_id BIGINT PRIMARY KEY, user_id BIGINT,
    amount DECIMAL(15,2), merchant_id BIGINT, transaction_time DATETIME(3));
" || fail "could not create the tables"
load() { # load TABLE FILE
    "$MYSQL_CLI" --no-defaults --local-infile=1 -S "$MY_SOCK" -uroot "$MY_DB" \
        -e "LOAD DATA LOCAL INFILE '$2' INTO TABLE $1" || fail "could not load $1"
}
for t in user_risk_profiles merchant_risk_profiles; do
    sqlite3 -separator $'\t' -nullvalue '\N' data/risk.db "SELECT * FROM $t" >"$t.tsv"
    load "$t" "$T/$t.tsv"
done
python3 - <<'EOF' >transactions.tsv
import json
for line in open("data/transactions.jsonl"):
    r = json.loads(line)
    print("\t".join("\\N" if r[k] is None else str(r[k]) for k in
          ("transaction_id", "user_id", "amount", "merchant_id", "transaction_time")))
EOF
load transactions "$T/transactions.tsv"
[ "$(my_sql 'SELECT COUNT(*) FROM user_risk_profiles')" = \
  "$(sqlite3 data/risk.db 'SELECT COUNT(*) FROM user_risk_profiles')" ] ||
    fail "user profiles not copied"

# tables.mysql.sql: tables.local.sql with the profiles in MariaDB.
mysql_tables() { # mysql_tables EXTRA-OPTIONS
    sed -e "s|'url' = 'jdbc:sqlite:data/risk.db'|'url' = '$MY_URL', 'username' = '$MY_USER', 'password' = '\${MY_PASS}'${1:+, $1}|" \
        tables.local.sql >tables.mysql.sql
    grep -q "jdbc:mysql" tables.mysql.sql || fail "tables.local.sql has no jdbc:sqlite URL to replace"
}

run_scoring() { # run_scoring INIT-FILE OUT-FILE
    "$FSQL" run --output csv -i "$1" risk_scoring.sql 2>"$2.err" |
        tail -n +2 | tr -d '"\r' | LC_ALL=C sort >"$2" ||
        fail "risk_scoring with $1 failed: $(tail -n 3 "$2.err")"
    grep -qF -- "$MY_PASS" "$2" "$2.err" && fail "the password appears in the output"
    return 0
}

run_scoring tables.local.sql sqlite.txt
mysql_tables ""
run_scoring tables.mysql.sql mysql.txt
n=$(wc -l <sqlite.txt)
[ "$n" -ge 10 ] || fail "only $n rows; the data does not exercise the rules"
cmp -s sqlite.txt mysql.txt || {
    diff sqlite.txt mysql.txt | head -n 10
    fail "MariaDB profiles give other rows than SQLite ones"
}

# The oracle: MariaDB runs the query itself.
my_sql "
SELECT transaction_id, user_id, amount, merchant_id, transaction_time,
       IFNULL(user_risk_level, ''), IFNULL(merchant_risk_level, ''), total_risk_score
FROM (SELECT t.transaction_id, t.user_id, t.amount, t.merchant_id,
        t.transaction_time, u.risk_level AS user_risk_level,
        m.risk_level AS merchant_risk_level,
        u.risk_score +
        CASE WHEN t.amount > u.max_single_amount * 2 THEN 50
             WHEN t.amount > u.avg_daily_amount * 10 THEN 30
             WHEN t.amount > u.avg_daily_amount * 5 THEN 20
             ELSE 0 END +
        CASE WHEN HOUR(t.transaction_time) BETWEEN 2 AND 5 THEN 15
             WHEN HOUR(t.transaction_time) NOT BETWEEN HOUR(m.business_hours_start)
                  AND HOUR(m.business_hours_end) THEN 10
             ELSE 0 END AS total_risk_score
      FROM transactions t
      LEFT JOIN user_risk_profiles u ON t.user_id = u.user_id
      LEFT JOIN merchant_risk_profiles m ON t.merchant_id = m.merchant_id) s
WHERE total_risk_score > 70" | tr '\t' ',' | LC_ALL=C sort >oracle.txt
cmp -s oracle.txt mysql.txt || {
    diff oracle.txt mysql.txt | head -n 10
    fail "fsql with MariaDB profiles differs from MariaDB's own answer"
}

# One key per query, and the async pool: the same rows.
mysql_tables "'lookup.batch-size' = '1'"
run_scoring tables.mysql.sql mysql1.txt
cmp -s sqlite.txt mysql1.txt || fail "lookup.batch-size 1 gives other rows"
mysql_tables "'lookup.async' = 'true', 'lookup.async.connections' = '4', 'lookup.batch-size' = '16'"
run_scoring tables.mysql.sql mysql_async.txt
cmp -s sqlite.txt mysql_async.txt || fail "lookup.async gives other rows"

nulls=$(grep -c ',,' mysql.txt || true)
echo "seed002 with MariaDB profiles: $n rows identical to SQLite and to MariaDB's own join ($nulls with a missing profile)"
