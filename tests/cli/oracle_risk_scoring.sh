#!/usr/bin/env bash
# oracle_risk_scoring.sh - runs tests/oracle/risk_scoring.sh (seed 002's
# risk scoring view against the sqlite3 shell) on 20,000 generated
# transactions as part of the quick suite; run the oracle script by hand
# for larger inputs.
exec bash "$(dirname "$0")/../oracle/risk_scoring.sh" 20000
