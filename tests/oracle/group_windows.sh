#!/usr/bin/env bash
# group_windows.sh - differential test of group windows against sqlite3
# and python3.
#
# Part 1, random data: for SEEDS seeded datasets (awk's rand: users,
# INT values with NULLs, DECIMAL amounts, a handful of IP strings,
# timestamps with ties, arriving out of order by less than the 5 s
# watermark delay, so no row is late) fsql computes per user
#   TUMBLE(10 s)           legacy GROUP BY TUMBLE(...) with TUMBLE_START/END
#   TUMBLE(10 s) TVF       GROUP BY window_start, window_end
#   HOP(slide 5 s, 15 s)   TVF and legacy, and legacy without DISTINCT
#                          (panes: runtime/op_window.c merges 5 s panes)
#   HOP(slide 1 s, 60 s)   size/slide = 60: legacy and TVF without DISTINCT
#                          (panes) and TVF with COUNT(DISTINCT) (per window)
#   CUMULATE(step 5 s, 20 s) TVF, with COUNT(DISTINCT) (per window) and
#                          without (panes)
# with COUNT(*), COUNT(v), SUM(v), AVG(v) (INT: truncated), MIN(v),
# MAX(v), COUNT(DISTINCT ip), SUM(amt) and AVG(amt) (DECIMAL(38, 6),
# HALF_UP).  sqlite3 computes the same with GROUP BY over bucketed
# timestamps: epoch milliseconds from strftime('%s') and the millisecond
# digits, window starts by integer arithmetic (ts - ts % size; a join with
# the window offsets for HOP and CUMULATE), AVG(amt) in integer cents.
# The sorted outputs must be identical.
#
# Part 2: PERCENTILE_CONT(0.5) and PERCENTILE_DISC(0.9) WITHIN GROUP per
# TUMBLE window against python3 (linear interpolation between the closest
# ranks; DISC: the first value whose cumulative share reaches the
# fraction).
#
# Part 3: seed 002's system_performance_monitoring shape (legacy TUMBLE
# with TUMBLE_START, conditional COUNTs, rejection_rate = COUNT(...) * 1.0
# / COUNT(*)) on a JSON stand-in for comprehensive_risk_decision, against
# python3 with exact decimal division (HALF_UP at fsql's scale).
#
# Usage: tests/oracle/group_windows.sh [SEEDS] [ROWS]  (default 30 3000)
# Exit: 0 same, 1 different, 77 when sqlite3 or python3 is not installed.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
FSQL=${FSQL:-$root/fsql}
case "$FSQL" in /*) ;; *) FSQL="$root/${FSQL#./}" ;; esac
SEEDS=${1:-30}
ROWS=${2:-3000}
command -v sqlite3 >/dev/null || { echo "sqlite3 shell not installed"; exit 77; }
command -v python3 >/dev/null || { echo "python3 not installed"; exit 77; }

T=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
cd "$T"
fail=0

cat >gen.awk <<'EOF'
# -v seed -v rows -v users -v jitter (seconds, below the 5 s delay)
BEGIN {
    srand(seed);
    base = 36000;
    for (i = 1; i <= rows; i++) {
        base += int(rand() * 2);
        s = base - int(rand() * (jitter + 1));
        ms = (rand() < 0.3) ? 0 : int(rand() * 1000);
        d = 1 + int(s / 86400); r = s % 86400;
        hh = int(r / 3600); mm = int((r % 3600) / 60); ss = r % 60;
        u = 1 + int(rand() * users);
        v = (rand() < 0.15) ? "null" : int(rand() * 200) - 50;
        cents = int(rand() * 100000);
        ip = "10.0.0." int(rand() * 6);
        dec = rand();
        fd = dec < 0.2 ? "REJECT" : dec < 0.35 ? "MANUAL_REVIEW" : "APPROVE";
        printf("{\"id\":%d,\"u\":%d,\"v\":%s,\"amt\":%d.%02d,\"ip\":\"%s\"," \
               "\"final_decision\":\"%s\",\"total_risk_score\":%d," \
               "\"ts\":\"2024-01-%02d %02d:%02d:%02d.%03d\"}\n",
               i, u, v, int(cents / 100), cents % 100, ip, fd,
               int(rand() * 100), d, hh, mm, ss, ms);
    }
}
EOF

cat >job.sql <<'EOF'
CREATE TABLE t (id INT, u INT, v INT, amt DECIMAL(10, 2), ip STRING,
    ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'data.jsonl', 'format' = 'json');
CREATE TABLE out_all (q STRING, u INT, ws TIMESTAMP(3), we TIMESTAMP(3),
    n BIGINT, nv BIGINT, sv INT, av INT, mn INT, mx INT, nd BIGINT,
    sa DECIMAL(38, 2), aa DECIMAL(38, 6))
WITH ('connector' = 'filesystem', 'path' = 'out.csv', 'format' = 'csv');
INSERT INTO out_all
SELECT 'tumble', u, TUMBLE_START(ts, INTERVAL '10' SECOND),
       TUMBLE_END(ts, INTERVAL '10' SECOND), COUNT(*), COUNT(v), SUM(v),
       AVG(v), MIN(v), MAX(v), COUNT(DISTINCT ip), SUM(amt), AVG(amt)
FROM t GROUP BY u, TUMBLE(ts, INTERVAL '10' SECOND)
UNION ALL
SELECT 'tumble_tvf', u, window_start, window_end, COUNT(*), COUNT(v),
       SUM(v), AVG(v), MIN(v), MAX(v), COUNT(DISTINCT ip), SUM(amt),
       AVG(amt)
FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' SECOND))
GROUP BY u, window_start, window_end
UNION ALL
SELECT 'hop', u, HOP_START(ts, INTERVAL '5' SECOND, INTERVAL '15' SECOND),
       HOP_END(ts, INTERVAL '5' SECOND, INTERVAL '15' SECOND), COUNT(*),
       COUNT(v), SUM(v), AVG(v), MIN(v), MAX(v), COUNT(DISTINCT ip),
       SUM(amt), AVG(amt)
FROM t GROUP BY u, HOP(ts, INTERVAL '5' SECOND, INTERVAL '15' SECOND)
UNION ALL
SELECT 'hop_tvf', u, window_start, window_end, COUNT(*), COUNT(v), SUM(v),
       AVG(v), MIN(v), MAX(v), COUNT(DISTINCT ip), SUM(amt), AVG(amt)
FROM TABLE(HOP(TABLE t, DESCRIPTOR(ts), INTERVAL '5' SECOND,
               INTERVAL '15' SECOND))
GROUP BY u, window_start, window_end
UNION ALL
SELECT 'hop_pane', u, HOP_START(ts, INTERVAL '5' SECOND, INTERVAL '15' SECOND),
       HOP_END(ts, INTERVAL '5' SECOND, INTERVAL '15' SECOND), COUNT(*),
       COUNT(v), SUM(v), AVG(v), MIN(v), MAX(v), CAST(NULL AS BIGINT),
       SUM(amt), AVG(amt)
FROM t GROUP BY u, HOP(ts, INTERVAL '5' SECOND, INTERVAL '15' SECOND)
UNION ALL
SELECT 'hop60', u, HOP_START(ts, INTERVAL '1' SECOND, INTERVAL '60' SECOND),
       HOP_END(ts, INTERVAL '1' SECOND, INTERVAL '60' SECOND), COUNT(*),
       COUNT(v), SUM(v), AVG(v), MIN(v), MAX(v), CAST(NULL AS BIGINT),
       SUM(amt), AVG(amt)
FROM t GROUP BY u, HOP(ts, INTERVAL '1' SECOND, INTERVAL '60' SECOND)
UNION ALL
SELECT 'hop60_tvf', u, window_start, window_end, COUNT(*), COUNT(v), SUM(v),
       AVG(v), MIN(v), MAX(v), COUNT(DISTINCT ip), SUM(amt), AVG(amt)
FROM TABLE(HOP(TABLE t, DESCRIPTOR(ts), INTERVAL '1' SECOND,
               INTERVAL '60' SECOND))
GROUP BY u, window_start, window_end
UNION ALL
SELECT 'hop60_tvf_pane', u, window_start, window_end, COUNT(*), COUNT(v),
       SUM(v), AVG(v), MIN(v), MAX(v), CAST(NULL AS BIGINT), SUM(amt),
       AVG(amt)
FROM TABLE(HOP(TABLE t, DESCRIPTOR(ts), INTERVAL '1' SECOND,
               INTERVAL '60' SECOND))
GROUP BY u, window_start, window_end
UNION ALL
SELECT 'cumulate', u, window_start, window_end, COUNT(*), COUNT(v), SUM(v),
       AVG(v), MIN(v), MAX(v), COUNT(DISTINCT ip), SUM(amt), AVG(amt)
FROM TABLE(CUMULATE(TABLE t, DESCRIPTOR(ts), INTERVAL '5' SECOND,
                    INTERVAL '20' SECOND))
GROUP BY u, window_start, window_end
UNION ALL
SELECT 'cumulate_pane', u, window_start, window_end, COUNT(*), COUNT(v),
       SUM(v), AVG(v), MIN(v), MAX(v), CAST(NULL AS BIGINT), SUM(amt),
       AVG(amt)
FROM TABLE(CUMULATE(TABLE t, DESCRIPTOR(ts), INTERVAL '5' SECOND,
                    INTERVAL '20' SECOND))
GROUP BY u, window_start, window_end;
EOF

cat >oracle.sql <<'EOF'
CREATE TABLE lines (line TEXT);
.mode ascii
.separator "\037" "\n"
.import data.jsonl lines
CREATE TABLE t AS
SELECT json_extract(line, '$.u') AS u, json_extract(line, '$.v') AS v,
       CAST(round(json_extract(line, '$.amt') * 100) AS INTEGER) AS cents,
       json_extract(line, '$.ip') AS ip,
       CAST(strftime('%s', substr(json_extract(line, '$.ts'), 1, 19))
            AS INTEGER) * 1000
           + CAST(substr(json_extract(line, '$.ts'), 21, 3) AS INTEGER)
           AS ts
FROM lines;
CREATE TABLE k (k INTEGER);
INSERT INTO k VALUES (0), (1), (2), (3);
CREATE TABLE k60 AS
WITH RECURSIVE n(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM n WHERE k < 59)
SELECT k FROM n;
CREATE VIEW w AS
SELECT 'tumble' AS q, u, v, cents, ip, ts - ts % 10000 AS ws,
       ts - ts % 10000 + 10000 AS we FROM t
UNION ALL
SELECT 'tumble_tvf', u, v, cents, ip, ts - ts % 10000, ts - ts % 10000 + 10000
FROM t
UNION ALL
SELECT 'hop', u, v, cents, ip, ts - ts % 5000 - k * 5000,
       ts - ts % 5000 - k * 5000 + 15000 FROM t, k WHERE k < 3
UNION ALL
SELECT 'hop_tvf', u, v, cents, ip, ts - ts % 5000 - k * 5000,
       ts - ts % 5000 - k * 5000 + 15000 FROM t, k WHERE k < 3
UNION ALL
SELECT 'hop_pane', u, v, cents, ip, ts - ts % 5000 - k * 5000,
       ts - ts % 5000 - k * 5000 + 15000 FROM t, k WHERE k < 3
UNION ALL
SELECT 'hop60', u, v, cents, ip, ts - ts % 1000 - k * 1000,
       ts - ts % 1000 - k * 1000 + 60000 FROM t, k60
UNION ALL
SELECT 'hop60_tvf', u, v, cents, ip, ts - ts % 1000 - k * 1000,
       ts - ts % 1000 - k * 1000 + 60000 FROM t, k60
UNION ALL
SELECT 'hop60_tvf_pane', u, v, cents, ip, ts - ts % 1000 - k * 1000,
       ts - ts % 1000 - k * 1000 + 60000 FROM t, k60
UNION ALL
SELECT 'cumulate', u, v, cents, ip, ts - ts % 20000,
       ts - ts % 20000 + (k + 1) * 5000 FROM t, k
WHERE ts - ts % 20000 + (k + 1) * 5000 > ts
UNION ALL
SELECT 'cumulate_pane', u, v, cents, ip, ts - ts % 20000,
       ts - ts % 20000 + (k + 1) * 5000 FROM t, k
WHERE ts - ts % 20000 + (k + 1) * 5000 > ts;
CREATE VIEW fmt AS SELECT 1;
.mode csv
.headers off
SELECT q, u,
       strftime('%Y-%m-%d %H:%M:%S', ws / 1000, 'unixepoch') || '.' ||
           printf('%03d', ws % 1000),
       strftime('%Y-%m-%d %H:%M:%S', we / 1000, 'unixepoch') || '.' ||
           printf('%03d', we % 1000),
       COUNT(*), COUNT(v), SUM(v), SUM(v) / COUNT(v), MIN(v), MAX(v),
       CASE WHEN q IN ('hop_pane', 'hop60', 'hop60_tvf_pane',
                       'cumulate_pane') THEN NULL
            ELSE COUNT(DISTINCT ip) END,
       printf('%d.%02d', SUM(cents) / 100, SUM(cents) % 100),
       printf('%d.%06d', (SUM(cents) * 10000 * 2 + COUNT(*)) / (2 * COUNT(*))
                              / 1000000,
              (SUM(cents) * 10000 * 2 + COUNT(*)) / (2 * COUNT(*)) % 1000000)
FROM w GROUP BY q, u, ws, we;
EOF

for ((seed = 1; seed <= SEEDS; seed++)); do
    awk -v seed="$seed" -v rows="$ROWS" -v users=$((2 + seed % 7)) \
        -v jitter=$((seed % 5)) -f gen.awk >data.jsonl
    rm -f out.csv
    "$FSQL" run job.sql 2>fsql.err || { cat fsql.err; fail=1; break; }
    tr -d '"\r' <out.csv | LC_ALL=C sort >fsql.txt
    sqlite3 <oracle.sql 2>&1 | tr -d '"\r' | LC_ALL=C sort >sqlite.txt
    if ! cmp -s fsql.txt sqlite.txt; then
        echo "group_windows: seed $seed: fsql and sqlite3 differ"
        diff fsql.txt sqlite.txt | head -n 10
        fail=1
        break
    fi
done
[ "$fail" = 0 ] && echo "group_windows: part 1: $SEEDS datasets agree with sqlite3"

# ---- part 2: percentiles against python3 ----------------------------------

awk -v seed=7 -v rows="$ROWS" -v users=4 -v jitter=3 -f gen.awk >data.jsonl
cat >pct.sql <<'EOF'
CREATE TABLE t (id INT, u INT, v INT, ts TIMESTAMP(3),
    WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'data.jsonl', 'format' = 'json');
SELECT u, TUMBLE_START(ts, INTERVAL '30' SECOND) AS ws,
       PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY v) AS med,
       PERCENTILE_DISC(0.9) WITHIN GROUP (ORDER BY v) AS p90,
       PERCENTILE_CONT(0.25) WITHIN GROUP (ORDER BY v) AS q1
FROM t GROUP BY u, TUMBLE(ts, INTERVAL '30' SECOND);
EOF
"$FSQL" run --output csv pct.sql 2>fsql.err | tail -n +2 | tr -d '"\r' \
    >pct.fsql || { cat fsql.err; fail=1; }
python3 - <<'EOF' || fail=1
import json, math, sys, datetime
groups = {}
for line in open("data.jsonl"):
    r = json.loads(line)
    t = datetime.datetime.strptime(r["ts"], "%Y-%m-%d %H:%M:%S.%f")
    epoch = (t - datetime.datetime(1970, 1, 1)) // datetime.timedelta(milliseconds=1)
    ws = epoch - epoch % 30000
    g = groups.setdefault((r["u"], ws), [])
    if r["v"] is not None:
        g.append(r["v"])
def cont(vals, f):
    if not vals: return None
    s = sorted(vals); pos = f * (len(s) - 1)
    lo, hi = math.floor(pos), math.ceil(pos)
    return s[lo] + (pos - lo) * (s[hi] - s[lo])
def disc(vals, f):
    if not vals: return None
    s = sorted(vals); i = max(0, math.ceil(f * len(s)) - 1)
    return s[min(i, len(s) - 1)]
want = {}
for (u, ws), vals in groups.items():
    t = datetime.datetime(1970, 1, 1) + datetime.timedelta(milliseconds=ws)
    want[(str(u), t.strftime("%Y-%m-%d %H:%M:%S.000"))] = (
        cont(vals, 0.5), disc(vals, 0.9), cont(vals, 0.25))
got = {}
for line in open("pct.fsql"):
    u, ws, med, p90, q1 = line.rstrip("\n").split(",")
    num = lambda x: None if x == "" else float(x)
    got[(u, ws)] = (num(med), num(p90), num(q1))
if set(got) != set(want):
    print("percentiles: windows differ:", sorted(set(got) ^ set(want))[:5])
    sys.exit(1)
for k, w in want.items():
    g = got[k]
    for a, b in zip(g, w):
        if (a is None) != (b is None) or (a is not None and abs(a - b) > 1e-9):
            print("percentiles: window", k, "fsql", g, "python", w)
            sys.exit(1)
print("group_windows: part 2: %d percentile windows agree with python3" % len(want))
EOF

# ---- part 3: seed 002 system_performance_monitoring -----------------------

cat >perf.sql <<'EOF'
CREATE TABLE comprehensive_risk_decision (
    id INT, final_decision STRING, total_risk_score INT,
    transaction_time AS ts, ts TIMESTAMP(3),
    WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'filesystem', 'path' = 'data.jsonl', 'format' = 'json');
CREATE VIEW system_performance_monitoring AS
SELECT
TUMBLE_START(ts, INTERVAL '1' MINUTE) as window_start,
COUNT(*) as total_transactions,
COUNT(CASE WHEN final_decision = 'REJECT' THEN 1 END) as rejected_count,
COUNT(CASE WHEN final_decision = 'MANUAL_REVIEW' THEN 1 END) as review_count,
COUNT(CASE WHEN final_decision = 'APPROVE' THEN 1 END) as approved_count,
COUNT(CASE WHEN final_decision = 'REJECT' THEN 1 END) * 1.0 / COUNT(*) as rejection_rate,
COUNT(CASE WHEN total_risk_score > 70 THEN 1 END) * 1.0 / COUNT(*) as high_risk_ratio
FROM comprehensive_risk_decision
GROUP BY TUMBLE(ts, INTERVAL '1' MINUTE);
SELECT * FROM system_performance_monitoring;
EOF
"$FSQL" run --output csv perf.sql 2>fsql.err | tail -n +2 | tr -d '"\r' \
    >perf.fsql || { cat fsql.err; fail=1; }
python3 - <<'EOF' || fail=1
import json, sys, datetime
from decimal import Decimal, ROUND_HALF_UP
w = {}
for line in open("data.jsonl"):
    r = json.loads(line)
    t = datetime.datetime.strptime(r["ts"], "%Y-%m-%d %H:%M:%S.%f")
    k = t.strftime("%Y-%m-%d %H:%M:00.000")
    c = w.setdefault(k, [0, 0, 0, 0, 0])
    c[0] += 1
    c[1] += r["final_decision"] == "REJECT"
    c[2] += r["final_decision"] == "MANUAL_REVIEW"
    c[3] += r["final_decision"] == "APPROVE"
    c[4] += r["total_risk_score"] > 70
got = [l.rstrip("\n").split(",") for l in open("perf.fsql")]
if len(got) != len(w):
    print("perf: %d windows from fsql, %d expected" % (len(got), len(w)))
    sys.exit(1)
for ws, n, rej, rev, app, rate, hr in got:
    c = w[ws]
    scale = len(rate.split(".")[1]) if "." in rate else 0
    q = Decimal(1).scaleb(-scale)
    er = (Decimal(c[1]) / Decimal(c[0])).quantize(q, ROUND_HALF_UP)
    eh = (Decimal(c[4]) / Decimal(c[0])).quantize(q, ROUND_HALF_UP)
    if [int(n), int(rej), int(rev), int(app)] != c[:4] or \
            Decimal(rate) != er or Decimal(hr) != eh:
        print("perf: window", ws, "fsql", (n, rej, rev, app, rate, hr),
              "python", c, er, eh)
        sys.exit(1)
print("group_windows: part 3: %d system_performance_monitoring windows agree" % len(got))
EOF

exit "$fail"
