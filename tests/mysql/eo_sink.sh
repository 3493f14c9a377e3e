#!/usr/bin/env bash
# eo_sink.sh - the exactly-once jdbc sink on MariaDB (issue 10): an append
# table without a primary key and an upsert table, fed by a deterministic
# datagen job with 200 ms checkpoints.  The job is killed at the named
# fault points (FSQL_FAULT: after the checkpoint file, before / during /
# after the sink commit) and with kill -9 at random moments, restarted
# each time; the tables must then equal those of one uninterrupted run
# (written by another job name into other tables of the same database):
# no row lost, none twice.  The progress table is pre-created by the
# user under another name ('sink.progress-table'), a server crash and
# restart in the middle of a run changes nothing, and the password never
# appears in any output.
. "$(dirname "$0")/lib.sh"
mysql_start

my_sql "
CREATE TABLE ev_ref (id BIGINT, v BIGINT, s VARCHAR(20));
CREATE TABLE ev_run (id BIGINT, v BIGINT, s VARCHAR(20));
CREATE TABLE up_ref (k BIGINT PRIMARY KEY, n BIGINT);
CREATE TABLE up_run (k BIGINT PRIMARY KEY, n BIGINT);
CREATE TABLE ev_srv (id BIGINT, v BIGINT, s VARCHAR(20));
CREATE TABLE up_srv (k BIGINT PRIMARY KEY, n BIGINT);
CREATE TABLE progress (job_name VARCHAR(200) NOT NULL,
    sink_table VARCHAR(200) NOT NULL, checkpoint_id BIGINT NOT NULL,
    committed_at TIMESTAMP(3) NULL, PRIMARY KEY (job_name, sink_table));
"

job() { # job SUFFIX: the job writing ev_SUFFIX and up_SUFFIX
    mkdir -p "$T/$1"
    cat >"$T/$1/job.sql" <<EOF
SET 'execution.checkpointing.interval' = '200 ms';
SET 'pipeline.name' = 'eo-$1';
CREATE TABLE src (id BIGINT, v BIGINT, s STRING)
WITH ('connector' = 'datagen', 'rows-per-second' = '4000',
      'fields.id.kind' = 'sequence', 'fields.id.start' = '1',
      'fields.id.end' = '8000', 'fields.v.min' = '1',
      'fields.v.max' = '1000000', 'fields.s.length' = '8');
CREATE TABLE ev (id BIGINT, v BIGINT, s STRING)
WITH ($(my_with "ev_$1" "'sink.delivery-guarantee' = 'exactly-once', 'sink.progress-table' = 'progress'"));
CREATE TABLE up (k BIGINT, n BIGINT, PRIMARY KEY (k) NOT ENFORCED)
WITH ($(my_with "up_$1" "'sink.delivery-guarantee' = 'exactly-once', 'sink.progress-table' = 'progress'"));
EXECUTE STATEMENT SET BEGIN
INSERT INTO ev SELECT id, v, s FROM src WHERE v % 4 <> 0;
INSERT INTO up SELECT id % 17, v FROM src WHERE v % 4 <> 0;
END;
EOF
}

runjob() { # runjob SUFFIX: in the foreground, output appended
    (cd "$T/$1" && exec "$FSQL" run --checkpoint-dir ck job.sql \
        >>out.txt 2>>err.txt)
}

job ref
runjob ref
rc=$?
[ "$rc" = 0 ] || fail "reference run exited $rc: $(tail -n 3 "$T/ref/err.txt")"
n_ref=$(my_sql "SELECT COUNT(*) FROM ev_ref")
[ "$n_ref" -gt 4000 ] || fail "reference run wrote $n_ref rows"

# Started afresh (new checkpoint directory), the same job writes every
# row again: its ids begin at 1, and the earlier progress rows are set
# back, not taken for committed epochs.
mv "$T/ref/ck" "$T/ref/ck-first"
runjob ref
rc=$?
[ "$rc" = 0 ] || fail "fresh rerun exited $rc: $(tail -n 3 "$T/ref/err.txt")"
[ "$(my_sql "SELECT COUNT(*) FROM ev_ref")" = $((2 * n_ref)) ] ||
    fail "fresh rerun: $(my_sql "SELECT COUNT(*) FROM ev_ref") rows, want $((2 * n_ref))"
grep -q "it starts over" "$T/ref/err.txt" || fail "fresh rerun: no warning"
my_sql "DELETE FROM ev_ref; DELETE FROM up_ref;"
mv "$T/ref/ck" "$T/ref/ck-second"
runjob ref || fail "third reference run failed"
[ "$(my_sql "SELECT COUNT(*) FROM ev_ref")" = "$n_ref" ] ||
    fail "third reference run: $(my_sql "SELECT COUNT(*) FROM ev_ref") rows, want $n_ref"

