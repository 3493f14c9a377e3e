#!/usr/bin/env bash
# join_checkpoint.sh - join state survives a crash (issues 8 and 10).
#
# Two rate-limited datagen sequences (ids 1..600, event time id * 100 ms
# on the left and id * 100 ms + 250 ms on the right, key id % 7) feed a
# FULL OUTER interval join (b.ts within [a.ts - 0.5 s, a.ts + 0.5 s])
# written to a filesystem sink.  The right side drops key 3, so every
# left row of key 3 is null-padded when the right watermark passes its
# interval - in the middle of the run, from rows held in the join's
# state (a row held across the checkpoint is padded by the restarted
# process).  In the same statement set, the left stream is joined with a
# small bounded table (dim.jsonl, keys 0..6 of id % 9): a broadcast hash
# join whose build side is read before the kill and must come back from
# the checkpoint, not from the file.
# The reference is an uninterrupted run without checkpoints.
# FSQL_FAULT=checkpoint.after-state-write:3 kills the process right after
# checkpoint 3 is durable (every sink has flushed what came before it,
# nothing was produced after it); the restarted run restores the join
# state and must append exactly the rest, so the union of both runs'
# rows equals the reference (as a multiset: rows that leave the join at
# the same watermark may come out in another order after a restore).
. "$(dirname "$0")/lib.bash"

cat >"$T/job.sql" <<'EOF'
CREATE TABLE a (
    id BIGINT,
    k AS id % 7,
    ts AS TO_TIMESTAMP_LTZ(id * 100, 3),
    WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
) WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence',
        'fields.id.start' = '1', 'fields.id.end' = '600',
        'rows-per-second' = '1000');
CREATE TABLE b (
    id BIGINT,
    k AS id % 7,
    ts AS TO_TIMESTAMP_LTZ(id * 100 + 250, 3),
    WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
) WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence',
        'fields.id.start' = '1', 'fields.id.end' = '600',
        'rows-per-second' = '1000');
CREATE TABLE dim (k BIGINT, name STRING) WITH ('connector' =
    'filesystem', 'path' = 'dim.jsonl', 'format' = 'json');
CREATE TABLE pairs (a_id BIGINT, b_id BIGINT) WITH ('connector' =
    'filesystem', 'path' = 'pairs.jsonl', 'format' = 'json');
CREATE TABLE named (id BIGINT, name STRING) WITH ('connector' =
    'filesystem', 'path' = 'named.jsonl', 'format' = 'json');
SET 'execution.checkpointing.interval' = '100 ms';
EXECUTE STATEMENT SET BEGIN
INSERT INTO pairs
SELECT a.id, b.id
FROM a FULL JOIN (SELECT * FROM b WHERE k <> 3) b
  ON a.k = b.k AND b.ts BETWEEN a.ts - INTERVAL '0.5' SECOND
                            AND a.ts + INTERVAL '0.5' SECOND;
INSERT INTO named
SELECT a.id, d.name FROM a JOIN dim d ON a.id % 9 = d.k;
END;
EOF
python3 -c "
for k in range(7):
    print('{\"k\":%d,\"name\":\"n%d\"}' % (k, k))" >"$T/dim.jsonl"

mkdir "$T/ref" "$T/a"
cp "$T/job.sql" "$T/dim.jsonl" "$T/ref/"
cp "$T/job.sql" "$T/dim.jsonl" "$T/a/"

runin "$T/ref" run job.sql
expect_rc 0 "reference run"
# The expected rows, derived independently: b.id - a.id must lie in
# [-7.5, 2.5] and be a multiple of 7 (equal keys), so a row a pairs with
# b = a and b = a - 7 (when b >= 1), unless b's key is 3 (dropped): the
# left rows of key 3 (86 of them) are padded; every right row has a
# partner (b = a).
python3 - >"$T/expected" <<'PY'
rows = []
for a in range(1, 601):
    if a % 7 == 3:
        rows.append('{"a_id":%d,"b_id":null}' % a)
        continue
    for b in (a, a - 7):
        if b >= 1:
            rows.append('{"a_id":%d,"b_id":%d}' % (a, b))
for r in sorted(rows):
    print(r)
PY
# ids whose id % 9 is a key of dim (0..6)
python3 - >"$T/expected_named" <<'PY'
print('\n'.join(sorted('{"id":%d,"name":"n%d"}' % (i, i % 9)
                        for i in range(1, 601) if i % 9 <= 6)))
PY
sort "$T/ref/pairs.jsonl" >"$T/want"
cmp -s "$T/expected" "$T/want" ||
    fail "reference run differs from the expected rows: $(diff "$T/expected" "$T/want" | head -5)"
n_ref=$(wc -l <"$T/want")
sort "$T/ref/named.jsonl" >"$T/want_named"
cmp -s "$T/expected_named" "$T/want_named" ||
    fail "reference run (broadcast join) differs from the expected rows: $(diff "$T/expected_named" "$T/want_named" | head -5)"

FSQL_FAULT=checkpoint.after-state-write:3 runin "$T/a" run --log-level info \
    --checkpoint-dir cp job.sql
expect_rc 137 "fault run"
expect_in "$err" "FSQL_FAULT: killed at checkpoint.after-state-write" "fault message"
n1=$(wc -l <"$T/a/pairs.jsonl" 2>/dev/null || echo 0)
[ "$n1" -lt "$n_ref" ] || fail "the fault run wrote all $n1 rows (kill not mid-run?)"

runin "$T/a" run --log-level info --checkpoint-dir cp job.sql
expect_rc 0 "restarted run"
expect_in "$err" "info: restored checkpoint 3 from cp" "restore log line"
sort "$T/a/pairs.jsonl" >"$T/got"
cmp -s "$T/want" "$T/got" ||
    fail "join rows after restore differ from the reference: $(diff "$T/want" "$T/got" | head -5)"
sort "$T/a/named.jsonl" >"$T/got_named"
cmp -s "$T/want_named" "$T/got_named" ||
    fail "broadcast join rows after restore differ from the reference: $(diff "$T/want_named" "$T/got_named" | head -5)"

finish
