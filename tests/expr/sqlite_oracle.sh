#!/usr/bin/env bash
# sqlite_oracle.sh - differential check of fsql's expression VM against
# sqlite3 (an implementation nobody here wrote) on the expressions of
# tests/expr/oracle.txt, whose semantics agree in both engines.
#
#   tests/expr/sqlite_oracle.sh [UNIT_BINARY]     (default build/bin/unit)
#
# fsql's results come from `unit expr_print` (tests/unit/test_expr.c);
# sqlite3 runs `SELECT expr;` with the fsql-only syntax rewritten
# (CHAR_LENGTH -> LENGTH, DOUBLE -> REAL, IS NOT DISTINCT FROM -> IS).
# Booleans are compared as 1/0.  Exit status 1 on any difference.
set -euo pipefail
cd "$(dirname "$0")/../.."
unit=${1:-build/bin/unit}
cases=tests/expr/oracle.txt
command -v sqlite3 >/dev/null || { echo "sqlite3 not installed; skipped"; exit 0; }
ours=$(FSQL_EXPR_PRINT=$cases "$unit" expr_print | grep ' ==> ')
fail=0
n=0
while IFS= read -r line; do
    expr=${line%% ==> *}
    got=${line#* ==> }
    case "$got" in TRUE) got=1 ;; FALSE) got=0 ;; esac
    sq=$(printf '%s' "$expr" | sed -e 's/CHAR_LENGTH/LENGTH/g' \
        -e 's/AS DOUBLE/AS REAL/g' -e 's/AS BIGINT/AS INTEGER/g' -e 's/IS NOT DISTINCT FROM/IS/g' \
        -e 's/\([0-9.]\)e0/\1/g')
    want=$(sqlite3 -cmd '.nullvalue NULL' ':memory:' "SELECT $sq;" 2>&1) || true
    n=$((n + 1))
    if [ "$got" != "$want" ]; then
        echo "DIFF: $expr"
        echo "   fsql:    $got"
        echo "   sqlite3: $want"
        fail=1
    fi
done <<<"$ours"
echo "sqlite oracle: $n expressions compared"
exit $fail
