#!/usr/bin/env bash
# headers.sh - the 'headers' metadata column declared STRING (the headers
# as a JSON object text; headers_map.sh covers Flink's MAP<STRING, BYTES>)
# read by the source and written by the sink, with the 'timestamp'
# metadata column written too; kcat produces the input headers and reads
# the output's headers and timestamps back.
. "$(dirname "$0")/lib.inc"
kafka_init
mock_start --topic hin:1 --topic hout:1
echo '{"id":1}' | produce hin 0 -H trace=abc -H 'q="x"' -H trace=def
echo '{"id":2}' | produce hin 0
echo '{"id":3}' | produce hin 0 -H 'bin=caf\xe9' -H empty=

cat >"$tmp/job.sql" <<EOF
CREATE TABLE src (id BIGINT, hd STRING METADATA FROM 'headers')
WITH ($(kafka_with hin "'format' = 'json',
    'scan.startup.mode' = 'earliest-offset',
    'scan.bounded.mode' = 'latest-offset'"));
CREATE TABLE dst (id BIGINT, tr STRING, hd STRING METADATA FROM 'headers',
    ts TIMESTAMP_LTZ(3) METADATA FROM 'timestamp')
WITH ($(kafka_with hout "'format' = 'json'"));
INSERT INTO dst
SELECT id, REGEXP_EXTRACT(hd, '"trace":"([^"]*)"', 1), hd,
       TO_TIMESTAMP_LTZ(1700000000000 + id, 3)
FROM src;
EOF
fsql_run "$tmp/job.sql"
[ "$rc" -eq 0 ] || fail "run failed (rc $rc)"
consume hout -f '%T|%h|%s\n' >"$tmp/got"
cat >"$tmp/want" <<'EOF'
1700000000001|q="x",trace=def|{"id":1,"tr":"def"}
1700000000002||{"id":2,"tr":null}
1700000000003|bin=caf\xe9,empty=|{"id":3,"tr":null}
EOF
diff "$tmp/want" "$tmp/got" >/dev/null || fail "output differs: $(diff "$tmp/want" "$tmp/got")"

# A non-object headers value fails the job, naming it.
cat >"$tmp/bad.sql" <<EOF
CREATE TABLE dst (id BIGINT, hd STRING METADATA FROM 'headers')
WITH ($(kafka_with hout "'format' = 'json'"));
INSERT INTO dst VALUES (9, 'not json');
EOF
fsql_run "$tmp/bad.sql"
[ "$rc" -ne 0 ] && grep -q 'headers column holds "not json"' "$tmp/run.err" ||
    fail "a bad headers value was not reported (rc $rc)"

echo "ok: headers read and written"
