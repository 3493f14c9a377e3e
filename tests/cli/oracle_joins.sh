#!/usr/bin/env bash
# oracle_joins.sh - runs tests/oracle/joins.sh (interval, regular, semi and
# temporal joins against sqlite3) on 3 small datasets as part of the quick
# suite; run the oracle script by hand for more (tests/oracle/joins.sh 50
# 2000).
exec bash "$(dirname "$0")/../oracle/joins.sh" 3 200
