#!/usr/bin/env bash
# match_partitions.sh - MATCH_RECOGNIZE frees the state of partitions that
# hold no partial match, also when the pattern uses PREV, `^` or
# MATCH_NUMBER() (issue 7).  fsql's transaction generator with 50,000 and
# then 200,000 users (4 rows per user, so nearly every user is a
# partition that goes idle); the peak RSS growth per extra user must stay
# under a bound for each kind of pattern:
#   prev     PATTERN (S D+), D AS amount < PREV(amount): PREV stays inside
#            the match, so idle partitions are dropped: (almost) flat;
#   number   MATCH_NUMBER(): an idle partition keeps its counter and row
#            count in a compact entry (FSQL_MATCH_STATS reports its bytes);
#   start    PATTERN (^ A B): the same compact entry ("saw a row");
#   history  PREV before the match (A AS ... PREV(amount) > 0, A first):
#            one row of history per partition.
# Before this was done every partition of these patterns was kept with a
# four-row ring (about 550 bytes per user, all four kinds).
. "$(dirname "$0")/lib.bash"

[ -x /usr/bin/time ] || { echo "needs /usr/bin/time"; exit 77; }
case "$(ASAN_OPTIONS=help=1 "$FSQL" --version 2>&1)" in
*AddressSanitizer*) echo "RSS means nothing under ASan"; exit 77 ;;
esac

job() { # job USERS KIND
    local meas="COUNT(*) AS n" pat def
    case $2 in
    prev) pat="S D+" def="S AS amount > 900, D AS amount < PREV(amount)" ;;
    number) meas="MATCH_NUMBER() AS n" pat="A B"
        def="A AS amount < 10, B AS amount > 990" ;;
    start) pat="^ A B" def="A AS amount < 10, B AS amount > 990" ;;
    history) pat="A B"
        def="A AS amount < 10 AND PREV(amount) > 0, B AS amount > 990" ;;
    esac
    cat <<EOF2
CREATE TEMPORARY TABLE tx (
    transaction_id BIGINT, user_id BIGINT, amount DECIMAL(15, 2),
    location STRING, transaction_time TIMESTAMP(3),
    WATERMARK FOR transaction_time AS transaction_time - INTERVAL '1' SECOND
) WITH (
    'connector' = 'datagen', 'generator' = 'transactions',
    'number-of-rows' = '$(($1 * 4))', 'generator.users' = '$1',
    'generator.seed' = '7', 'generator.time-step' = '1 ms'
);
CREATE TABLE out (user_id BIGINT, n BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO out SELECT user_id, n FROM tx MATCH_RECOGNIZE (
    PARTITION BY user_id ORDER BY transaction_time
    MEASURES $meas
    AFTER MATCH SKIP PAST LAST ROW
    PATTERN ($pat) DEFINE $def
) m;
EOF2
}

rss() { # rss USERS KIND -> KiB
    job "$1" "$2" >"$T/job.sql"
    FSQL_MATCH_STATS=1 /usr/bin/time -f '%M' -o "$T/time" \
        "$FSQL" run "$T/job.sql" >/dev/null 2>"$T/err" ||
        fail "$2: fsql run failed: $(cat "$T/err")"
    tail -n 1 "$T/time"
}

check() { # check KIND MAX-BYTES-PER-USER
    local s b per
    s=$(rss 50000 "$1")
    b=$(rss 200000 "$1")
    per=$(((b - s) * 1024 / 150000))
    echo "$1: 50k users ${s} KiB, 200k users ${b} KiB: $per bytes per user" \
        "($(grep -o 'idle partitions.*' "$T/err"))"
    [ "$per" -le "$2" ] || fail "$1: $per bytes per user (at most $2)"
}

check prev 40
check number 250
check start 250
check history 450
exit $((failures > 0))
