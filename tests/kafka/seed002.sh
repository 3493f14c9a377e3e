#!/usr/bin/env bash
# seed002.sh - seed 002's rules end to end over Kafka: the transactions of
# sql-examples/seed002 are produced into a 4-partition
# 'financial-transactions' topic (random partitions, so event times are out
# of order across partitions), real_time_risk_scoring runs over it as a
# bounded backtest with the SQLite risk profiles, and its decisions go to a
# 'risk-decisions' topic.  They must be exactly the decisions of the same
# rules over the local JSON file (tables.local.sql).
. "$(dirname "$0")/lib.inc"
kafka_init
s=$tmp/seed
mkdir -p "$s/data"
cp sql-examples/seed002/*.sql "$s/"
export FSQL_DEMO_ROWS=${FSQL_DEMO_ROWS:-20000} FSQL_DEMO_USERS=2000 FSQL_DEMO_MERCHANTS=500
(cd "$s" && "$FSQL" run -q make_profiles.sql >/dev/null 2>"$tmp/run.err" &&
    "$FSQL" run -q -i tables.local.sql make_transactions.sql >/dev/null 2>>"$tmp/run.err") ||
    fail "could not build the seed 002 data"

# The local backtest: the reference decisions.
(cd "$s" && "$FSQL" run -q -i tables.local.sql risk_scoring.sql >"$tmp/local.jsonl" 2>"$tmp/run.err") ||
    fail "local run failed"
[ -s "$tmp/local.jsonl" ] || fail "the local run made no decisions"

mock_start --topic financial-transactions:4 --topic risk-decisions:2
produce financial-transactions -1 -X sticky.partitioning.linger.ms=0 -l "$s/data/transactions.jsonl"

# tables.mock.sql: tables.local.sql with the stream on Kafka, plus the sink.
python3 - "$s/tables.local.sql" "$BS" >"$s/tables.mock.sql" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
kafka = ("'connector' = 'kafka',\n    'topic' = 'financial-transactions',\n"
         "    'properties.bootstrap.servers' = '%s',\n"
         "    'properties.group.id' = 'fsql-risk',\n"
         "    'scan.startup.mode' = 'earliest-offset',\n"
         "    'scan.bounded.mode' = 'latest-offset',\n"
         "    'format' = 'json'" % sys.argv[2])
text, n = re.subn(r"'connector' = 'filesystem',\s*'path' = 'data/transactions.jsonl',\s*'format' = 'json'", kafka, text, count=1)
assert n == 1, "transaction_stream not found"
print(text)
print("""
CREATE TABLE risk_decisions (
    transaction_id BIGINT, user_id BIGINT, amount DECIMAL(15,2),
    merchant_id BIGINT, transaction_time TIMESTAMP(3),
    user_risk_level STRING, merchant_risk_level STRING, total_risk_score INT
) WITH (
    'connector' = 'kafka',
    'topic' = 'risk-decisions',
    'properties.bootstrap.servers' = '%s',
    'key.format' = 'json',
    'key.fields' = 'user_id',
    'format' = 'json'
);""" % sys.argv[2])
PY
sed 's/^SELECT transaction_id, user_id, amount, merchant_id, transaction_time,$/INSERT INTO risk_decisions\n&/' \
    "$s/risk_scoring.sql" >"$s/risk_to_kafka.sql"
grep -q '^INSERT INTO risk_decisions' "$s/risk_to_kafka.sql" || fail "could not turn the query into an INSERT"

(cd "$s" && timeout 120 "$FSQL" run -i tables.mock.sql risk_to_kafka.sql >"$tmp/run.out" 2>"$tmp/run.err") ||
    fail "the Kafka run failed"
consume risk-decisions | sort >"$tmp/got"
sort "$tmp/local.jsonl" >"$tmp/want"
# INT vs the local query's column type may print the same; compare rows.
diff -u "$tmp/want" "$tmp/got" >"$tmp/diff" || { head -20 "$tmp/diff"; fail "risk-decisions differ from the local backtest"; }
echo "ok: $(wc -l <"$tmp/got") risk decisions from Kafka match the local backtest"
