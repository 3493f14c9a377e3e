#!/usr/bin/env bash
# tls.sh - connection.tls.mode against a MariaDB server with a certificate
# made here (openssl): REQUIRED and VERIFY_CA (with the right CA) connect
# and look rows up; VERIFY_CA with another CA fails at open; REQUIRED
# against a server without TLS fails at open with a clear message.
. "$(dirname "$0")/lib.sh"
command -v openssl >/dev/null || skip "openssl not installed"

# A CA, a server certificate signed by it, and an unrelated CA.
mkdir -p "$T/pki"
(
    cd "$T/pki" || exit 1
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=fsql test CA" \
        -keyout ca.key -out ca.pem
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
        -keyout server.key -out server.csr
    printf 'subjectAltName=IP:127.0.0.1\n' >ext.cnf
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
        -days 2 -extfile ext.cnf -out server.pem
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=other CA" \
        -keyout other.key -out other.pem
) >/dev/null 2>&1 || fail "could not make certificates"
MY_SERVER_ARGS=(--ssl-ca="$T/pki/ca.pem" --ssl-cert="$T/pki/server.pem"
    --ssl-key="$T/pki/server.key")
mysql_start
[ "$(my_sql "SHOW VARIABLES LIKE 'have_ssl'" | cut -f2)" = YES ] ||
    skip "this mariadbd build does not enable TLS"

my_sql "CREATE TABLE users (id BIGINT PRIMARY KEY, name VARCHAR(20));
    INSERT INTO users VALUES (1, 'ann');"
printf '{"id":1,"uid":1}\n{"id":2,"uid":2}\n' >"$T/ev.jsonl"
job() { # job TLS-OPTIONS
    cat >"$T/j.sql" <<SQL
CREATE TABLE ev (id BIGINT, uid BIGINT, ts AS TIMESTAMP '2024-01-01 00:00:00',
    WATERMARK FOR ts AS ts)
WITH ('connector' = 'filesystem', 'path' = 'ev.jsonl', 'format' = 'json');
CREATE TABLE users (id BIGINT, name STRING) WITH ($(my_with users "$1"));
SELECT e.id, u.name FROM ev e LEFT JOIN users FOR SYSTEM_TIME AS OF e.ts AS u
    ON e.uid = u.id;
SQL
    (cd "$T" && "$FSQL" run -q --output changelog j.sql >out.txt 2>err.txt)
    rc=$?
    out=$(cat "$T/out.txt")
    err=$(cat "$T/err.txt")
}
want="+I[1, ann]
+I[2, <NULL>]"
job "'connection.tls.mode' = 'REQUIRED'"
[ "$rc" = 0 ] && [ "$out" = "$want" ] || fail "TLS REQUIRED: exit $rc: $out $err"
job "'connection.tls.mode' = 'VERIFY_CA', 'connection.tls.ca' = '$T/pki/ca.pem'"
[ "$rc" = 0 ] && [ "$out" = "$want" ] || fail "TLS VERIFY_CA: exit $rc: $out $err"
job "'connection.tls.mode' = 'VERIFY_CA', 'connection.tls.ca' = '$T/pki/other.pem'"
[ "$rc" = 2 ] || fail "TLS VERIFY_CA with another CA: want exit 2, got $rc: $out"
expect_in "$err" "could not connect to MySQL server" "wrong CA message"

# The same server without TLS: REQUIRED fails, PREFERRED connects.
mysql_stop
MY_SERVER_ARGS=()
mysql_restart
job "'connection.tls.mode' = 'REQUIRED'"
[ "$rc" = 2 ] || fail "TLS REQUIRED without server TLS: want exit 2, got $rc"
expect_in "$err" "the server does not offer TLS" "no-TLS message"
job ""
[ "$rc" = 0 ] && [ "$out" = "$want" ] || fail "TLS PREFERRED without server TLS: exit $rc: $err"
echo "ok"
