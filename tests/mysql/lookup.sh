#!/usr/bin/env bash
# lookup.sh - lookup joins against a real MariaDB server (jdbc:mysql:):
# hits, misses, LEFT vs INNER, non-unique and composite keys, NULL keys,
# keys with quotes and SQL text (bound, never spliced), the MySQL type to
# column type mapping, batch sizes 1 / 64 / async giving the same rows,
# cache expiry on the deterministic test clock, missing keys with and
# without cache-missing-key, errors before any row is read (wrong
# password, missing table, missing column), and the password never
# appearing in any output or in EXPLAIN.
. "$(dirname "$0")/lib.sh"
mysql_start

ALL_OUT=$T/all-output.txt # every stdout/stderr of fsql, for the password check
: >"$ALL_OUT"

# runin ARGS...: run fsql inside $T; sets rc, out, err.
runin() {
    (cd "$T" && "$FSQL" "$@" >out.txt 2>err.txt)
    rc=$?
    out=$(cat "$T/out.txt")
    err=$(cat "$T/err.txt")
    cat "$T/out.txt" "$T/err.txt" >>"$ALL_OUT"
}

my_sql "
CREATE TABLE users (id BIGINT PRIMARY KEY, name VARCHAR(100), score DECIMAL(5,2),
    ts DATETIME(3), opens TIME(3), born DATE, ok TINYINT(1), ratio DOUBLE,
    big BIGINT UNSIGNED, stamp TIMESTAMP(3) NULL, KEY (name));
