#!/usr/bin/env bash
# install.sh - `make install` into a temporary DESTDIR with a PREFIX puts
# the two programs, the man page and the docs (with the examples, without
# the generated seed 002 data) where they belong; the installed fsql runs
# from there and reads an installed example; `make uninstall` removes
# exactly what was installed.  The programs under test ($FSQL and the mock
# beside it) are installed as they are (make -o: never rebuilt here).
. "$(dirname "$0")/lib.bash"

case "$FSQL" in /*) bin=$FSQL ;; *) bin="$PWD/${FSQL#./}" ;; esac
mock="$(dirname "$bin")/fsql-kafka-mock"
[ -x "$mock" ] || { echo "no fsql-kafka-mock beside $bin"; exit 77; }
D="$T/stage"
P=/opt/fsql-test

mk() {
    make --no-print-directory -s -o "$bin" -o "$mock" \
        FSQL_BIN="$bin" MOCK_BIN="$mock" DESTDIR="$D" PREFIX="$P" "$@" \
        >"$T/make.out" 2>&1
}

mk install || { fail "make install failed"; sed 's/^/    /' "$T/make.out"; }
R="$D$P"
for f in bin/fsql bin/fsql-kafka-mock; do
    [ -x "$R/$f" ] || fail "$f not installed executable"
done
cmp -s "$bin" "$R/bin/fsql" || fail 'the installed fsql differs from the one built'
[ -f "$R/share/man/man1/fsql.1" ] || fail 'man page not installed'
cmp -s docs/fsql.1 "$R/share/man/man1/fsql.1" || fail 'man page differs'
for f in README.md cli.md shell.md errors.md connectors/kafka.md \
    sql-examples/seed001/reconcile.sql sql-examples/seed002/risk_scoring.sql; do
    [ -f "$R/share/doc/fsql/$f" ] || fail "share/doc/fsql/$f not installed"
done
[ -e "$R/share/doc/fsql/fsql.1" ] && fail 'the man page was copied into the docs'
[ -e "$R/share/doc/fsql/sql-examples/seed002/data" ] &&
    fail 'the generated seed002 data was installed'
# Every file is readable by all, nothing is writable by others.
bad=$(find "$R" -type f \( ! -perm -0444 -o -perm -0002 \) | head -n 3)
[ -z "$bad" ] || fail "bad modes: $bad"
# Every installed doc is a file of docs/ or sql-examples/ (or README.md).
while read -r f; do
    rel=${f#"$R/share/doc/fsql/"}
    [ -f "docs/$rel" ] || [ -f "$rel" ] || fail "unexpected file $rel"
done < <(find "$R/share/doc/fsql" -type f)

# The installed program works on its own, on an installed example.
(cd "$T" && "$R/bin/fsql" --version) >"$T/v.out" 2>&1 ||
    fail 'installed fsql --version failed'
grep -q '^fsql [0-9]' "$T/v.out" || fail "installed --version: $(head -n 1 "$T/v.out")"
(cd "$T" && "$R/bin/fsql" validate -i "$R/share/doc/fsql/sql-examples/seed001/tables.local.sql" \
    "$R/share/doc/fsql/sql-examples/seed001/reconcile.sql") >"$T/val.out" 2>&1 ||
    fail "installed fsql cannot validate an installed example: $(head -n 3 "$T/val.out")"
if command -v man >/dev/null 2>&1; then
    MANPATH="$R/share/man" man -P cat fsql 2>/dev/null | grep -q 'STOP JOB' ||
        fail 'man fsql (MANPATH=PREFIX/share/man) does not show the page'
fi

mk uninstall || { fail "make uninstall failed"; sed 's/^/    /' "$T/make.out"; }
left=$(find "$R" -type f | head -n 5)
[ -z "$left" ] || fail "left after uninstall: $left"
finish
