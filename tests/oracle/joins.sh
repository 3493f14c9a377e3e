#!/usr/bin/env bash
# joins.sh - differential test of the joins against sqlite3.
#
# For SEEDS seeded random datasets (python3's random: two streams a and b
# of ROWS rows each, keys 1..K with some NULL keys, a small INT value with
# NULLs, event times on a 50 ms grid (so that equal times occur) that
# drift forward and arrive out of order by less than the 3 s watermark
# delay, so no row is late) fsql computes
#   interval joins  b.ts BETWEEN a.ts - 2 s AND a.ts + 3 s on a.k = b.k,
#                   INNER / LEFT / RIGHT / FULL, one with a residual
#                   condition (a.v <> b.v) in ON;
#   regular joins   a.k = b.k, INNER / LEFT / RIGHT / FULL (one with the
#                   residual), whose updating output (--output changelog
#                   as JSON lines with "op") is applied to a multiset:
#                   +I/+U add a row, -U/-D take one out;
#   semi joins      a.k IN (SELECT k FROM b), NOT IN (NULL semantics:
#                   b has NULL keys in some datasets), and the IN result
#                   as a column (CASE WHEN ... IN ... ), likewise applied;
#   temporal joins  a JOIN / LEFT JOIN bv FOR SYSTEM_TIME AS OF a.ts ON
#                   a.k = bv.k (one LEFT with a residual a.v <> bv.v),
#                   where bv is b's file declared with PRIMARY KEY (k)
#                   and the WATERMARK: a versioned table whose rows are
#                   versions (out of order within the delay); sqlite3
#                   picks the version with a correlated subquery - the
#                   latest one at or before a.ts, the later row of the
#                   file when two have the same time;
# and sqlite3 computes the same joins in one batch over the same rows
# (epoch milliseconds).  Rows are compared as sorted lists of
# "a.id|b.id" (an empty side: NULL padding).
#
# Usage: tests/oracle/joins.sh [SEEDS] [ROWS]  (default 12 400)
# Exit: 0 same, 1 different, 77 when sqlite3 or python3 is not installed.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
FSQL=${FSQL:-$root/fsql}
case "$FSQL" in /*) ;; *) FSQL="$root/${FSQL#./}" ;; esac
SEEDS=${1:-12}
ROWS=${2:-400}
command -v sqlite3 >/dev/null || { echo "sqlite3 shell not installed"; exit 77; }
command -v python3 >/dev/null || { echo "python3 not installed"; exit 77; }

T=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
cd "$T"
fail=0

cat >gen.py <<'EOF'
import random, sys
seed, rows = int(sys.argv[1]), int(sys.argv[2])
rnd = random.Random(seed)
keys = 5 + seed % 20
null_b = seed % 3 == 0          # b gets NULL keys in a third of the runs
base = 1704103200000            # 2024-01-01 10:00:00 UTC
def ts(ms):
    s, m = divmod(ms, 1000)
    import datetime
    d = datetime.datetime.utcfromtimestamp(s)
    return d.strftime('%Y-%m-%d %H:%M:%S') + '.%03d' % m
for side in ('a', 'b'):
    t = base
    with open(side + '.jsonl', 'w') as f, open(side + '.csv', 'w') as c:
        for i in range(1, rows + 1):
            t += rnd.randint(0, 700)
            at = t - rnd.randint(0, 2900)      # out of order, < 3 s
            at -= at % 50   # equal times happen: ties at bounds, versions
            k = rnd.randint(1, keys)
            if rnd.random() < (0.05 if side == 'a' or null_b else 0):
                k = None
            v = None if rnd.random() < 0.1 else rnd.randint(0, 3)
            f.write('{"id":%d,"k":%s,"v":%s,"ts":"%s"}\n' % (
                i, 'null' if k is None else k, 'null' if v is None else v,
                ts(at)))
            c.write('%d,%s,%s,%d\n' % (i, '' if k is None else k,
                                       '' if v is None else v, at))
EOF

cat >tables.sql <<'EOF'
-- helper
CREATE TABLE a (id INT, k INT, v INT, ts TIMESTAMP(3),
    WATERMARK FOR ts AS ts - INTERVAL '3' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'a.jsonl', 'format' = 'json');
CREATE TABLE b (id INT, k INT, v INT, ts TIMESTAMP(3),
    WATERMARK FOR ts AS ts - INTERVAL '3' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'b.jsonl', 'format' = 'json');
CREATE TABLE bv (id INT, k INT, v INT, ts TIMESTAMP(3),
    PRIMARY KEY (k) NOT ENFORCED,
    WATERMARK FOR ts AS ts - INTERVAL '3' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'b.jsonl', 'format' = 'json');
EOF

# name|fsql join clause|sqlite join clause: temporal joins (the version
# of bv valid at a.ts; sqlite3: the latest b row of the key at or before
# a.ts, the later file row on equal times)
VER="(SELECT v.id FROM b v WHERE v.k = a.k AND v.ts <= a.ts ORDER BY v.ts DESC, v.id DESC LIMIT 1)"
tqueries=(
"ti|a JOIN bv FOR SYSTEM_TIME AS OF a.ts ON a.k = bv.k|a JOIN b ON b.id = $VER"
"tl|a LEFT JOIN bv FOR SYSTEM_TIME AS OF a.ts ON a.k = bv.k|a LEFT JOIN b ON b.id = $VER"
"tr|a LEFT JOIN bv FOR SYSTEM_TIME AS OF a.ts ON a.k = bv.k AND a.v <> bv.v|a LEFT JOIN b ON b.id = $VER AND a.v <> b.v"
)

# name|fsql join clause|sqlite join clause
queries=(
"ii|a JOIN b ON a.k = b.k AND b.ts BETWEEN a.ts - INTERVAL '2' SECOND AND a.ts + INTERVAL '3' SECOND|a JOIN b ON a.k = b.k AND b.ts BETWEEN a.ts - 2000 AND a.ts + 3000"
"il|a LEFT JOIN b ON a.k = b.k AND b.ts BETWEEN a.ts - INTERVAL '2' SECOND AND a.ts + INTERVAL '3' SECOND|a LEFT JOIN b ON a.k = b.k AND b.ts BETWEEN a.ts - 2000 AND a.ts + 3000"
"ir|a RIGHT JOIN b ON a.k = b.k AND b.ts >= a.ts - INTERVAL '2' SECOND AND b.ts <= a.ts + INTERVAL '3' SECOND|a RIGHT JOIN b ON a.k = b.k AND b.ts BETWEEN a.ts - 2000 AND a.ts + 3000"
"if|a FULL JOIN b ON a.k = b.k AND b.ts BETWEEN a.ts - INTERVAL '2' SECOND AND a.ts + INTERVAL '3' SECOND AND a.v <> b.v|a FULL JOIN b ON a.k = b.k AND b.ts BETWEEN a.ts - 2000 AND a.ts + 3000 AND a.v <> b.v"
"ri|a JOIN b ON a.k = b.k AND a.v < b.v|a JOIN b ON a.k = b.k AND a.v < b.v"
"rl|a LEFT JOIN b ON a.k = b.k|a LEFT JOIN b ON a.k = b.k"
"rr|a RIGHT JOIN b ON a.k = b.k AND a.v <> b.v|a RIGHT JOIN b ON a.k = b.k AND a.v <> b.v"
"rf|a FULL JOIN b ON a.k = b.k|a FULL JOIN b ON a.k = b.k"
)

cat >apply.py <<'EOF'
# Apply a JSON-lines changelog ("op" key when updating) to a multiset and
# print the final rows as "x|y" lines (NULL as empty).
import json, sys, collections
ms = collections.Counter()
for line in sys.stdin:
    o = json.loads(line)
    op = o.pop('op', '+I')
    vals = ['' if o[c] is None else str(o[c]) for c in ('x', 'y')]
    key = '|'.join(vals)
    ms[key] += 1 if op in ('+I', '+U') else -1
bad = [k for k, n in ms.items() if n < 0]
if bad:
    print('negative count for', bad[:3], file=sys.stderr)
    sys.exit(1)
for k in sorted(ms.elements()):
    print(k)
EOF

for seed in $(seq 1 "$SEEDS"); do
    python3 gen.py "$seed" "$ROWS"
    rm -f o.db
    sqlite3 o.db <<'EOF'
CREATE TABLE a (id INTEGER, k INTEGER, v INTEGER, ts INTEGER);
CREATE TABLE b (id INTEGER, k INTEGER, v INTEGER, ts INTEGER);
.mode csv
.import a.csv a
.import b.csv b
UPDATE a SET k = NULL WHERE k = '';
UPDATE a SET v = NULL WHERE v = '';
UPDATE b SET k = NULL WHERE k = '';
UPDATE b SET v = NULL WHERE v = '';
EOF
    for q in "${queries[@]}"; do
        IFS='|' read -r name fj sj <<<"$q"
        echo "SELECT a.id AS x, b.id AS y FROM $fj;" >q.sql
        if ! "$FSQL" run --output jsonl -i tables.sql q.sql >got.jsonl 2>err.txt; then
            echo "seed $seed $name: fsql failed"; cat err.txt; fail=1; continue
        fi
        python3 apply.py <got.jsonl >got.txt
        sqlite3 -separator '|' o.db \
            "SELECT COALESCE(a.id, ''), COALESCE(b.id, '') FROM $sj;" |
            sort >want.txt
        if ! cmp -s got.txt want.txt; then
            echo "seed $seed $name: differs"
            diff got.txt want.txt | head -5
            fail=1
        fi
    done
    for q in "${tqueries[@]}"; do
        IFS='|' read -r name fj sj <<<"$q"
        echo "SELECT a.id AS x, bv.id AS y FROM $fj;" >q.sql
        if ! "$FSQL" run --output jsonl -i tables.sql q.sql >got.jsonl 2>err.txt; then
            echo "seed $seed $name: fsql failed"; cat err.txt; fail=1; continue
        fi
        python3 apply.py <got.jsonl >got.txt
        sqlite3 -separator '|' o.db \
            "SELECT COALESCE(a.id, ''), COALESCE(b.id, '') FROM $sj;" |
            sort >want.txt
        if ! cmp -s got.txt want.txt; then
            echo "seed $seed $name: differs"
            diff got.txt want.txt | head -5
            fail=1
        fi
    done
    # semi joins: IN, NOT IN (NULL semantics), IN as a column
    for name in semi anti mark; do
        case $name in
        semi) fq="SELECT a.id AS x, 0 AS y FROM a WHERE a.k IN (SELECT k FROM b)"
              sq="SELECT a.id, 0 FROM a WHERE a.k IN (SELECT k FROM b)" ;;
        anti) fq="SELECT a.id AS x, 0 AS y FROM a WHERE a.k NOT IN (SELECT k FROM b)"
              sq="SELECT a.id, 0 FROM a WHERE a.k NOT IN (SELECT k FROM b)" ;;
        mark) fq="SELECT a.id AS x, CASE WHEN a.k IN (SELECT k FROM b) THEN 1 WHEN NOT (a.k IN (SELECT k FROM b)) THEN 0 ELSE 2 END AS y FROM a"
              sq="SELECT a.id, CASE WHEN a.k IN (SELECT k FROM b) THEN 1 WHEN NOT (a.k IN (SELECT k FROM b)) THEN 0 ELSE 2 END FROM a" ;;
        esac
        echo "$fq;" >q.sql
        if ! "$FSQL" run --output jsonl -i tables.sql q.sql >got.jsonl 2>err.txt; then
            echo "seed $seed $name: fsql failed"; cat err.txt; fail=1; continue
        fi
        python3 apply.py <got.jsonl >got.txt
        sqlite3 -separator '|' o.db "$sq;" | sort >want.txt
        if ! cmp -s got.txt want.txt; then
            echo "seed $seed $name: differs"
            diff got.txt want.txt | head -5
            fail=1
        fi
    done
done
if [ "$fail" = 0 ]; then
    echo "joins oracle: $SEEDS datasets x $((${#queries[@]} + ${#tqueries[@]} + 3)) joins agree with sqlite3"
fi
exit "$fail"
