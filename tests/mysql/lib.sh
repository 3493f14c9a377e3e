#!/usr/bin/env bash
# lib.sh - sourced by tests/mysql/*.sh (not a test itself): start a private
# MariaDB server on loopback with its data directory in a temporary
# directory, create the database and users, run SQL through the `mariadb`
# CLI, and stop everything at exit.
#
#   . "$(dirname "$0")/lib.sh"
#   mysql_start                 # server up; $MY_PORT, $MY_SOCK, $T set
#   my_sql "SQL"                # as root over the socket, database fsqltest
#   mysql_kill9 / mysql_restart # crash and start again on the same port
#
# A test exits 0 (pass), 77 (skip: no MariaDB server and none could be
# installed from Debian's packages) or anything else (fail).
#
# Credentials: user `fsql` with password $MY_PASS (a random string, so a
# test can grep every output for it), granted everything on `fsqltest`.
# Extra server options: set the array MY_SERVER_ARGS before mysql_start.
# Environment: FSQL (default ./fsql).  FSQL_MYSQL_NO_INSTALL=1 skips
# instead of installing mariadb-server.
set -u

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
FSQL=${FSQL:-$root/fsql}
case "$FSQL" in /*) ;; *) FSQL="$root/${FSQL#./}" ;; esac
export NO_COLOR=1

T=$(mktemp -d /tmp/fsql-mysql.XXXXXX)
MY_DATA=$T/data
MY_SOCK=$T/mysqld.sock
MY_PID=$T/mysqld.pid
MY_LOG=$T/mysqld.err
MY_PORT=
MY_DB=fsqltest
MY_USER=fsql
MY_PASS="pw-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export MY_PASS

fail() {
    echo "FAIL: $*"
    exit 1
}

skip() {
    echo "$*"
    exit 77
}

expect_in() { # expect_in TEXT NEEDLE WHAT
    case "$1" in
    *"$2"*) ;;
    *) fail "$3: expected to find \"$2\" in: $1" ;;
    esac
}

# The server binary (in /usr/sbin, often not on a user's PATH).
mysql_find() {
    MYSQLD=$(command -v mariadbd || command -v mysqld || true)
    [ -z "$MYSQLD" ] && [ -x /usr/sbin/mariadbd ] && MYSQLD=/usr/sbin/mariadbd
    [ -z "$MYSQLD" ] && [ -x /usr/sbin/mysqld ] && MYSQLD=/usr/sbin/mysqld
    MYSQL_INSTALL_DB=$(command -v mariadb-install-db || command -v mysql_install_db || true)
    MYSQL_CLI=$(command -v mariadb || command -v mysql || true)
    MYSQL_ADMIN=$(command -v mariadb-admin || command -v mysqladmin || true)
    [ -n "$MYSQLD" ] && [ -n "$MYSQL_INSTALL_DB" ] && [ -n "$MYSQL_CLI" ] &&
        [ -n "$MYSQL_ADMIN" ]
}

mysql_install() {
    [ "${FSQL_MYSQL_NO_INSTALL:-0}" = 1 ] && return 1
    command -v apt-get >/dev/null 2>&1 || return 1
    [ "$(id -u)" = 0 ] || return 1
    echo "installing mariadb-server mariadb-client (Debian packages)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends mariadb-server mariadb-client >/dev/null 2>&1 ||
        { DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
                --no-install-recommends mariadb-server mariadb-client \
                >/dev/null 2>&1; }
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Start mariadbd on the data directory and wait until it answers.
mysql_launch() {
    local user_opt=()
    [ "$(id -u)" = 0 ] && user_opt=(--user=root)
    "$MYSQLD" --no-defaults --datadir="$MY_DATA" --socket="$MY_SOCK" \
        --port="$MY_PORT" --bind-address=127.0.0.1 --pid-file="$MY_PID" \
        --log-error="$MY_LOG" --skip-log-bin --skip-name-resolve \
        --innodb-buffer-pool-size=64M --innodb-log-file-size=16M \
        --innodb-flush-log-at-trx-commit=2 --max-connections=200 \
        "${user_opt[@]}" ${MY_SERVER_ARGS[@]+"${MY_SERVER_ARGS[@]}"} \
        >/dev/null 2>&1 </dev/null &
    MY_SERVER_PID=$!
    local i
    for i in $(seq 1 300); do
        if "$MYSQL_ADMIN" --no-defaults -S "$MY_SOCK" -uroot ping >/dev/null 2>&1; then
            return 0
        fi
        kill -0 "$MY_SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "mariadbd did not start; its log:" >&2
    tail -n 20 "$MY_LOG" >&2
    return 1
}

mysql_start() {
    command -v python3 >/dev/null || skip "python3 is needed to pick a free port"
    if ! mysql_find; then
        mysql_install || true
        mysql_find || skip "mariadb-server is not installed and could not be installed"
    fi
    "$MYSQL_INSTALL_DB" --no-defaults --datadir="$MY_DATA" \
        --auth-root-authentication-method=normal --skip-test-db \
        $([ "$(id -u)" = 0 ] && echo --user=root) >"$T/install.log" 2>&1 ||
        { cat "$T/install.log"; fail "mariadb-install-db failed"; }
    MY_PORT=$(free_port)
    mysql_launch || fail "could not start mariadbd"
    my_root_sql "CREATE DATABASE $MY_DB;
        CREATE USER '$MY_USER'@'%' IDENTIFIED BY '$MY_PASS';
        GRANT ALL ON $MY_DB.* TO '$MY_USER'@'%';" ||
        fail "could not create the test database"
    MY_URL="jdbc:mysql://127.0.0.1:$MY_PORT/$MY_DB"
    export MY_URL MY_PORT MY_USER
}

mysql_stop() {
    if [ -n "${MY_SERVER_PID:-}" ] && kill -0 "$MY_SERVER_PID" 2>/dev/null; then
        kill "$MY_SERVER_PID" 2>/dev/null
        local i
        for i in $(seq 1 100); do
            kill -0 "$MY_SERVER_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$MY_SERVER_PID" 2>/dev/null
        wait "$MY_SERVER_PID" 2>/dev/null
    fi
    MY_SERVER_PID=
}

mysql_kill9() {
    [ -n "${MY_SERVER_PID:-}" ] && kill -9 "$MY_SERVER_PID" 2>/dev/null
    wait "$MY_SERVER_PID" 2>/dev/null
    MY_SERVER_PID=
}

mysql_restart() {
    mysql_launch || fail "could not restart mariadbd"
}

cleanup() {
    mysql_stop
    rm -rf "$T"
}
trap cleanup EXIT

my_root_sql() { # SQL as root over the socket
    "$MYSQL_CLI" --no-defaults -S "$MY_SOCK" -uroot -e "$1"
}

my_sql() { # SQL in the test database, tab-separated, no headers
    "$MYSQL_CLI" --no-defaults -S "$MY_SOCK" -uroot -N -B "$MY_DB" -e "$1"
}

# The WITH options that reach the test database as user fsql, with the
# password from the environment (never written into a script).
my_with() { # my_with TABLE-NAME [MORE OPTIONS]
    printf "'connector' = 'jdbc', 'url' = '%s', 'table-name' = '%s', 'username' = '%s', 'password' = '\${MY_PASS}'%s" \
        "$MY_URL" "$1" "$MY_USER" "${2:+, $2}"
}
