#!/usr/bin/env bash
# headers_map.sh - the 'headers' metadata column declared MAP<STRING, BYTES>
# as Flink declares it.  kcat (the independent client) produces records
# with headers (a repeated name, a null value, an empty value, non-UTF-8
# bytes); fsql reads them as a map (element access, CARDINALITY, CAST to
# STRING, JSON output with BYTES as base64), and writes a map built in SQL
# and the source's map back as record headers, which kcat reads with %h,
# also through the exactly-once sink (headers kept in its epoch records).
# Wrong declarations are refused naming the column.
. "$(dirname "$0")/lib.inc"
kafka_init
mock_start --topic hin:1 --topic hout:1 --topic hout2:1 --topic hout3:1 \
    --topic hm-progress:1
echo '{"id":1}' | produce hin 0 -H trace=abc -H 'q="x"' -H trace=def -H nul
echo '{"id":2}' | produce hin 0
echo '{"id":3}' | produce hin 0 -H "bin=caf$(printf '\xe9')" -H empty=

# 1. Reading.  Expected rows, derived by hand from the records above:
#   id 1: headers trace=abc, q="x", trace=def, nul (null value).  The
#     repeated 'trace' keeps its first position and its last value (def),
#     so the map is {trace=def, q="x", nul=NULL}: 3 entries; def, "x" in
#     base64 are ZGVm, Ingi; the null value is JSON null.
#   id 2: no headers: an empty map (not NULL), 0 entries, tr NULL.
#   id 3: bin = 63 61 66 e9 (base64 Y2Fm6Q==), empty = 0 bytes ("").
#     CAST(... AS STRING) decodes UTF-8 as Flink does: the lone byte e9
#     becomes U+FFFD.
cat >"$tmp/read.sql" <<EOF
CREATE TABLE src (id BIGINT, hd MAP<STRING, BYTES> METADATA FROM 'headers')
WITH ($(kafka_with hin "'format' = 'json',
    'scan.startup.mode' = 'earliest-offset',
    'scan.bounded.mode' = 'latest-offset'"));
SELECT id, hd, CAST(hd['trace'] AS STRING) AS tr, hd['nope'] IS NULL AS absent,
       CARDINALITY(hd) AS n, CAST(hd AS STRING) AS s,
       CAST(hd['bin'] AS STRING) AS bin
FROM src;
EOF
fsql_run "$tmp/read.sql"
[ "$rc" -eq 0 ] || fail "read run failed (rc $rc)"
printf '%s\n' \
    '{"id":1,"hd":{"trace":"ZGVm","q":"Ingi","nul":null},"tr":"def","absent":true,"n":3,"s":"{trace=def, q=\"x\", nul=NULL}","bin":null}' \
    '{"id":2,"hd":{},"tr":null,"absent":true,"n":0,"s":"{}","bin":null}' \
    "{\"id\":3,\"hd\":{\"bin\":\"Y2Fm6Q==\",\"empty\":\"\"},\"tr\":null,\"absent\":true,\"n\":2,\"s\":\"{bin=caf$(printf '\xef\xbf\xbd'), empty=}\",\"bin\":\"caf$(printf '\xef\xbf\xbd')\"}" \
    >"$tmp/want"
diff "$tmp/want" "$tmp/run.out" >/dev/null ||
    fail "read output differs: $(diff "$tmp/want" "$tmp/run.out")"

# 2. Writing: a map built in SQL (with a NULL value and a number turned
# into bytes) and the source's own map passed through.  kcat prints
# headers as name=value joined by ',' and a null value as NULL.
cat >"$tmp/write.sql" <<EOF
CREATE TABLE src (id BIGINT, hd MAP<STRING, BYTES> METADATA FROM 'headers')
WITH ($(kafka_with hin "'format' = 'json',
    'scan.startup.mode' = 'earliest-offset',
    'scan.bounded.mode' = 'latest-offset'"));
CREATE TABLE dst (id BIGINT, headers MAP<STRING, BYTES> METADATA)
WITH ($(kafka_with hout "'format' = 'json'"));
CREATE TABLE dst2 (id BIGINT, h MAP<STRING, BYTES> METADATA FROM 'headers')
WITH ($(kafka_with hout2 "'format' = 'json'"));
INSERT INTO dst
SELECT id, MAP['source', CAST('fsql' AS BYTES),
               'id', CAST(CAST(id * 10 AS STRING) AS BYTES),
               'none', CAST(NULL AS BYTES)]
FROM src;
INSERT INTO dst2 SELECT id, hd FROM src;
EOF
fsql_run "$tmp/write.sql"
[ "$rc" -eq 0 ] || fail "write run failed (rc $rc)"
consume hout -f '%h|%s\n' >"$tmp/got"
cat >"$tmp/want" <<'EOF'
source=fsql,id=10,none=NULL|{"id":1}
source=fsql,id=20,none=NULL|{"id":2}
source=fsql,id=30,none=NULL|{"id":3}
EOF
diff "$tmp/want" "$tmp/got" >/dev/null ||
    fail "written headers differ: $(diff "$tmp/want" "$tmp/got")"
# The passed-through map: deduplicated as read, byte 0xe9 intact.
consume hout2 -f '%h|%s\n' >"$tmp/got"
printf '%s\n' 'trace=def,q="x",nul=NULL|{"id":1}' '|{"id":2}' \
    "bin=caf$(printf '\xe9'),empty=|{\"id\":3}" >"$tmp/want"
diff "$tmp/want" "$tmp/got" >/dev/null ||
    fail "passed-through headers differ: $(diff "$tmp/want" "$tmp/got")"

# 2b. The exactly-once sink keeps each record's headers (the map block) for
# its checkpoint blob and produces them in the transaction: the same
# headers come out.
cat >"$tmp/eos.sql" <<EOF
SET 'execution.checkpointing.interval' = '200 ms';
SET 'pipeline.name' = 'hmjob';
CREATE TABLE src (id BIGINT, hd MAP<STRING, BYTES> METADATA FROM 'headers')
WITH ($(kafka_with hin "'format' = 'json',
    'scan.startup.mode' = 'earliest-offset',
    'scan.bounded.mode' = 'latest-offset'"));
CREATE TABLE dst (id BIGINT, hd MAP<STRING, BYTES> METADATA FROM 'headers')
WITH ($(kafka_with hout3 "'format' = 'json',
    'sink.delivery-guarantee' = 'exactly-once',
    'sink.transactional-id-prefix' = 'hm'"));
INSERT INTO dst SELECT id, hd FROM src;
EOF
fsql_run "$tmp/eos.sql" --checkpoint-dir "$tmp/cp"
[ "$rc" -eq 0 ] || fail "exactly-once run failed (rc $rc)"
consume hout3 -f '%h|%s\n' >"$tmp/got"
diff "$tmp/want" "$tmp/got" >/dev/null ||
    fail "exactly-once headers differ: $(diff "$tmp/want" "$tmp/got")"

# 3. MAP<STRING, STRING> is accepted too (the same bytes, typed as text).
# Record id 3's 'bin' header is not UTF-8, which a STRING map refuses
# (tests/kafka/headers_utf8.sh): ignore-parse-errors makes its map NULL.
cat >"$tmp/str.sql" <<EOF
CREATE TABLE src (id BIGINT, hd MAP<STRING, STRING> METADATA FROM 'headers' VIRTUAL)
WITH ($(kafka_with hin "'format' = 'json',
    'json.ignore-parse-errors' = 'true',
    'scan.startup.mode' = 'earliest-offset',
    'scan.bounded.mode' = 'latest-offset'"));
SELECT id, hd['q'] AS q FROM src WHERE id = 1;
EOF
fsql_run "$tmp/str.sql"
[ "$rc" -eq 0 ] && [ "$(cat "$tmp/run.out")" = '{"id":1,"q":"\"x\""}' ] ||
    fail "MAP<STRING, STRING> headers: rc $rc, $(cat "$tmp/run.out")"

# 4. Other MAP types are refused, naming the column.
cat >"$tmp/bad.sql" <<EOF
CREATE TABLE src (id BIGINT, hd MAP<STRING, INT> METADATA FROM 'headers')
WITH ($(kafka_with hin "'format' = 'json',
    'scan.startup.mode' = 'earliest-offset',
    'scan.bounded.mode' = 'latest-offset'"));
SELECT id, hd FROM src;
EOF
fsql_run "$tmp/bad.sql"
[ "$rc" -ne 0 ] &&
    grep -q 'metadata column "hd" (headers) must be declared MAP<STRING, BYTES>' "$tmp/run.err" ||
    fail "MAP<STRING, INT> headers were not refused (rc $rc)"
cat >"$tmp/badw.sql" <<EOF
CREATE TABLE dst (id BIGINT, hd MAP<INT, BYTES> METADATA FROM 'headers')
WITH ($(kafka_with hout "'format' = 'json'"));
INSERT INTO dst VALUES (1, MAP[1, CAST('x' AS BYTES)]);
EOF
fsql_run "$tmp/badw.sql"
[ "$rc" -ne 0 ] &&
    grep -q 'metadata column "hd" (headers) must be declared MAP<STRING, BYTES>' "$tmp/run.err" ||
    fail "MAP<INT, BYTES> sink headers were not refused (rc $rc)"
echo "ok: headers read and written as MAP<STRING, BYTES>"
