#!/usr/bin/env bash
# bench.sh - benchmarks (`make bench`).  Prints figures beside a baseline
# measured in the same run; copy them into docs/benchmarks.md by hand.
#
# compile: `fsql validate` on a generated rule file of about 10,000 lines
#   (N_VIEWS views over one Kafka table, each with CASE, arithmetic and a
#   filter), wall time and peak RSS.  Target: under 100 ms.  Baseline: the
#   sqlite3 shell preparing the same number of equivalent CREATE VIEW
#   statements in an in-memory database.
#
# Environment: FSQL (default ./fsql), RUNS (default 5; the best run counts),
# N_VIEWS (default 625, about 16 lines each).
set -euo pipefail
cd "$(dirname "$0")/.."

FSQL=${FSQL:-./fsql}
RUNS=${RUNS:-5}
N_VIEWS=${N_VIEWS:-625}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ---- generate the inputs --------------------------------------------------
gen_fsql() {
    cat <<'SQL'
CREATE TABLE tx (
    id BIGINT,
    user_id BIGINT,
    amount DECIMAL(15, 2),
    kind STRING,
    ts TIMESTAMP(3),
    WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH (
    'connector' = 'kafka',
    'topic' = 'tx',
    'properties.bootstrap.servers' = 'localhost:9092',
    'format' = 'json'
);
SQL
    for i in $(seq 1 "$N_VIEWS"); do
        cat <<SQL
-- rule $i
CREATE VIEW rule_$i AS
SELECT
    id,
    user_id,
    amount * $i AS scaled,
    CASE
        WHEN amount > $i THEN 'high'
        WHEN amount > $((i / 2)) THEN 'medium'
        ELSE 'low'
    END AS level,
    ts
FROM tx
WHERE kind = 'k$i'
    AND user_id % 7 = $((i % 7))
    AND amount BETWEEN 0 AND 100000;
SQL
    done
}

gen_sqlite() {
    echo "CREATE TABLE tx (id INTEGER, user_id INTEGER, amount NUMERIC, kind TEXT, ts TEXT);"
    for i in $(seq 1 "$N_VIEWS"); do
        cat <<SQL
CREATE VIEW rule_$i AS
SELECT id, user_id, amount * $i AS scaled,
    CASE WHEN amount > $i THEN 'high' WHEN amount > $((i / 2)) THEN 'medium'
    ELSE 'low' END AS level, ts
FROM tx WHERE kind = 'k$i' AND user_id % 7 = $((i % 7))
    AND amount BETWEEN 0 AND 100000;
SQL
    done
    # Force every view to be compiled, as fsql validate does.
    for i in $(seq 1 "$N_VIEWS"); do
        echo "EXPLAIN SELECT * FROM rule_$i;"
    done
}

gen_fsql >"$tmp/rules.sql"
gen_sqlite >"$tmp/sqlite.sql"

# ---- measure: best wall time and peak RSS of RUNS runs ----------------------
# measure NAME CMD...: prints "NAME  <ms> ms  <KiB> KiB peak RSS"
measure() {
    local name=$1
    shift
    python3 - "$RUNS" "$@" <<'PY'
import os, resource, subprocess, sys, time
runs = int(sys.argv[1]); cmd = sys.argv[2:]
best = None; rss = 0
for _ in range(runs):
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    dt = time.perf_counter() - t0
    if p.returncode not in (0,):
        sys.stderr.write(p.stderr.decode(errors="replace")[-2000:])
        print("FAILED (exit %d)" % p.returncode); sys.exit(1)
    best = dt if best is None else min(best, dt)
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print("%.1f %d" % (best * 1000, rss))
PY
}

lines=$(wc -l <"$tmp/rules.sql")
echo "compile benchmark: $lines lines, $N_VIEWS views, best of $RUNS runs"
read -r f_ms f_kb < <(measure fsql "$FSQL" validate "$tmp/rules.sql") || {
    echo "fsql validate failed on the generated file"; exit 1; }
printf '  %-34s %8.1f ms  %8d KiB peak RSS\n' "fsql validate" "$f_ms" "$f_kb"
if command -v sqlite3 >/dev/null 2>&1; then
    read -r s_ms s_kb < <(measure sqlite sqlite3 :memory: ".read $tmp/sqlite.sql")
    printf '  %-34s %8.1f ms  %8d KiB peak RSS\n' "baseline: sqlite3 (same views)" "$s_ms" "$s_kb"
    python3 -c "import sys; f,s=float(sys.argv[1]),float(sys.argv[2]); print('  ratio fsql/sqlite3: %.2fx' % (f/s if s else 0))" "$f_ms" "$s_ms"
fi
python3 -c "import sys; print('  target < 100 ms: %s' % ('met' if float(sys.argv[1]) < 100 else 'NOT met'))" "$f_ms"
