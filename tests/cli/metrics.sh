#!/usr/bin/env bash
# metrics.sh - `fsql run --metrics-port`: /metrics in Prometheus text
# format while a job runs (a slow datagen source, a SQLite lookup join and
# a file sink).  Two scrapes a second apart: the families exist, counters
# grow, rates and histograms are plausible.  Then SIGTERM: exit 0, and the
# sink's file holds every row the job counted.  --stats prints the
# end-of-run figures.  Port 0 picks a free port; the log line names it.
. "$(dirname "$0")/lib.bash"

command -v curl >/dev/null || { echo "curl not installed"; exit 77; }
command -v sqlite3 >/dev/null || { echo "sqlite3 shell not installed"; exit 77; }

sqlite3 "$T/d.db" <<'EOF'
CREATE TABLE users (id INTEGER PRIMARY KEY, tier TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
INSERT INTO users SELECT i, CASE WHEN i % 2 THEN 'gold' ELSE 'std' END FROM n;
EOF

cat >"$T/job.sql" <<'EOF'
CREATE TABLE tx (user_id BIGINT, amount DECIMAL(15, 2),
    transaction_time TIMESTAMP(3), proc AS PROCTIME(),
    WATERMARK FOR transaction_time AS transaction_time - INTERVAL '1' SECOND)
WITH ('connector' = 'datagen', 'generator' = 'transactions',
      'rows-per-second' = '200', 'generator.seed' = '7');
CREATE TABLE users (id BIGINT, tier STRING)
WITH ('connector' = 'jdbc', 'url' = 'jdbc:sqlite:d.db', 'table-name' = 'users',
      'lookup.cache' = 'PARTIAL', 'lookup.partial-cache.max-rows' = '100000');
CREATE TABLE out_t (user_id BIGINT, amount DECIMAL(15, 2),
    transaction_time TIMESTAMP(3), tier STRING)
WITH ('connector' = 'filesystem', 'path' = 'out.jsonl', 'format' = 'json');
INSERT INTO out_t
SELECT t.user_id, t.amount, t.transaction_time, u.tier
FROM tx t LEFT JOIN users FOR SYSTEM_TIME AS OF t.proc AS u ON t.user_id = u.id;
EOF

# metric TEXT NAME{LABELS}: the value of one sample ("" when missing).
metric() {
    printf '%s\n' "$1" | awk -v k="$2" 'index($0, k " ") == 1 { print $2; exit }'
}
# gt A B: A > B as numbers.
gt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 > b + 0) }'; }

(cd "$T" && exec "$FSQL_ABS" run --metrics-port 0 --log-level info --stats \
    job.sql >out.txt 2>err.txt) &
pid=$!
metrics_port "$T/err.txt" 5 "$pid" || fail "no 'serving http://127.0.0.1:PORT/metrics' log line: $(cat "$T/err.txt")"
sleep 1.2
m1=$(curl -sf "http://127.0.0.1:$port/metrics") || fail "first scrape failed"
sleep 1.2
m2=$(curl -sf "http://127.0.0.1:$port/metrics") || fail "second scrape failed"
hdrs=$(curl -sI "http://127.0.0.1:$port/metrics")
expect_in "$hdrs" "text/plain; version=0.0.4" "content type"
nf=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/nope")
[ "$nf" = 404 ] || fail "unknown path: HTTP $nf, want 404"

expect_in "$m2" "# TYPE fsql_source_records_total counter" "TYPE line"
expect_in "$m2" "# HELP fsql_records_in_total " "HELP line"
expect_in "$m2" 'fsql_job_state{state="running"} 1' "job state"

