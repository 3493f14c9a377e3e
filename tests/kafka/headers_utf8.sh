#!/usr/bin/env bash
# headers_utf8.sh - header names (always STRING) and header values read
# into a MAP<STRING, STRING> must be valid UTF-8, as a json string field
# must: a record whose headers are not fails the job naming topic,
# partition and offset, unless the value format ignores parse errors, when
# the headers column is NULL for that record (the json format's policy for
# a field that does not convert).  In a MAP<STRING, BYTES> the values are
# bytes and anything goes; only the names are checked.  kcat (the
# independent client) produces the records, -H with raw bytes.
. "$(dirname "$0")/lib.inc"
kafka_init
mock_start --topic hu:1 --topic hn:1
bad=$(printf '\xe9')
echo '{"id":1}' | produce hu 0 -H k=plain
echo '{"id":2}' | produce hu 0 -H "k=caf$bad"
echo '{"id":3}' | produce hu 0 -H k=ok
echo '{"id":1}' | produce hn 0 -H k=plain
echo '{"id":2}' | produce hn 0 -H "caf$bad=x"
echo '{"id":3}' | produce hn 0 -H k=ok

src() { # src TOPIC MAPTYPE [extra options]
    cat <<EOF
CREATE TABLE src (id BIGINT, hd $2 METADATA FROM 'headers')
WITH ($(kafka_with "$1" "'format' = 'json',
    'scan.startup.mode' = 'earliest-offset',
    'scan.bounded.mode' = 'latest-offset'${3:+,
    $3}"));
SELECT id, hd FROM src;
EOF
}

# 1. MAP<STRING, STRING>, a value that is not UTF-8 (offset 1): the job
# fails naming the record and the header; the row before it is still out.
src hu 'MAP<STRING, STRING>' >"$tmp/a.sql"
fsql_run "$tmp/a.sql"
[ "$rc" -ne 0 ] || fail "a non-UTF-8 STRING header value was accepted"
grep -qF 'topic "hu", partition 0, offset 1 (record headers): header "k": the value is not valid UTF-8 (column type MAP<STRING, STRING>)' \
    "$tmp/run.err" || fail "unexpected error: $(cat "$tmp/run.err")"
grep -qF '{"id":1,"hd":{"k":"plain"}}' "$tmp/run.out" ||
    fail "the row before the bad record is missing: $(cat "$tmp/run.out")"
grep -q '"id":[23]' "$tmp/run.out" &&
    fail "rows at or after the bad record came out: $(cat "$tmp/run.out")"

# 2. The same with json.ignore-parse-errors: that record's map is NULL,
# the others are read.
src hu 'MAP<STRING, STRING>' "'json.ignore-parse-errors' = 'true'" >"$tmp/b.sql"
fsql_run "$tmp/b.sql"
[ "$rc" -eq 0 ] || fail "ignore-parse-errors run failed: $(cat "$tmp/run.err")"
printf '%s\n' '{"id":1,"hd":{"k":"plain"}}' '{"id":2,"hd":null}' \
    '{"id":3,"hd":{"k":"ok"}}' >"$tmp/want"
diff "$tmp/want" "$tmp/run.out" >/dev/null ||
    fail "ignore-parse-errors output differs: $(diff "$tmp/want" "$tmp/run.out")"

# 3. MAP<STRING, BYTES>: the value is bytes (base64 63 61 66 e9 = Y2Fm6Q==).
src hu 'MAP<STRING, BYTES>' >"$tmp/c.sql"
fsql_run "$tmp/c.sql"
[ "$rc" -eq 0 ] || fail "BYTES map run failed: $(cat "$tmp/run.err")"
printf '%s\n' '{"id":1,"hd":{"k":"cGxhaW4="}}' '{"id":2,"hd":{"k":"Y2Fm6Q=="}}' \
    '{"id":3,"hd":{"k":"b2s="}}' >"$tmp/want"
diff "$tmp/want" "$tmp/run.out" >/dev/null ||
    fail "BYTES map output differs: $(diff "$tmp/want" "$tmp/run.out")"

# 4. A header name that is not UTF-8 fails a MAP<STRING, BYTES> too (its
# keys are STRING); the name is quoted up to the first odd byte.
src hn 'MAP<STRING, BYTES>' >"$tmp/d.sql"
fsql_run "$tmp/d.sql"
[ "$rc" -ne 0 ] || fail "a non-UTF-8 header name was accepted"
grep -qF 'topic "hn", partition 0, offset 1 (record headers): header "caf...": the name is not valid UTF-8 (column type MAP<STRING, BYTES>)' \
    "$tmp/run.err" || fail "unexpected error: $(cat "$tmp/run.err")"
echo "ok: header names and STRING header values are checked for UTF-8"
