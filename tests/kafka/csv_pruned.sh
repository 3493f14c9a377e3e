#!/usr/bin/env bash
# csv_pruned.sh - csv maps fields by position: a scan that reads only some
# columns of the declared table still decodes every field of the record
# (value.format = csv, and key.format = csv with EXCEPT_KEY), including
# with metadata columns between the physical ones.
. "$(dirname "$0")/lib.inc"
kafka_init
mock_start --topic c:1 --topic ck:1

printf '1,alpha,2.5,x\n2,beta,3,y\n' | produce c 0
cat >"$tmp/job.sql" <<SQL
CREATE TABLE c (id BIGINT, name STRING, p INT METADATA FROM 'partition' VIRTUAL,
    score DOUBLE, tag STRING)
WITH ($(kafka_with c "'format' = 'csv', 'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset'"));
SELECT tag, id FROM c;
SELECT score, p FROM c WHERE name = 'beta';
SQL
fsql_run "$tmp/job.sql" --output csv
[ "$rc" = 0 ] || fail "pruned csv value: exit $rc"
want=$(printf 'tag,id\nx,1\ny,2\nscore,p\n3.0,0')
[ "$(cat "$tmp/run.out")" = "$want" ] || fail "pruned csv value read $(cat "$tmp/run.out")"

# Key and value both csv (EXCEPT_KEY): the key holds k1,k2, the value the rest.
printf '7,a|seven,70\n8,b|eight,80\n' | produce ck 0 -K '|'
cat >"$tmp/job.sql" <<SQL
CREATE TABLE ck (k1 BIGINT, k2 STRING, name STRING, score INT)
WITH ($(kafka_with ck "'key.format' = 'csv', 'key.fields' = 'k1;k2', 'value.format' = 'csv', 'value.fields-include' = 'EXCEPT_KEY', 'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset'"));
SELECT k2, score FROM ck;
SQL
fsql_run "$tmp/job.sql" --output csv
[ "$rc" = 0 ] || fail "pruned csv key/value: exit $rc"
want=$(printf 'k2,score\na,70\nb,80')
[ "$(cat "$tmp/run.out")" = "$want" ] || fail "pruned csv key/value read $(cat "$tmp/run.out")"
echo "ok: pruned csv scans (value, key and value, metadata between columns)"
