#!/usr/bin/env bash
# oracle_group_windows.sh - runs tests/oracle/group_windows.sh (TUMBLE,
# HOP with and without panes, HOP with size/slide = 60, CUMULATE and the
# percentiles against sqlite3 and python3) on 3 datasets of 1,500 rows as
# part of the quick suite; run the oracle script by hand for more
# (tests/oracle/group_windows.sh 30 3000).
exec bash "$(dirname "$0")/../oracle/group_windows.sh" 3 1500
