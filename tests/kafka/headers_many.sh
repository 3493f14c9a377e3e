#!/usr/bin/env bash
# headers_many.sh - the 'headers' MAP<STRING, BYTES> column at the edges
# the other headers tests leave out: a record with more headers than the
# small-map path handles (42 headers, two names repeated: the hashed
# de-duplication), a NULL headers map written by the sink (no headers, as
# Flink), a map with a NULL key refused naming the table, and header
# values holding NUL bytes written and read back intact.  kcat (the
# independent client) produces the wide record and reads what fsql wrote.
. "$(dirname "$0")/lib.inc"
kafka_init
mock_start --topic wide:1 --topic nout:1 --topic kout:1

# 1. One record with h0..h39 = v0..v39, then h5=last and h0=again; one
# without headers.  Expected, by hand: 40 entries; h0 keeps its first
# position with its last value (again), h5 likewise (last); h39 = v39.
args=()
for i in $(seq 0 39); do args+=(-H "h$i=v$i"); done
echo '{"id":1}' | produce wide 0 "${args[@]}" -H h5=last -H h0=again
echo '{"id":2}' | produce wide 0
cat >"$tmp/read.sql" <<EOF
CREATE TABLE src (id BIGINT, hd MAP<STRING, BYTES> METADATA FROM 'headers')
WITH ($(kafka_with wide "'format' = 'json',
    'scan.startup.mode' = 'earliest-offset',
    'scan.bounded.mode' = 'latest-offset'"));
SELECT id, CARDINALITY(hd) AS n, CAST(hd['h0'] AS STRING) AS h0,
       CAST(hd['h5'] AS STRING) AS h5, CAST(hd['h39'] AS STRING) AS h39,
       SUBSTRING(CAST(hd AS STRING) FROM 1 FOR 30) AS head
FROM src;
EOF
fsql_run "$tmp/read.sql"
[ "$rc" -eq 0 ] || fail "read run failed (rc $rc): $(cat "$tmp/run.err")"
printf '%s\n' \
    '{"id":1,"n":40,"h0":"again","h5":"last","h39":"v39","head":"{h0=again, h1=v1, h2=v2, h3=v3"}' \
    '{"id":2,"n":0,"h0":null,"h5":null,"h39":null,"head":"{}"}' >"$tmp/want"
diff "$tmp/want" "$tmp/run.out" >/dev/null ||
    fail "wide headers differ: $(diff "$tmp/want" "$tmp/run.out")"

# 2. Writing: id 1 a NULL map (no headers at all), id 2 a value with NUL
# bytes (a, NUL, b: CONCAT with CHR(0)) and a NULL value.  kcat's JSON
# envelope (-J; its %h format stops at a NUL byte) shows no headers for
# id 1 and ["n","a\u0000b","z",null] for id 2.  Reading the topic back
# into fsql gives the bytes again (base64 YQBi).
cat >"$tmp/write.sql" <<EOF
CREATE TABLE dst (id BIGINT, headers MAP<STRING, BYTES> METADATA)
WITH ($(kafka_with nout "'format' = 'json'"));
INSERT INTO dst VALUES
  (1, CAST(NULL AS MAP<STRING, BYTES>)),
  (2, MAP['n', CAST(CONCAT('a', CHR(0), 'b') AS BYTES), 'z', CAST(NULL AS BYTES)]);
EOF
fsql_run "$tmp/write.sql"
[ "$rc" -eq 0 ] || fail "write run failed (rc $rc): $(cat "$tmp/run.err")"
consume nout -J |
    sed -E 's/^.*"offset":([0-9]+),.*"broker":[0-9]+,("headers":\[[^]]*\],)?"key".*$/\1 \2/' \
    >"$tmp/got"
printf '%s\n' '0 ' '1 "headers":["n","a\u0000b","z",null],' >"$tmp/want"
diff "$tmp/want" "$tmp/got" >/dev/null ||
    fail "written headers differ: $(diff "$tmp/want" "$tmp/got")"
cat >"$tmp/back.sql" <<EOF
CREATE TABLE src (id BIGINT, hd MAP<STRING, BYTES> METADATA FROM 'headers')
WITH ($(kafka_with nout "'format' = 'json',
    'scan.startup.mode' = 'earliest-offset',
    'scan.bounded.mode' = 'latest-offset'"));
SELECT id, hd FROM src;
EOF
fsql_run "$tmp/back.sql"
printf '%s\n' '{"id":1,"hd":{}}' '{"id":2,"hd":{"n":"YQBi","z":null}}' >"$tmp/want"
[ "$rc" -eq 0 ] && diff "$tmp/want" "$tmp/run.out" >/dev/null ||
    fail "headers read back differ (rc $rc): $(diff "$tmp/want" "$tmp/run.out")"

# 3. A NULL key cannot be a header name: the job fails naming the table.
cat >"$tmp/nullkey.sql" <<EOF
CREATE TABLE dst (id BIGINT, headers MAP<STRING, BYTES> METADATA)
WITH ($(kafka_with kout "'format' = 'json'"));
INSERT INTO dst VALUES (1, MAP[CAST(NULL AS STRING), CAST('a' AS BYTES)]);
EOF
fsql_run "$tmp/nullkey.sql"
[ "$rc" -ne 0 ] &&
    grep -q 'cannot write table "dst": the headers column holds a NULL key' "$tmp/run.err" ||
    fail "a NULL header name was not refused (rc $rc): $(cat "$tmp/run.err")"
echo "ok: wide header sets, NULL maps, NUL bytes and NULL keys"
