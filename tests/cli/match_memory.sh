#!/usr/bin/env bash
# match_memory.sh - MATCH_RECOGNIZE memory stays bounded on a stream where
# `A+ B` keeps almost matching (issue 7): 1,000 users of fsql's
# transaction generator, B never holds, so every user always has partial
# matches open.
#   1. A AS amount < 200: runs of A are broken by larger amounts (no
#      WITHIN); each break ends the run's partial matches.
#   2. A AS amount < 100000 (practically every row): runs never break, and
#      WITHIN INTERVAL '1' MINUTE ends them.
# Each runs over 200,000 and 2,000,000 rows; the peak RSS (/usr/bin/time)
# and the operator's peak path nodes and retained rows (FSQL_MATCH_STATS)
# of the large run must stay within 25% (plus 4 MiB of RSS) of the small
# one's.
. "$(dirname "$0")/lib.bash"

[ -x /usr/bin/time ] || { echo "needs /usr/bin/time"; exit 77; }

# Under AddressSanitizer (make asan) freed memory sits in ASan's quarantine
# (256 MiB), so the peak RSS says nothing; the node and row counts are
# still checked.
sanitized=0
case "$(ASAN_OPTIONS=help=1 "$FSQL" --version 2>&1)" in
*AddressSanitizer*) sanitized=1 ;;
esac

job() { # job ROWS A-CONDITION WITHIN
    cat <<EOF2
CREATE TEMPORARY TABLE tx (
    transaction_id BIGINT, user_id BIGINT, amount DECIMAL(15, 2),
    location STRING, transaction_time TIMESTAMP(3),
    WATERMARK FOR transaction_time AS transaction_time - INTERVAL '5' SECOND
) WITH (
    'connector' = 'datagen', 'generator' = 'transactions',
    'number-of-rows' = '$1', 'generator.users' = '1000',
    'generator.seed' = '7', 'generator.time-step' = '10 ms',
    'generator.out-of-orderness' = '5 s'
);
CREATE TABLE out (user_id BIGINT, n BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO out SELECT user_id, n FROM tx MATCH_RECOGNIZE (
    PARTITION BY user_id ORDER BY transaction_time
    MEASURES COUNT(*) AS n
    PATTERN (A+ B) $3
    DEFINE A AS A.$2, B AS B.amount < 0
) m;
EOF2
}

measure() { # measure ROWS A-CONDITION WITHIN -> "KiB nodes rows"
    job "$@" >"$T/job.sql"
    FSQL_MATCH_STATS=1 /usr/bin/time -f '%M' -o "$T/time" \
        "$FSQL" run "$T/job.sql" >/dev/null 2>"$T/err" || {
        fail "fsql run failed: $(cat "$T/err")"
        echo "0 0 0"
        return
    }
    local nodes rows
    nodes=$(sed -n 's/.*path nodes (peak \([0-9]*\)).*/\1/p' "$T/err")
    rows=$(sed -n 's/.*retained rows (peak \([0-9]*\)).*/\1/p' "$T/err")
    echo "$(tail -n 1 "$T/time") ${nodes:-0} ${rows:-0}"
}

check() { # check NAME A-CONDITION WITHIN
    local s b
    read -r -a s <<<"$(measure 200000 "$2" "$3")"
    read -r -a b <<<"$(measure 2000000 "$2" "$3")"
    echo "$1: 200k rows: ${s[0]} KiB, ${s[1]} nodes, ${s[2]} rows;" \
        "2M rows: ${b[0]} KiB, ${b[1]} nodes, ${b[2]} rows"
    [ "${s[1]}" -gt 0 ] || fail "$1: no statistics"
    [ "$sanitized" = 1 ] || [ "${b[0]}" -le $((s[0] * 5 / 4 + 4096)) ] ||
        fail "$1: peak RSS grew from ${s[0]} to ${b[0]} KiB"
    [ "${b[1]}" -le $((s[1] * 5 / 4 + 100)) ] ||
        fail "$1: path nodes grew from ${s[1]} to ${b[1]}"
    [ "${b[2]}" -le $((s[2] * 5 / 4 + 100)) ] ||
        fail "$1: retained rows grew from ${s[2]} to ${b[2]}"
}

check "broken runs" "amount < 200" ""
check "WITHIN" "amount < 100000" "WITHIN INTERVAL '1' MINUTE"
exit $((failures > 0))
