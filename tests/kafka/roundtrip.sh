#!/usr/bin/env bash
# roundtrip.sh - a bounded backtest over a 3-partition Kafka topic: rows go
# through a filter/projection into one Kafka topic (keyed) and through a
# 10-second tumbling window into another; the job ends by itself with exit
# 0 and the output, read back with kcat, is exactly what the input implies.
# Event times are out of order across partitions (partition 1 holds later
# events than partition 0): with watermarks per partition nothing is late.
. "$(dirname "$0")/lib.inc"
kafka_init
mock_start --topic tx:3 --topic big:2 --topic win:1

# partition 1: seconds 20..29 (produced first), partition 0: 0..19, 2: 5..14
gen() { # gen PART FROM TO
    local s
    for s in $(seq "$2" "$3"); do
        printf '{"user_id":%d,"amount":%d.50,"ts":"2024-03-01 10:00:%02d","part":%d}\n' \
            $((s % 3)) $((s * 10)) "$s" "$1"
    done
}
gen 1 20 29 >"$tmp/p1"
gen 0 0 19 >"$tmp/p0"
gen 2 5 14 >"$tmp/p2"
produce tx 1 <"$tmp/p1"
produce tx 0 <"$tmp/p0"
produce tx 2 <"$tmp/p2"

cat >"$tmp/job.sql" <<SQL
CREATE TABLE tx (
    user_id BIGINT, amount DECIMAL(10, 2), ts TIMESTAMP(3),
    WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
) WITH ($(kafka_with tx "'format' = 'json', 'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset', 'properties.group.id' = 'rt'"));
CREATE TABLE big (user_id BIGINT, amount DECIMAL(10, 2), ts TIMESTAMP(3))
WITH ($(kafka_with big "'format' = 'json', 'key.format' = 'json', 'key.fields' = 'user_id'"));
CREATE TABLE win (user_id BIGINT, window_start TIMESTAMP(3), cnt BIGINT, total DECIMAL(10, 2))
WITH ($(kafka_with win "'format' = 'json'"));
INSERT INTO big SELECT user_id, amount, ts FROM tx WHERE amount > 100;
INSERT INTO win
SELECT user_id, window_start, COUNT(*), SUM(amount)
FROM TABLE(TUMBLE(TABLE tx, DESCRIPTOR(ts), INTERVAL '10' SECOND))
GROUP BY user_id, window_start, window_end;
SQL
fsql_run "$tmp/job.sql"
[ "$rc" = 0 ] || fail "fsql run exited $rc"

# Filter/projection: every input row with amount > 100, keyed by user_id.
cat "$tmp/p0" "$tmp/p1" "$tmp/p2" | python3 -c '
import json, sys
for l in sys.stdin:
    r = json.loads(l)
    if float(r["amount"].__str__()) > 100:
        print("{\"user_id\":%d}|{\"user_id\":%d,\"amount\":%.2f,\"ts\":\"%s.000\"}" % (r["user_id"], r["user_id"], r["amount"], r["ts"]))
' | sort >"$tmp/want_big"
consume big -f '%k|%s\n' | sort >"$tmp/got_big"
diff -u "$tmp/want_big" "$tmp/got_big" >"$tmp/run.out" || fail "topic big differs"
# The same key always lands in the same partition (default partitioner).
consume big -f '%k %p\n' | sort -u | awk '{print $1}' | uniq -d >"$tmp/dup"
[ ! -s "$tmp/dup" ] || fail "a key was written to two partitions: $(cat "$tmp/dup")"

# Windows: per user and 10-second window, count and sum; none lost as late.
cat "$tmp/p0" "$tmp/p1" "$tmp/p2" | python3 -c '
import json, sys, collections
agg = collections.defaultdict(lambda: [0, 0.0])
for l in sys.stdin:
    r = json.loads(l)
    s = int(r["ts"][-2:]) // 10 * 10
    a = agg[(r["user_id"], s)]
    a[0] += 1; a[1] += r["amount"]
for (u, s), (c, t) in sorted(agg.items()):
    print("{\"user_id\":%d,\"window_start\":\"2024-03-01 10:00:%02d.000\",\"cnt\":%d,\"total\":%.2f}" % (u, s, c, t))
' | sort >"$tmp/want_win"
consume win | sort >"$tmp/got_win"
diff -u "$tmp/want_win" "$tmp/got_win" >"$tmp/run.out" || fail "topic win differs"
echo "ok: $(wc -l <"$tmp/got_big") filtered rows and $(wc -l <"$tmp/got_win") windows"
