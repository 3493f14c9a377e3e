#!/usr/bin/env bash
# oracle_over_windows.sh - runs tests/oracle/over_windows.sh (OVER windows,
# LAG/LEAD and seed 002's user_behavior_analysis / ml_feature_extraction
# against sqlite3's window functions) on 4 small random datasets as part
# of the quick suite; run the oracle script by hand for more
# (tests/oracle/over_windows.sh 40 20000).
exec bash "$(dirname "$0")/../oracle/over_windows.sh" 4 2000
