#!/usr/bin/env bash
# demo.sh - what `make demo` shows: the seed 002 risk rules compiled and
# explained.  Running them lands with the runtime.
#
# In each sql-examples/<dir>/, tables*.sql files are init files (table
# DDL); tables.local.sql is used when present.  Every other .sql file is a
# job, compiled after the init file.
set -euo pipefail

cd "$(dirname "$0")/.."
FSQL=${FSQL:-./fsql}
dir=sql-examples/seed002

if [ ! -d "$dir" ] || ! ls "$dir"/*.sql >/dev/null 2>&1; then
    echo "demo: no SQL in $dir yet; nothing to show."
    exit 0
fi

init=()
if [ -f "$dir/tables.local.sql" ]; then
    init=(-i "$dir/tables.local.sql")
fi

status=0
for f in "$dir"/*.sql; do
    case "$(basename "$f")" in
    tables*.sql)
        echo "== fsql validate $f"
        "$FSQL" validate "$f" || status=1
        continue
        ;;
    esac
    echo "== fsql validate ${init[*]} $f"
    "$FSQL" validate "${init[@]}" "$f" || status=1
    echo "== fsql explain ${init[*]} $f"
    "$FSQL" explain "${init[@]}" "$f" || status=1
done
echo
echo "demo: running these jobs ('fsql run ${init[*]} FILE') lands with the runtime."
exit $status
