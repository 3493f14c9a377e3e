#!/usr/bin/env bash
# mock_smoke.sh - fsql-kafka-mock starts a Kafka-protocol cluster that an
# independent client (kcat) can list, produce to and consume from.
#
# Run by tools/runtests.sh from the repository root with FSQL_KAFKA_MOCK set;
# exits 0 on success, 1 on failure, 77 (skip) when kcat is not installed.
set -euo pipefail

MOCK=${FSQL_KAFKA_MOCK:-./fsql-kafka-mock}
if ! command -v kcat >/dev/null 2>&1; then
    echo "skip: kcat is not installed (apt-get install kcat)"
    exit 77
fi
[ -x "$MOCK" ] || { echo "missing $MOCK (run make)"; exit 1; }

tmp=$(mktemp -d)
pid=
cleanup() {
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT

fail() { echo "FAIL: $*"; [ -f "$tmp/err" ] && sed 's/^/  mock: /' "$tmp/err"; exit 1; }

# Bad usage is exit 3 with a message.
set +e
"$MOCK" --brokers 0 >/dev/null 2>"$tmp/usage"; rc=$?
set -e
[ "$rc" = 3 ] || fail "--brokers 0 exited $rc, want 3"
grep -q "positive number" "$tmp/usage" || fail "no usage message for --brokers 0"

"$MOCK" --brokers 3 --topic orders:4 --topic alerts:2 >"$tmp/out" 2>"$tmp/err" &
pid=$!
for _ in $(seq 100); do
    [ -s "$tmp/out" ] && break
    sleep 0.05
done
line=$(head -n1 "$tmp/out")
case "$line" in
bootstrap.servers=127.0.0.1:*,*,*) ;;
*) fail "unexpected first line '$line'" ;;
esac
bs=${line#bootstrap.servers=}

timeout 20 kcat -L -b "$bs" >"$tmp/meta" || fail "kcat -L failed"
grep -q ' 3 brokers:' "$tmp/meta" || fail "expected 3 brokers: $(cat "$tmp/meta")"
grep -q 'topic "orders" with 4 partitions' "$tmp/meta" || fail "topic orders missing"
grep -q 'topic "alerts" with 2 partitions' "$tmp/meta" || fail "topic alerts missing"

printf '{"id":1,"note":"風險"}\n{"id":2}\n{"id":3}\n' >"$tmp/in"
timeout 20 kcat -P -b "$bs" -t orders -p 2 <"$tmp/in" || fail "produce failed"
timeout 20 kcat -C -b "$bs" -t orders -p 2 -o beginning -e -q >"$tmp/got" ||
    fail "consume failed"
diff -u "$tmp/in" "$tmp/got" || fail "round trip differs"

# SIGTERM stops it cleanly.
kill -TERM "$pid"
set +e
wait "$pid"; rc=$?
set -e
pid=
[ "$rc" = 0 ] || fail "exit status $rc after SIGTERM"

# --stdin-eof: the cluster ends when its stdin closes.
exec 3< <(sleep 0.5)
"$MOCK" --stdin-eof <&3 >"$tmp/out2" 2>>"$tmp/err" &
pid=$!
exec 3<&-
for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
done
kill -0 "$pid" 2>/dev/null && fail "--stdin-eof did not stop at end of input"
wait "$pid" || fail "--stdin-eof exit status $?"
pid=
grep -q '^bootstrap.servers=' "$tmp/out2" || fail "no bootstrap line with --stdin-eof"
echo "ok: mock cluster at $bs served kcat"
