#!/usr/bin/env bash
# startup_modes.sh - every scan.startup.mode and scan.bounded.mode of the
# kafka source, on a 2-partition topic with two batches of records
# produced about a second apart (record timestamps are produce times).
. "$(dirname "$0")/lib.inc"
kafka_init
mock_start --topic tx:2

for i in 1 2 3; do echo "{\"id\":$i}"; done | produce tx 0
for i in 4 5; do echo "{\"id\":$i}"; done | produce tx 1
sleep 1.1
t_mid=$(($(date +%s%N) / 1000000))
sleep 0.1
for i in 6 7; do echo "{\"id\":$i}"; done | produce tx 0
echo '{"id":8}' | produce tx 1

# ids START BOUNDED [EXTRA]: the ids a bounded run reads, sorted.
ids() {
    cat >"$tmp/job.sql" <<SQL
CREATE TABLE tx (id BIGINT)
WITH ($(kafka_with tx "'format' = 'json', 'properties.group.id' = '${GROUP:-modes-$RANDOM}', 'scan.startup.mode' = '$1', 'scan.bounded.mode' = '$2'${3:+, $3}"));
SELECT id FROM tx;
SQL
    fsql_run "$tmp/job.sql" --output csv
    [ "$rc" = 0 ] || fail "startup $1, bounded $2: exit $rc"
    tail -n +2 "$tmp/run.out" | sort -n | tr '\n' ' '
}

check() { # check WANT GOT WHAT
    [ "$1" = "$2" ] || fail "$3: got '$2', want '$1'"
}

check "1 2 3 4 5 6 7 8 " "$(ids earliest-offset latest-offset)" "earliest/latest"
check "" "$(ids latest-offset latest-offset)" "latest/latest"
check "6 7 8 " "$(ids timestamp latest-offset "'scan.startup.timestamp-millis' = '$t_mid'")" "timestamp start"
check "1 2 3 4 5 " "$(ids earliest-offset timestamp "'scan.bounded.timestamp-millis' = '$t_mid'")" "timestamp stop"
check "2 3 5 6 7 8 " "$(ids specific-offsets latest-offset "'scan.startup.specific-offsets' = 'partition:0,offset:1;partition:1,offset:1'")" "specific start"
check "1 2 4 " "$(ids earliest-offset specific-offsets "'scan.bounded.specific-offsets' = 'partition:0,offset:2;partition:1,offset:1'")" "specific stop"

# group-offsets: a first run reads everything and commits; a second run
# of the same group reads only what was produced since.
group_run() {
    cat >"$tmp/job.sql" <<SQL
CREATE TABLE tx (id BIGINT)
WITH ($(kafka_with tx "'format' = 'json', 'properties.group.id' = 'resume', 'scan.startup.mode' = 'group-offsets', 'scan.bounded.mode' = 'latest-offset'"));
SELECT id FROM tx;
SQL
    fsql_run "$tmp/job.sql" --output csv
    [ "$rc" = 0 ] || fail "group-offsets run: exit $rc"
    tail -n +2 "$tmp/run.out" | sort -n | tr '\n' ' '
}
check "1 2 3 4 5 6 7 8 " "$(group_run)" "group-offsets, first run"
for i in 9 10; do echo "{\"id\":$i}"; done | produce tx 1
check "9 10 " "$(group_run)" "group-offsets, second run"
check "" "$(group_run)" "group-offsets, third run"
# bounded group-offsets: stop at the committed offsets of another group.
for i in 11 12; do echo "{\"id\":$i}"; done | produce tx 0
check "1 2 3 4 5 6 7 8 9 10 " "$(GROUP=resume ids earliest-offset group-offsets)" "bounded group-offsets"
echo "ok: startup and bounded modes"
