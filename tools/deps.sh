#!/usr/bin/env bash
# deps.sh - make sure the tools and libraries fsql builds and tests with are
# installed; install only what is missing, from Debian's packages.
#
# Idempotent and quiet when everything is present.  Installs with
# `apt-get install -y --no-install-recommends` as root, or through sudo when
# not root; runs `apt-get update` first only when something is missing.
# FSQL_DEPS_DRY_RUN=1 prints what would be installed and installs nothing.
set -euo pipefail

missing=()

need_cmd() { # need_cmd COMMAND PACKAGE
    command -v "$1" >/dev/null 2>&1 || missing+=("$2")
}

need_pc() { # need_pc PKG-CONFIG-NAME PACKAGE
    if ! command -v pkg-config >/dev/null 2>&1 ||
        ! pkg-config --exists "$1" 2>/dev/null; then
        missing+=("$2")
    fi
}

need_file() { # need_file PATH PACKAGE
    [ -e "$1" ] || missing+=("$2")
}

need_cmd gcc gcc
need_cmd make make
need_cmd lemon lemon
need_cmd re2c re2c
need_cmd pkg-config pkg-config
need_cmd clang clang
need_cmd sqlite3 sqlite3
need_cmd kcat kcat
need_cmd python3 python3
need_file /usr/bin/time time  # peak RSS in make bench
need_pc rdkafka librdkafka-dev
need_pc sqlite3 libsqlite3-dev
need_pc libpcre2-8 libpcre2-dev
need_pc nettle nettle-dev
need_pc libmariadb default-libmysqlclient-dev   # jdbc:mysql: (issue 6)
need_pc libedit libedit-dev                     # fsql shell (issue 9)
need_pc libmicrohttpd libmicrohttpd-dev         # /metrics endpoint (issue 10)
need_pc zlib zlib1g-dev                         # checkpoint CRC-32 (issue 10)
need_cmd tmux tmux                              # tests/shell drive a PTY
need_cmd mariadb mariadb-client                 # tests/mysql, make bench
need_file /usr/sbin/mariadbd mariadb-server     # tests/mysql start their own
need_file /usr/include/librdkafka/rdkafka_mock.h librdkafka-dev
need_file /usr/include/yajl/yajl_tree.h libyajl-dev  # bench baseline only

# libFuzzer ships in compiler-rt, a separate package from clang itself.
if command -v clang >/dev/null 2>&1; then
    fuzzer=$(clang -print-file-name="libclang_rt.fuzzer-$(uname -m).a" 2>/dev/null || true)
    case "$fuzzer" in
    /*) [ -e "$fuzzer" ] || fuzzer= ;;
    *) fuzzer= ;;
    esac
    if [ -z "$fuzzer" ]; then
        major=$(clang -dumpversion 2>/dev/null | cut -d. -f1)
        missing+=("libclang-rt-${major:-14}-dev")
    fi
else
    missing+=(libclang-rt-14-dev)
fi

[ ${#missing[@]} -eq 0 ] && exit 0

# Unique, in order.
pkgs=()
for p in "${missing[@]}"; do
    case " ${pkgs[*]-} " in *" $p "*) ;; *) pkgs+=("$p") ;; esac
done

echo "deps: installing ${pkgs[*]}" >&2
if [ "${FSQL_DEPS_DRY_RUN:-0}" = 1 ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "deps: apt-get not found; install these packages by hand: ${pkgs[*]}" >&2
    exit 1
fi
if [ "$(id -u)" = 0 ]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
else
    echo "deps: not root and no sudo; install these packages as root: ${pkgs[*]}" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${pkgs[@]}"
