#!/usr/bin/env bash
# exactly_once.sh - the exactly-once Kafka sink (transactions committed
# with checkpoints, progress records in <prefix>-progress) through the mock
# cluster, and crashes (FSQL_FAULT, SIGKILL) at the commit points:
#   - each checkpoint with output commits one transaction and one progress
#     record "<job>/<table>" = "<checkpoint id>", read back with kcat;
#   - killed before the commit of a checkpoint (sink.before-commit) and
#     after it (sink.after-commit), then restarted: every input record is
#     in the output exactly once, the progress ids increase strictly, and
#     the restart reports the epoch as committed;
#   - exactly-once without checkpoints is refused at start.
# (A short session timeout: after a kill the group waits for the dead
# member's session to expire before it assigns partitions again.)
# What the mock cannot show (docs/connectors/kafka.md, "Exactly-once"): it
# neither hides aborted transactions from read_committed readers nor keeps
# them out of kcat's view, so the records of the killed process's open
# transaction count as output here whether or not it was committed; the
# re-production path of recovery is covered by the unit test
# kafka_ckpt_sink_exactly_once.
. "$(dirname "$0")/lib.inc"
kafka_init
mock_start --topic in:2 --topic out:2 --topic eos-progress:1

cat >"$tmp/job.sql" <<EOF
SET 'execution.checkpointing.interval' = '300 ms';
SET 'pipeline.name' = 'eosjob';
CREATE TABLE src (id BIGINT) WITH ($(kafka_with in "'format' = 'json',
    'scan.startup.mode' = 'earliest-offset',
    'properties.session.timeout.ms' = '3000',
    'properties.heartbeat.interval.ms' = '500'"));
CREATE TABLE dst (id BIGINT) WITH ($(kafka_with out "'format' = 'json',
    'sink.delivery-guarantee' = 'exactly-once',
    'sink.transactional-id-prefix' = 'eos'"));
INSERT INTO dst SELECT id * 10 FROM src;
EOF

# batch FROM TO: input records {"id":FROM}..{"id":TO}.
batch() { seq "$1" "$2" | sed 's/.*/{"id":&}/' | produce in -1; }
# markers: the progress records, one "key=value" a line.
markers() { consume eos-progress -f '%k=%s\n'; }
wait_markers() {
    local n=$1 i
    for i in $(seq 120); do
        [ "$(markers | wc -l)" -ge "$n" ] && return 0
        kill -0 "$fsql_pid" 2>/dev/null || return 0
        sleep 0.25
    done
    fail "expected $n progress records, have: $(markers | tr '\n' ' ')"
}
wait_exit() {
    local i
    for i in $(seq 120); do
        kill -0 "$fsql_pid" 2>/dev/null || break
        sleep 0.25
    done
    set +e
    wait "$fsql_pid"
    rc=$?
    set -e
}

# Without checkpoints: refused.
fsql_run "$tmp/job.sql"
[ "$rc" -ne 0 ] && grep -q "checkpoint" "$tmp/run.err" ||
    fail "exactly-once without checkpoints was not refused (rc $rc)"

ck="$tmp/ck"
# Run 1: batch A commits; batch B's commit dies (the 2nd commit reached).
batch 1 100
FSQL_FAULT=sink.before-commit:2 fsql_bg "$tmp/job.sql" --checkpoint-dir "$ck" \
    --log-level info
wait_markers 1
batch 101 200
wait_exit
[ "$rc" -eq 137 ] || fail "run 1 should die by SIGKILL (rc $rc)"
cp "$tmp/run.err" "$tmp/run1.err"
m1=$(markers | wc -l)
[ "$m1" -eq 2 ] || fail "after run 1: want 2 progress records, have $(markers | tr '\n' ' ')"

# Run 2: recovers the pending epoch; batch C; then dies after a commit.
FSQL_FAULT=sink.after-commit:1 fsql_bg "$tmp/job.sql" --checkpoint-dir "$ck" \
    --log-level info
for _ in $(seq 40); do
    grep -q "is committed (progress record\|committed the transaction of checkpoint .* again" \
        "$tmp/run.err" && break
    sleep 0.25
done
grep -q "is committed (progress record\|again after a restart" "$tmp/run.err" ||
    fail "run 2 did not recover the pending epoch"
batch 201 300
wait_exit
[ "$rc" -eq 137 ] || fail "run 2 should die by SIGKILL (rc $rc)"
cp "$tmp/run.err" "$tmp/run2.err"

# Run 3: recovers (already committed), batch D, SIGTERM: final checkpoint.
fsql_bg "$tmp/job.sql" --checkpoint-dir "$ck" --log-level info
sleep 1
batch 301 400
wait_markers 4
for _ in $(seq 40); do
    [ "$(consume out | wc -l)" -ge 400 ] && break
    sleep 0.25
done
kill -TERM "$fsql_pid"
wait_exit
[ "$rc" -eq 0 ] || fail "run 3: SIGTERM should exit 0 (rc $rc)"

# Every input record exactly once.
consume out | sed 's/[^0-9]//g' | sort -n >"$tmp/got"
seq 1 400 | awk '{ print $1 * 10 }' >"$tmp/want"
cmp -s "$tmp/got" "$tmp/want" ||
    fail "output differs from one uninterrupted run: $(diff "$tmp/want" "$tmp/got" | head -5)"
# Progress records: all for eosjob/dst, ids strictly increasing.
markers >"$tmp/markers"
grep -qv '^eosjob/dst=' "$tmp/markers" && fail "unexpected progress key: $(cat "$tmp/markers")"
sed 's/.*=//' "$tmp/markers" | awk 'NR > 1 && $1 <= prev { exit 1 } { prev = $1 }' ||
    fail "progress ids do not increase: $(tr '\n' ' ' <"$tmp/markers")"
echo "ok: 400 records once; progress $(sed 's/.*=//' "$tmp/markers" | tr '\n' ' ')"
