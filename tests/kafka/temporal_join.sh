#!/usr/bin/env bash
# temporal_join.sh - event-time temporal join against a versioned table
# (upsert-kafka with a PRIMARY KEY and a WATERMARK): each order joins the
# rate of its currency valid at the order's time (the latest version at
# or before it), not the latest one; orders wait for the watermark and
# come out in time order; a currency without a version is padded by the
# LEFT join; a deleted key (tombstone) joins nothing after its delete.
#
# Expected rows, by hand (rates: EUR 1.10 @10:00:00, 1.20 @:05, 1.30 @:10,
# deleted, 1.40 @:40; USD 1.00 @:00, 0.90 @:31):
#   1 EUR :01      1.10
#   2 USD :02      1.00
#   3 EUR :06      1.20 (between updates)
#   4 GBP :07      no version: NULLs
#   5 EUR :04      out of order (after 3, within the 5 s delay): 1.10
#   6 EUR :12      1.30 (after the updates)
#   7 USD :32      0.90
#   8 EUR :05      exactly at an update's time: the new version, 1.20
#   9 EUR :20      1.30
#  10 EUR :30.999  1.30: the EUR tombstone comes after USD @:31 in the
#                  topic, so it takes effect at :31, the time the rates
#                  topic had reached (its -D carries the old image's time,
#                  :10, which would delete retroactively)
#  11 EUR :35      after the delete: NULLs
#  12 EUR :45      1.40: a new version after the delete
. "$(dirname "$0")/lib.inc"
kafka_init
mock_start --topic rates:1

# key|value; the value carries the version time.
produce rates 0 -K '|' -Z <<'IN'
{"cur":"EUR"}|{"cur":"EUR","rate":1.10,"ut":"2024-01-01 10:00:00.000"}
{"cur":"USD"}|{"cur":"USD","rate":1.00,"ut":"2024-01-01 10:00:00.000"}
{"cur":"EUR"}|{"cur":"EUR","rate":1.20,"ut":"2024-01-01 10:00:05.000"}
{"cur":"EUR"}|{"cur":"EUR","rate":1.30,"ut":"2024-01-01 10:00:10.000"}
{"cur":"USD"}|{"cur":"USD","rate":0.90,"ut":"2024-01-01 10:00:31.000"}
{"cur":"EUR"}|
{"cur":"EUR"}|{"cur":"EUR","rate":1.40,"ut":"2024-01-01 10:00:40.000"}
{"cur":"ZZZ"}|{"cur":"ZZZ","rate":0.00,"ut":"2024-01-01 10:01:00.000"}
IN

cat >"$tmp/orders.jsonl" <<'IN'
{"id":1,"cur":"EUR","amount":10.00,"ts":"2024-01-01 10:00:01.000"}
{"id":2,"cur":"USD","amount":20.00,"ts":"2024-01-01 10:00:02.000"}
{"id":3,"cur":"EUR","amount":30.00,"ts":"2024-01-01 10:00:06.000"}
{"id":4,"cur":"GBP","amount":40.00,"ts":"2024-01-01 10:00:07.000"}
{"id":5,"cur":"EUR","amount":50.00,"ts":"2024-01-01 10:00:04.000"}
{"id":6,"cur":"EUR","amount":60.00,"ts":"2024-01-01 10:00:12.000"}
{"id":7,"cur":"USD","amount":70.00,"ts":"2024-01-01 10:00:32.000"}
{"id":8,"cur":"EUR","amount":80.00,"ts":"2024-01-01 10:00:05.000"}
{"id":9,"cur":"EUR","amount":90.00,"ts":"2024-01-01 10:00:20.000"}
{"id":10,"cur":"EUR","amount":100.00,"ts":"2024-01-01 10:00:30.999"}
{"id":11,"cur":"EUR","amount":110.00,"ts":"2024-01-01 10:00:35.000"}
{"id":12,"cur":"EUR","amount":120.00,"ts":"2024-01-01 10:00:45.000"}
IN

cat >"$tmp/job.sql" <<SQL
CREATE TABLE orders (id INT, cur STRING, amount DECIMAL(10, 2), ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
WITH ('connector' = 'filesystem', 'path' = '$tmp/orders.jsonl', 'format' = 'json');
CREATE TABLE rates (cur STRING, rate DECIMAL(5, 2), ut TIMESTAMP(3),
  PRIMARY KEY (cur) NOT ENFORCED, WATERMARK FOR ut AS ut)
WITH ('connector' = 'upsert-kafka', 'topic' = 'rates', 'properties.bootstrap.servers' = '$BS',
      'key.format' = 'json', 'value.format' = 'json', 'scan.bounded.mode' = 'latest-offset');
SELECT o.id, o.cur, o.amount * r.rate AS converted, r.ut AS rate_time
FROM orders o LEFT JOIN rates FOR SYSTEM_TIME AS OF o.ts AS r ON o.cur = r.cur;
SQL
fsql_run "$tmp/job.sql" --output changelog
[ "$rc" = 0 ] || fail "temporal join: exit $rc: $(cat "$tmp/run.err")"
cat >"$tmp/want" <<'OUT'
+I[1, EUR, 11.0000, 2024-01-01 10:00:00.000]
+I[2, USD, 20.0000, 2024-01-01 10:00:00.000]
+I[5, EUR, 55.0000, 2024-01-01 10:00:00.000]
+I[3, EUR, 36.0000, 2024-01-01 10:00:05.000]
+I[4, GBP, <NULL>, <NULL>]
+I[6, EUR, 78.0000, 2024-01-01 10:00:10.000]
+I[7, USD, 63.0000, 2024-01-01 10:00:31.000]
+I[8, EUR, 96.0000, 2024-01-01 10:00:05.000]
+I[9, EUR, 117.0000, 2024-01-01 10:00:10.000]
+I[10, EUR, 130.0000, 2024-01-01 10:00:10.000]
+I[11, EUR, <NULL>, <NULL>]
+I[12, EUR, 168.0000, 2024-01-01 10:00:40.000]
OUT
sort "$tmp/want" >"$tmp/want.s"
sort "$tmp/run.out" >"$tmp/got.s"
diff -u "$tmp/want.s" "$tmp/got.s" >"$tmp/diff" || { cat "$tmp/diff"; fail "temporal join output differs"; }
grep -q 'TemporalJoin' <("$FSQL" explain "$tmp/job.sql") || fail "EXPLAIN shows no TemporalJoin"
echo "ok"