INSERT INTO users VALUES
    (1, 'ann', 1.50, '2024-01-01 10:00:00', '09:00:00', '1990-05-01', 1, 0.5, 7, '2024-01-01 00:00:00'),
    (2, 'o''neil', 2, '2024-01-01 10:00:00.123', '08:30', '1985-12-31', 0, 2, NULL, NULL),
    (3, 'x''); DROP TABLE users; --', 3.25, '2024-01-01 12:00:00.5', NULL, NULL, NULL, NULL, NULL, NULL),
    (4, NULL, 12.34, NULL, '23:59:59.999', NULL, 1, 0.1, 18446744073709551615, NULL),
    (5, ''' OR ''1''=''1', 0.01, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
CREATE TABLE tags (uid BIGINT, region VARCHAR(10), tag VARCHAR(20), KEY (uid, region));
INSERT INTO tags VALUES (1, 'eu', 'gold'), (1, 'eu', 'early'),
    (1, 'us', 'travel'), (2, 'eu', 'new'), (NULL, 'eu', 'orphan');
"

cat >"$T/ev.jsonl" <<'EOF'
{"id": 1, "uid": 1, "name": "ann", "region": "eu"}
{"id": 2, "uid": 2, "name": "o'neil", "region": "us"}
{"id": 3, "uid": 3, "name": "x'); DROP TABLE users; --", "region": "eu"}
{"id": 4, "uid": null, "name": null, "region": "eu"}
{"id": 5, "uid": 9, "name": "nobody", "region": "eu"}
{"id": 6, "uid": 4, "name": "' OR '1'='1", "region": null}
{"id": 7, "uid": 1, "name": "ANN", "region": "us"}
{"id": 8, "uid": 5, "name": "' OR 1=1 --", "region": "eu"}
EOF

# tables.sql with the lookup options $1 on every dimension table.
write_tables() {
    cat >"$T/tables.sql" <<EOF
CREATE TABLE ev (id BIGINT, uid BIGINT, name STRING, region STRING,
    ts AS TIMESTAMP '2024-01-01 00:00:00', WATERMARK FOR ts AS ts)
WITH ('connector' = 'filesystem', 'path' = 'ev.jsonl', 'format' = 'json');
CREATE TABLE users (id BIGINT, name STRING, score DECIMAL(5, 2),
    ts TIMESTAMP(3), opens TIME(3), born DATE, ok BOOLEAN, ratio DOUBLE,
    big DECIMAL(20, 0), stamp TIMESTAMP_LTZ(3))
WITH ($(my_with users "'lookup.cache.max-rows' = '100'${1:+, $1}"));
CREATE TABLE tags (uid BIGINT, region STRING, tag STRING)
WITH ($(my_with tags "$1"));
EOF
}

cat >"$T/job.sql" <<'EOF'
CREATE TABLE by_id (id BIGINT, name STRING, score DECIMAL(5, 2),
    ts TIMESTAMP(3), opens TIME(3), born DATE, ok BOOLEAN, ratio DOUBLE,
    big DECIMAL(20, 0), stamp TIMESTAMP_LTZ(3))
WITH ('connector' = 'print', 'print-identifier' = 'left-by-id');
CREATE TABLE by_name (id BIGINT, uid BIGINT)
WITH ('connector' = 'print', 'print-identifier' = 'inner-by-name');
CREATE TABLE tagged (id BIGINT, tag STRING)
WITH ('connector' = 'print', 'print-identifier' = 'non-unique');
CREATE TABLE comp (id BIGINT, tag STRING)
WITH ('connector' = 'print', 'print-identifier' = 'composite');
INSERT INTO by_id SELECT e.id, u.name, u.score, u.ts, u.opens, u.born, u.ok,
    u.ratio, u.big, u.stamp
FROM ev e LEFT JOIN users FOR SYSTEM_TIME AS OF e.ts AS u ON e.uid = u.id;
INSERT INTO by_name SELECT e.id, u.id
FROM ev e JOIN users FOR SYSTEM_TIME AS OF e.ts AS u ON e.name = u.name;
INSERT INTO tagged SELECT e.id, t.tag
FROM ev e LEFT JOIN tags FOR SYSTEM_TIME AS OF e.ts AS t ON e.uid = t.uid;
INSERT INTO comp SELECT e.id, t.tag
FROM ev e JOIN tags FOR SYSTEM_TIME AS OF e.ts AS t
    ON e.uid = t.uid AND e.region = t.region;
EOF

cat >"$T/want.txt" <<'EOF'
left-by-id> +I[1, ann, 1.50, 2024-01-01T10:00, 09:00, 1990-05-01, true, 0.5, 7, 2024-01-01T00:00:00Z]
left-by-id> +I[2, o'neil, 2.00, 2024-01-01T10:00:00.123, 08:30, 1985-12-31, false, 2.0, null, null]
left-by-id> +I[3, x'); DROP TABLE users; --, 3.25, 2024-01-01T12:00:00.500, null, null, null, null, null, null]
left-by-id> +I[4, null, null, null, null, null, null, null, null, null]
left-by-id> +I[5, null, null, null, null, null, null, null, null, null]
left-by-id> +I[6, null, 12.34, null, 23:59:59.999, null, true, 0.1, 18446744073709551615, null]
left-by-id> +I[7, ann, 1.50, 2024-01-01T10:00, 09:00, 1990-05-01, true, 0.5, 7, 2024-01-01T00:00:00Z]
left-by-id> +I[8, ' OR '1'='1, 0.01, null, null, null, null, null, null, null]
inner-by-name> +I[1, 1]
inner-by-name> +I[2, 2]
inner-by-name> +I[3, 3]
inner-by-name> +I[6, 5]
non-unique> +I[1, gold]
non-unique> +I[1, early]
non-unique> +I[1, travel]
non-unique> +I[2, new]
non-unique> +I[3, null]
non-unique> +I[4, null]
non-unique> +I[5, null]
non-unique> +I[6, null]
non-unique> +I[7, gold]
non-unique> +I[7, early]
non-unique> +I[7, travel]
non-unique> +I[8, null]
composite> +I[1, gold]
composite> +I[1, early]
composite> +I[7, travel]
EOF

# The same rows one key at a time, batched (default), and batched over a
# pool of connections; and with no cache at all.
for opts in "" "'lookup.batch-size' = '1'" \
    "'lookup.async' = 'true', 'lookup.async.connections' = '3', 'lookup.batch-size' = '2'" \
    "'lookup.cache' = 'NONE'"; do
    write_tables "$opts"
    FSQL_LOOKUP_STATS=1 runin run -i tables.sql job.sql
    [ "$rc" = 0 ] || fail "lookup job ($opts) exited $rc: $err"
    diff -u "$T/want.txt" "$T/out.txt" || fail "lookup results differ ($opts)"
done
# Row ids of the non-unique keys come in the table's order; the injection
# keys found their rows literally, and the table is still there.
[ "$(my_sql 'SELECT COUNT(*) FROM users')" = 5 ] || fail "users table changed"

# Counters of the default options: by id, keys 1 2 3 9 4 1 5 are probed
# in one chunk; the distinct misses (1 2 3 9 4 5) go in one query.
write_tables ""
FSQL_LOOKUP_STATS=1 runin run -i tables.sql job.sql
expect_in "$err" "lookup users (mysql): calls 1, keys 6, queries 1, retries 0" \
    "one query for the distinct misses of a chunk"
write_tables "'lookup.batch-size' = '1'"
FSQL_LOOKUP_STATS=1 runin run -i tables.sql job.sql
expect_in "$err" "lookup users (mysql): calls 1, keys 6, queries 6, retries 0" \
    "one query per key with lookup.batch-size 1"

# ---- cache expiry, cache-missing-key (test clock: 1 ms per probe row) ---
# 150 rows of key 1 and 150 of key 9 (no row), alternating in runs of 10.
: >"$T/rep.jsonl"
for i in $(seq 0 299); do
    printf '{"id":%d,"uid":%d}\n' "$i" $(((i / 10) % 2 == 0 ? 1 : 9)) >>"$T/rep.jsonl"
done
ttl_job() { # ttl_job MISSING-KEY
    cat >"$T/ttl.sql" <<EOF
CREATE TABLE ev (id BIGINT, uid BIGINT, ts AS TIMESTAMP '2024-01-01 00:00:00',
    WATERMARK FOR ts AS ts)
WITH ('connector' = 'filesystem', 'path' = 'rep.jsonl', 'format' = 'json');
CREATE TABLE users (id BIGINT, name STRING)
WITH ($(my_with users "'lookup.cache' = 'PARTIAL', 'lookup.partial-cache.max-rows' = '10', 'lookup.partial-cache.expire-after-write' = '100 ms', 'lookup.partial-cache.cache-missing-key' = '$1'"));
SELECT COUNT(*) AS n, COUNT(u.name) AS named
FROM ev e LEFT JOIN users FOR SYSTEM_TIME AS OF e.ts AS u ON e.uid = u.id;
EOF
    FSQL_TEST_LOOKUP_CLOCK_STEP_MS=1 FSQL_LOOKUP_STATS=1 \
        runin run --output changelog ttl.sql
    [ "$rc" = 0 ] || fail "ttl job exited $rc: $err"
}
ttl_job true
expect_in "$out" "150" "ttl job: key 1 rows joined"
# Chunks of 64 rows; an entry written at the end of chunk c expires 100
# probe rows later: keys are loaded in chunks 1, 3 and 4 (after expiry) only.
keys_true=$(grep -o 'keys [0-9]*, queries [0-9]*' <<<"$err" | head -n 1)
ttl_job false
keys_false=$(grep -o 'keys [0-9]*, queries [0-9]*' <<<"$err" | head -n 1)
# Without cache-missing-key key 9 is fetched in every chunk that has it.
n_true=${keys_true##* }
n_false=${keys_false##* }
[ "$n_false" -gt "$n_true" ] ||
    fail "cache-missing-key=false should query more ($keys_false vs $keys_true)"
expect_in "$err" "expirations" "ttl counters printed"
exp=$(grep -o 'expirations [0-9]*' <<<"$err" | head -n 1)
[ "${exp##* }" -gt 0 ] || fail "no cache entry expired: $err"

# ---- errors before any row is read -----------------------------------------
write_tables ""
sed -i "s/'password' = '\${MY_PASS}'/'password' = '\${MY_PASS}x'/" "$T/tables.sql"
runin run -i tables.sql job.sql
[ "$rc" = 2 ] || fail "wrong password: want exit 2, got $rc: $err"
expect_in "$err" "could not connect to MySQL server \"127.0.0.1:$MY_PORT\": Access denied for user 'fsql'" \
    "wrong password message"
[ -z "$out" ] || fail "wrong password: rows were printed: $out"

write_tables ""
sed -i "s/'table-name' = 'users'/'table-name' = 'nosuch'/" "$T/tables.sql"
runin run -i tables.sql job.sql
[ "$rc" = 2 ] || fail "missing table: want exit 2, got $rc"
expect_in "$err" "Table '$MY_DB.nosuch' doesn't exist" "missing table message"

write_tables ""
sed -i "s/born DATE, ok/birthday DATE, ok/; s/u.born/u.birthday/" "$T/tables.sql" "$T/job.sql"
runin run -i tables.sql job.sql
[ "$rc" = 2 ] || fail "missing column: want exit 2, got $rc"
expect_in "$err" "Unknown column 'birthday'" "missing column message"
sed -i "s/u.birthday/u.born/" "$T/job.sql"

# A value that does not fit the declared type fails the job with the
# table, column and value.
my_sql "CREATE TABLE bad (id BIGINT, n VARCHAR(10)); INSERT INTO bad VALUES (1, 'abc');"
cat >"$T/bad.sql" <<EOF
CREATE TABLE ev (id BIGINT, uid BIGINT, ts AS TIMESTAMP '2024-01-01 00:00:00',
    WATERMARK FOR ts AS ts)
WITH ('connector' = 'filesystem', 'path' = 'rep.jsonl', 'format' = 'json');
CREATE TABLE bad (id BIGINT, n INT) WITH ($(my_with bad));
SELECT e.id, b.n FROM ev e JOIN bad FOR SYSTEM_TIME AS OF e.ts AS b ON e.uid = b.id;
EOF
runin run bad.sql
[ "$rc" = 2 ] || fail "bad value: want exit 2, got $rc"
expect_in "$err" "table \"bad\", column \"n\": 'abc' is not a valid integer" \
    "bad value message"

# ---- EXPLAIN and DESCRIBE hide the password ---------------------------------
write_tables ""
runin explain -i tables.sql job.sql
[ "$rc" = 0 ] || fail "explain exited $rc: $err"
runin -i tables.sql -e "DESCRIBE users"

# ---- the password appears nowhere -------------------------------------------
if grep -qF -- "$MY_PASS" "$ALL_OUT"; then
    grep -nF -- "$MY_PASS" "$ALL_OUT" | head -n 5
    fail "the password appears in fsql's output"
fi
echo "ok"