s1=$(metric "$m1" 'fsql_source_records_total{table="tx"}')
s2=$(metric "$m2" 'fsql_source_records_total{table="tx"}')
gt "$s1" 0 || fail "source records after 1 s: '$s1'"
gt "$s2" "$s1" || fail "source records did not grow: $s1 then $s2"
rate=$(metric "$m2" 'fsql_source_records_per_second{table="tx"}')
gt "$rate" 100 && gt 400 "$rate" || fail "records/s '$rate', want about 200"
k1=$(metric "$m2" 'fsql_sink_records_total{table="out_t"}')
gt "$k1" 0 || fail "sink records '$k1'"
in_lj=$(metric "$m2" 'fsql_records_in_total{operator="1.3",kind="LookupJoin"}')
[ "$in_lj" = "$k1" ] || fail "LookupJoin rows in '$in_lj', sink rows '$k1'"
hits=$(metric "$m2" 'fsql_lookup_cache_hits_total{operator="1.3",kind="LookupJoin",table="users"}')
miss=$(metric "$m2" 'fsql_lookup_cache_misses_total{operator="1.3",kind="LookupJoin",table="users"}')
[ -n "$hits" ] && [ -n "$miss" ] || fail "lookup cache metrics missing"
gt "$miss" 0 || fail "lookup cache misses '$miss'"
[ "$((hits + miss))" -ge "$in_lj" ] 2>/dev/null ||
    fail "cache hits+misses $hits+$miss < probe rows $in_lj"
loads=$(metric "$m2" 'fsql_lookup_load_duration_seconds_count{operator="1.3",kind="LookupJoin",table="users"}')
gt "$loads" 0 || fail "lookup load histogram count '$loads'"
wm=$(metric "$m2" 'fsql_watermark_seconds{operator="1.2",kind="WatermarkAssigner"}')
gt "$wm" 1000000000 || fail "watermark '$wm'"
lag=$(metric "$m2" 'fsql_watermark_lag_seconds{operator="1.2",kind="WatermarkAssigner"}')
[ -n "$lag" ] || fail "watermark lag missing"
bc=$(metric "$m2" 'fsql_batch_processing_seconds_count')
gt "$bc" 0 || fail "batch processing histogram count '$bc'"
inf=$(metric "$m2" 'fsql_batch_processing_seconds_bucket{le="+Inf"}')
[ "$inf" = "$bc" ] || fail "+Inf bucket '$inf' != count '$bc'"
e2e=$(metric "$m2" 'fsql_end_to_end_latency_seconds_count{table="out_t"}')
[ "$e2e" = "$k1" ] || fail "end-to-end latency count '$e2e', sink rows '$k1'"
age=$(metric "$m2" 'fsql_metrics_snapshot_age_seconds')
gt 2 "$age" || fail "snapshot age '$age'"

kill -TERM "$pid"
wait "$pid"
rc=$?
err=$(cat "$T/err.txt")
expect_rc 0 "SIGTERM"
expect_in "$err" "shutdown: sinks flushed" "shutdown log"
expect_in "$err" "(stopped)" "summary"
rows_out=$(sed -n 's/^fsql: [0-9]* rows\? in, \([0-9]*\) rows\? out.*/\1/p' "$T/err.txt")
lines=$(wc -l <"$T/out.jsonl")
[ -n "$rows_out" ] && [ "$rows_out" = "$lines" ] ||
    fail "file holds $lines rows, the job counted '$rows_out'"
[ "$lines" -ge "$k1" ] || fail "file holds $lines rows, fewer than scraped $k1"
expect_in "$err" "fsql: sink out_t: $lines rows" "--stats sink line"
expect_in "$err" "fsql: lookup users: " "--stats lookup line"
tail -c1 "$T/out.jsonl" | od -c | grep -q '\\n' || fail "last row incomplete"

# Errors: a bad bind address, bad values.
run --metrics-port 99999 -e "SELECT 1"
expect_rc 3 "port out of range"
run --log-level loud -e "SELECT 1"
expect_rc 3 "bad log level"
expect_in "$err" "unrecognized log level 'loud'" "bad log level message"
run --metrics-bind nowhere --metrics-port 0 -e "SELECT 1"
expect_rc 2 "bad bind address"
expect_in "$err" "is not an IPv4 or IPv6 address" "bad bind message"

finish
