#!/usr/bin/env bash
# join_examples.sh - the join and statement-set sql-examples (issue 8)
# give what their README.md says:
#   seed001: `fsql run -i tables.local.sql reconcile.sql` prints exactly
#            the block after "## Expected output of `reconcile.sql`";
#   seed004: the files alerts.sql writes in out/ are the block after
#            "## Expected output of `alerts.sql`" (each file as
#            "==> out/F <==" and its lines); the same for
#            versioned_alerts.sql (a temporal join on a versioned table);
#   seed002/decision: decision.sql's changelog, applied (+I/+U add a row,
#            -U/-D take one out), is the block after "## Expected final
#            state of `decision.sql`" (data/decision.db is rebuilt from
#            data/decision_db.sql first when sqlite3 is installed).
. "$(dirname "$0")/lib.bash"

case "$FSQL" in /*) ;; *) FSQL="$PWD/${FSQL#./}" ;; esac


d=sql-examples/seed001
block "$d/README.md" '## Expected output of `reconcile.sql`' >"$T/want"
(cd "$d" && "$FSQL" run -i tables.local.sql reconcile.sql >"$T/got" 2>"$T/err") ||
    fail "$d: exit status $?: $(cat "$T/err")"
cmp -s "$T/want" "$T/got" || { fail "$d: output differs"; diff -u "$T/want" "$T/got" | head -20; }

d=sql-examples/seed004
block "$d/README.md" '## Expected output of `alerts.sql`' >"$T/want"
rm -rf "$T/s4" && mkdir -p "$T/s4" && cp -r "$d"/* "$T/s4/" && rm -rf "$T/s4/out"
(cd "$T/s4" && "$FSQL" run -q -i tables.local.sql alerts.sql >/dev/null 2>"$T/err") ||
    fail "$d: exit status $?: $(cat "$T/err")"
(cd "$T/s4" && for f in out/*; do echo "==> $f <=="; cat "$f"; done) >"$T/got"
cmp -s "$T/want" "$T/got" || { fail "$d: output files differ"; diff -u "$T/want" "$T/got" | head -20; }

block "$d/README.md" '## Expected output of `versioned_alerts.sql`' >"$T/want"
rm -rf "$T/s4" && mkdir -p "$T/s4" && cp -r "$d"/* "$T/s4/" && rm -rf "$T/s4/out"
(cd "$T/s4" && "$FSQL" run -q -i tables.versioned.sql versioned_alerts.sql >/dev/null 2>"$T/err") ||
    fail "$d: versioned_alerts.sql: exit status $?: $(cat "$T/err")"
(cd "$T/s4" && for f in out/*; do echo "==> $f <=="; cat "$f"; done) >"$T/got"
cmp -s "$T/want" "$T/got" || { fail "$d: versioned_alerts.sql output differs"; diff -u "$T/want" "$T/got" | head -20; }

d=sql-examples/seed002/decision
block "$d/README.md" '## Expected final state of `decision.sql`' >"$T/want"
rm -rf "$T/s2" && mkdir -p "$T/s2" && cp -r "$d"/* "$T/s2/"
if command -v sqlite3 >/dev/null; then
    rm -f "$T/s2/data/decision.db"
    sqlite3 "$T/s2/data/decision.db" <"$T/s2/data/decision_db.sql" || fail "$d: building decision.db"
fi
(cd "$T/s2" && "$FSQL" run --output changelog -i tables.local.sql decision.sql >"$T/cl" 2>"$T/err") ||
    fail "$d: exit status $?: $(cat "$T/err")"
python3 -c '
import sys, collections
ms = collections.Counter()
for l in open(sys.argv[1]):
    l = l.rstrip("\n"); op, row = l[:2], l[3:-1]
    ms[row] += 1 if op in ("+I", "+U") else -1
if any(n < 0 for n in ms.values()):
    print("a retraction of a row that was not there"); sys.exit(1)
for r in sorted((r for r, n in ms.items() for _ in range(n)), key=lambda r: int(r.split(",")[0])):
    print("+I[" + r + "]")' "$T/cl" >"$T/got" || fail "$d: bad changelog"
cmp -s "$T/want" "$T/got" || { fail "$d: final state differs"; diff -u "$T/want" "$T/got" | head -20; }

[ "$failures" = 0 ]
