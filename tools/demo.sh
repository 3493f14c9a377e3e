#!/usr/bin/env bash
# demo.sh - what `make demo` shows (the README's first command): seed 002's
# real-time risk scoring, run end to end on the embedded default - no
# servers.  `make demo` has already installed the dependencies and built
# ./fsql; this script installs nothing.
#
#   1. fsql builds the demo data itself (sql-examples/seed002/data/):
#      make_profiles.sql writes 100,000 user and 10,000 merchant risk
#      profiles from bounded datagen sources into SQLite (data/risk.db);
#      make_transactions.sql writes the transaction stream from fsql's
#      transaction generator to data/transactions.jsonl.
#   2. fsql runs the seed's rules as written (risk_scoring.sql, with the
#      local table declarations of tables.local.sql): every transaction
#      enriched by two cached SQLite lookups, scored, and the high-risk
#      decisions (total_risk_score > 70) written out.
#   3. The first decisions are printed, then fsql's summary line (rows in,
#      rows out, events/s).
#
# Environment: FSQL (default ./fsql), FSQL_DEMO_ROWS (transactions,
# default 300000), FSQL_DEMO_SHOW (decisions printed, default 20).
set -euo pipefail

cd "$(dirname "$0")/.."
FSQL=${FSQL:-./fsql}
case "$FSQL" in /*) ;; *) FSQL="$PWD/${FSQL#./}" ;; esac
export FSQL_DEMO_ROWS=${FSQL_DEMO_ROWS:-300000}
SHOW=${FSQL_DEMO_SHOW:-20}
dir=sql-examples/seed002
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ ! -x "$FSQL" ]; then
    echo "demo: $FSQL is not built (run make)" >&2
    exit 2
fi

echo "== building the demo data with fsql ($dir/data/)"
rm -f "$dir/data/transactions.jsonl"
(cd "$dir" && "$FSQL" run make_profiles.sql) 2>&1 | sed 's/^/   /'
(cd "$dir" && "$FSQL" run -i tables.local.sql make_transactions.sql) 2>&1 |
    sed 's/^/   /'

echo
echo "== fsql run -i $dir/tables.local.sql $dir/risk_scoring.sql"
status=0
"$FSQL" run --output csv -i "$dir/tables.local.sql" "$dir/risk_scoring.sql" \
    >"$tmp/decisions.csv" 2>"$tmp/stderr" || status=$?
# Compile-time warnings (the seed writes an event-time AS OF) first.
sed '$d' "$tmp/stderr" >&2
if [ "$status" != 0 ]; then
    tail -n 1 "$tmp/stderr" >&2
    exit "$status"
fi

n=$(($(wc -l <"$tmp/decisions.csv") - 1))
echo
echo "high-risk decisions (total_risk_score > 70): $n; the first $SHOW:"
head -n $((SHOW + 1)) "$tmp/decisions.csv" | awk -F, '
    NR == 1 { $0 = "tx_id,user_id,amount,merchant,transaction_time," \
                   "user_risk,merchant_risk,score"; }
    { printf "  %-8s %-8s %10s %-8s %-23s %-9s %-13s %s\n",
             $1, $2, $3, $4, $5, $6, $7, $8 }'
[ "$n" -gt "$SHOW" ] && echo "  ... and $((n - SHOW)) more"
echo
# The summary line: rows in, rows out, events/s.
tail -n 1 "$tmp/stderr"