job run
kills=0
for f in sink.before-commit:2 sink.during-commit:1 sink.during-commit:4 \
    checkpoint.after-state-write:2 sink.after-commit:3; do
    FSQL_FAULT=$f runjob run
    rc=$?
    [ "$rc" = 137 ] && kills=$((kills + 1))
    # Nothing of an uncommitted transaction is visible.
    [ "$(my_sql "SELECT COUNT(*) FROM ev_run")" -le "$n_ref" ] ||
        fail "more rows than the reference after fault $f"
done
[ "$kills" = 5 ] || fail "only $kills of 5 fault points killed fsql"
for i in $(seq 1 10); do
    (cd "$T/run" && exec "$FSQL" run --checkpoint-dir ck job.sql \
        >>out.txt 2>>err.txt) &
    pid=$!
    sleep "0.$((RANDOM % 5 + 2))"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
done
runjob run
rc=$?
[ "$rc" = 0 ] || fail "final run exited $rc: $(tail -n 3 "$T/run/err.txt")"

a=$(my_sql "SELECT id, v, s FROM ev_ref ORDER BY id, v, s")
b=$(my_sql "SELECT id, v, s FROM ev_run ORDER BY id, v, s")
[ "$a" = "$b" ] || fail "append table after crashes differs from one run: $(diff <(echo "$a") <(echo "$b") | head -n 5)"
a=$(my_sql "SELECT k, n FROM up_ref ORDER BY k")
b=$(my_sql "SELECT k, n FROM up_run ORDER BY k")
[ "$a" = "$b" ] || fail "upsert table after crashes differs: $(diff <(echo "$a") <(echo "$b") | head -n 5)"

# The server crashes (kill -9) while the job runs and comes back 1.5 s
# later: the commits in between are retried (reconnecting), and the
# result is still exactly the reference.
job srv
(cd "$T/srv" && exec "$FSQL" run --checkpoint-dir ck job.sql \
    >>out.txt 2>>err.txt) &
JOB_PID=$!
sleep 0.7
mysql_kill9
sleep 1.5
mysql_restart
wait "$JOB_PID"
rc=$?
[ "$rc" = 0 ] || fail "job across a server crash exited $rc: $(tail -n 3 "$T/srv/err.txt")"
grep -q "again in\|retrying" "$T/srv/err.txt" ||
    echo "note: the server crash fell between two commits (no retry logged)"
a=$(my_sql "SELECT id, v, s FROM ev_ref ORDER BY id, v, s")
b=$(my_sql "SELECT id, v, s FROM ev_srv ORDER BY id, v, s")
[ "$a" = "$b" ] || fail "append table across a server crash differs: $(diff <(echo "$a") <(echo "$b") | head -n 5)"
a=$(my_sql "SELECT k, n FROM up_ref ORDER BY k")
b=$(my_sql "SELECT k, n FROM up_srv ORDER BY k")
[ "$a" = "$b" ] || fail "upsert table across a server crash differs"

# A user without the CREATE privilege writes exactly-once through the
# pre-created progress table.
my_root_sql "CREATE USER 'fsql_dml'@'%' IDENTIFIED BY '$MY_PASS';
    GRANT SELECT, INSERT, UPDATE, DELETE ON $MY_DB.* TO 'fsql_dml'@'%';
    CREATE TABLE $MY_DB.ev_dml (id BIGINT);" || fail "could not create the DML user"
cat >"$T/dml.sql" <<SQL
SET 'pipeline.name' = 'eo-dml';
CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence',
    'fields.id.start' = '1', 'fields.id.end' = '500');
CREATE TABLE ev (id BIGINT) WITH ('connector' = 'jdbc', 'url' = '$MY_URL',
    'table-name' = 'ev_dml', 'username' = 'fsql_dml', 'password' = '\${MY_PASS}',
    'sink.delivery-guarantee' = 'exactly-once', 'sink.progress-table' = 'progress');
INSERT INTO ev SELECT id FROM src;
SQL
(cd "$T" && "$FSQL" run --checkpoint-dir ck-dml dml.sql >dml.out 2>dml.err)
rc=$?
[ "$rc" = 0 ] || fail "DML-only user: exit $rc: $(cat "$T/dml.err")"
[ "$(my_sql "SELECT COUNT(*), SUM(id) FROM ev_dml")" = "$(printf '500\t125250')" ] ||
    fail "DML-only user wrote $(my_sql "SELECT COUNT(*), SUM(id) FROM ev_dml")"

prog=$(my_sql "SELECT job_name, sink_table FROM progress ORDER BY 1, 2" | tr '\t\n' ' ;')
[ "$prog" = "eo-dml ev;eo-ref ev;eo-ref up;eo-run ev;eo-run up;eo-srv ev;eo-srv up;" ] ||
    fail "progress rows: $prog"
my_sql "SHOW TABLES LIKE 'fsql_sink_progress'" | grep -q . &&
    fail "the default progress table was created although another was named"
if grep -qF -- "$MY_PASS" "$T"/ref/*.txt "$T"/run/*.txt "$T"/srv/*.txt "$T"/dml.*; then
    fail "the password appears in fsql's output"
fi
echo "ok: exactly-once MariaDB sink: $kills fault kills and 10 random kills, tables equal one run"
