#!/usr/bin/env bash
# upsert.sh - upsert-kafka: the source turns keyed records and tombstones
# into a changelog (+I, -U/+U, -D; duplicates and deletes of unknown keys
# emit nothing), a GROUP BY over it retracts correctly, and the upsert
# sink writes key -> value for +I/+U and a tombstone for -D.
. "$(dirname "$0")/lib.inc"
kafka_init
mock_start --topic users:2 --topic by_name:1 --topic mirror:1

# key|value; an empty value is a tombstone (kcat -Z).
produce users 0 -K '|' -Z <<'IN'
{"id":1}|{"id":1,"name":"a","score":10}
{"id":2}|{"id":2,"name":"b","score":5}
{"id":1}|{"id":1,"name":"a","score":20}
{"id":2}|{"id":2,"name":"b","score":5}
{"id":2}|
{"id":3}|
{"id":4}|{"id":4,"name":"a","score":1}
IN

users_ddl="CREATE TABLE users (id BIGINT, name STRING, score INT, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'upsert-kafka', 'topic' = 'users', 'properties.bootstrap.servers' = '$BS',
      'key.format' = 'json', 'value.format' = 'json', 'scan.bounded.mode' = 'latest-offset');"

cat >"$tmp/job.sql" <<SQL
$users_ddl
SELECT * FROM users;
SQL
fsql_run "$tmp/job.sql" --output changelog
[ "$rc" = 0 ] || fail "changelog run: exit $rc"
cat >"$tmp/want" <<'OUT'
+I[1, a, 10]
+I[2, b, 5]
-U[1, a, 10]
+U[1, a, 20]
-D[2, b, 5]
+I[4, a, 1]
OUT
diff -u "$tmp/want" "$tmp/run.out" >"$tmp/diff" || { cat "$tmp/diff"; fail "changelog differs"; }

# GROUP BY over the changelog into an upsert sink, and the changelog
# itself mirrored into another upsert topic (tombstones included).
cat >"$tmp/job.sql" <<SQL
$users_ddl
CREATE TABLE by_name (name STRING, c BIGINT, total INT, PRIMARY KEY (name) NOT ENFORCED)
WITH ('connector' = 'upsert-kafka', 'topic' = 'by_name', 'properties.bootstrap.servers' = '$BS',
      'key.format' = 'json', 'value.format' = 'json');
CREATE TABLE mirror (id BIGINT, name STRING, score INT, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'upsert-kafka', 'topic' = 'mirror', 'properties.bootstrap.servers' = '$BS',
      'key.format' = 'json', 'value.format' = 'json', 'value.fields-include' = 'EXCEPT_KEY');
INSERT INTO by_name SELECT name, COUNT(*), SUM(score) FROM users GROUP BY name;
INSERT INTO mirror SELECT * FROM users;
SQL
fsql_run "$tmp/job.sql"
[ "$rc" = 0 ] || fail "upsert sink run: exit $rc"
# The last record per key is the final state; b was deleted (tombstone).
consume by_name -K '|' -Z | python3 -c '
import sys
last = {}
for l in sys.stdin:
    k, v = l.rstrip("\n").split("|", 1)
    last[k] = v
for k in sorted(last): print(k + "|" + last[k])
' >"$tmp/got"
cat >"$tmp/want" <<'OUT'
{"name":"a"}|{"name":"a","c":2,"total":21}
{"name":"b"}|NULL
OUT
diff -u "$tmp/want" "$tmp/got" >"$tmp/diff" || { cat "$tmp/diff"; fail "by_name final state differs"; }
consume mirror -K '|' -Z >"$tmp/got"
cat >"$tmp/want" <<'OUT'
{"id":1}|{"name":"a","score":10}
{"id":2}|{"name":"b","score":5}
{"id":1}|{"name":"a","score":20}
{"id":2}|NULL
{"id":4}|{"name":"a","score":1}
OUT
diff -u "$tmp/want" "$tmp/got" >"$tmp/diff" || { cat "$tmp/diff"; fail "mirror differs"; }
echo "ok: upsert-kafka changelog, retractions, upsert sink with tombstones"
