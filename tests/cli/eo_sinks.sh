#!/usr/bin/env bash
# eo_sinks.sh - exactly-once jdbc (SQLite) and filesystem sinks (issue
# 10): a datagen job (deterministic generator, restored from checkpoints)
# writes through a filter into a SQLite table and a directory of part
# files with 'sink.delivery-guarantee' = 'exactly-once'.  It is killed at
# every named fault point (FSQL_FAULT) and with kill -9 at random moments,
# restarted each time from the same --checkpoint-dir, and the final table
# and files must equal those of one uninterrupted run exactly: no row lost,
# none twice.  Also: the progress table, no in-progress file left, two
# SIGTERM stops of an unbounded job (the rows 1..N exactly once), and the
# configuration errors.
. "$(dirname "$0")/lib.bash"
RUNIN_APPEND=1 # runs in one directory add to its out.txt and err.txt

command -v sqlite3 >/dev/null || { echo "sqlite3 shell not installed"; exit 77; }

job() { # job DIR [ROWS]
    mkdir -p "$1"
    cat >"$1/job.sql" <<EOF
SET 'execution.checkpointing.interval' = '200 ms';
SET 'pipeline.name' = 'eo test';
CREATE TABLE src (id BIGINT, v BIGINT, s STRING)
WITH ('connector' = 'datagen', 'rows-per-second' = '5000',
      'fields.id.kind' = 'sequence', 'fields.id.start' = '1',
      'fields.id.end' = '${2:-15000}', 'fields.v.min' = '1',
      'fields.v.max' = '1000000', 'fields.s.length' = '6');
CREATE TABLE t_db (id BIGINT, v BIGINT, s STRING)
WITH ('connector' = 'jdbc', 'url' = 'jdbc:sqlite:out.db', 'table-name' = 't',
      'sink.delivery-guarantee' = 'exactly-once');
CREATE TABLE t_up (k BIGINT, n BIGINT, PRIMARY KEY (k) NOT ENFORCED)
WITH ('connector' = 'jdbc', 'url' = 'jdbc:sqlite:out.db', 'table-name' = 'up',
      'sink.delivery-guarantee' = 'exactly-once',
      'sink.progress-table' = 'my_progress');
CREATE TABLE t_fs (id BIGINT, v BIGINT, s STRING)
WITH ('connector' = 'filesystem', 'path' = 'parts', 'format' = 'csv',
      'sink.delivery-guarantee' = 'exactly-once',
      'sink.rolling-policy.file-size' = '2kb');
EXECUTE STATEMENT SET BEGIN
INSERT INTO t_db SELECT id, v, s FROM src WHERE v % 3 <> 0;
INSERT INTO t_up SELECT id % 10, v FROM src WHERE v % 3 <> 0;
INSERT INTO t_fs SELECT id, v, s FROM src WHERE v % 3 <> 0;
END;
EOF
}

snapshot() { # snapshot DIR: the visible results, sorted
    sqlite3 "$1/out.db" "SELECT id, v, s FROM t ORDER BY id" >"$1/table.txt"
    sqlite3 "$1/out.db" "SELECT k, n FROM up ORDER BY k" >"$1/up.txt"
    cat "$1"/parts/part-* 2>/dev/null | tr ',' '|' | sort >"$1/files.txt"
}

# One uninterrupted run: the reference.
job "$T/ref"
runin "$T/ref" run --checkpoint-dir ck job.sql
[ "$rc" = 0 ] || fail "reference run exited $rc: $(cat "$T/ref/err.txt")"
snapshot "$T/ref"
n_ref=$(wc -l <"$T/ref/table.txt")
[ "$n_ref" -gt 5000 ] || fail "reference run wrote $n_ref rows"
sort "$T/ref/table.txt" | cmp -s - "$T/ref/files.txt" ||
    fail "reference: table and files differ"
[ "$(sqlite3 "$T/ref/out.db" "SELECT job_name, sink_table FROM fsql_sink_progress")" = "eo test|t_db" ] ||
    fail "progress table: $(sqlite3 "$T/ref/out.db" "SELECT * FROM fsql_sink_progress")"
[ "$(sqlite3 "$T/ref/out.db" "SELECT sink_table FROM my_progress")" = "t_up" ] ||
    fail "sink.progress-table: $(sqlite3 "$T/ref/out.db" "SELECT * FROM my_progress" 2>&1)"
last=$(ls "$T/ref/ck" | sed -n 's/^chk-0*\([0-9]*\)\.fsqlcp$/\1/p' | sort -n | tail -n 1)
[ "$(sqlite3 "$T/ref/out.db" "SELECT checkpoint_id FROM fsql_sink_progress")" -le "${last:-0}" ] ||
    fail "progress row ahead of the newest checkpoint $last"
ls "$T/ref/parts" | grep -qv '^part-eo_test-t_fs-[0-9]*-[0-9]*-[0-9]*\.csv$' &&
    fail "unexpected part file names: $(ls "$T/ref/parts")"

# The same job killed again and again.
job "$T/crash"
kills=0
for f in sink.before-commit:2 sink.during-commit:1 sink.during-commit:3 \
    checkpoint.after-state-write:2 sink.after-commit:3 sink.before-commit:1; do
    FSQL_FAULT=$f runin "$T/crash" run --checkpoint-dir ck job.sql
    [ "$rc" = 137 ] && kills=$((kills + 1))
done
[ "$kills" -ge 5 ] || fail "only $kills of 6 fault points killed fsql"
for i in $(seq 1 10); do
    # exec: $! is fsql itself, so kill -9 hits the job, not a subshell.
    (cd "$T/crash" && exec "$FSQL_ABS" run --checkpoint-dir ck job.sql \
        >>out.txt 2>>err.txt) &
    pid=$!
    sleep "0.$((RANDOM % 5 + 1))"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
done
runin "$T/crash" run --checkpoint-dir ck job.sql
[ "$rc" = 0 ] || fail "final run exited $rc: $(tail -n 3 "$T/crash/err.txt")"
snapshot "$T/crash"
cmp -s "$T/ref/table.txt" "$T/crash/table.txt" ||
    fail "SQLite table after crashes differs from one run: $(diff "$T/ref/table.txt" "$T/crash/table.txt" | head -n 5)"
cmp -s "$T/ref/up.txt" "$T/crash/up.txt" ||
    fail "upsert table after crashes differs: $(diff "$T/ref/up.txt" "$T/crash/up.txt" | head -n 5)"
cmp -s "$T/ref/files.txt" "$T/crash/files.txt" ||
    fail "files after crashes differ from one run: $(diff "$T/ref/files.txt" "$T/crash/files.txt" | head -n 5)"
left=$(ls -a "$T/crash/parts" | grep -c 'inprogress$')
[ "$left" = 0 ] || fail "$left in-progress files left"

# The reference job started afresh (a new checkpoint directory) into the
# same database and directory: its checkpoint ids begin at 1 again, so
# the progress rows of the first run are set back (with a warning), not
# taken for committed epochs, and no file of the first run is
# overwritten: every row is there twice now.
runin "$T/ref" run --checkpoint-dir ck-again job.sql
[ "$rc" = 0 ] || fail "fresh rerun exited $rc: $(tail -n 3 "$T/ref/err.txt")"
grep -q "started without a checkpoint; it starts over" "$T/ref/err.txt" ||
    fail "fresh rerun: no warning about the earlier progress row"
[ "$(sqlite3 "$T/ref/out.db" "SELECT COUNT(*) FROM t")" = $((2 * n_ref)) ] ||
    fail "fresh rerun: table has $(sqlite3 "$T/ref/out.db" "SELECT COUNT(*) FROM t") rows, want $((2 * n_ref))"
[ "$(cat "$T"/ref/parts/part-* | wc -l)" = $((2 * n_ref)) ] ||
    fail "fresh rerun: files hold $(cat "$T"/ref/parts/part-* | wc -l) rows, want $((2 * n_ref))"

# SIGTERM: the final checkpoint commits everything read; a restart goes
# on from it.  An unbounded sequence, stopped twice: the table and the
# files hold 1..N exactly once, N = the rows the two runs read.
mkdir -p "$T/term"
cat >"$T/term/job.sql" <<'EOF'
SET 'execution.checkpointing.interval' = '300 ms';
CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '2000',
    'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '100000000');
CREATE TABLE t_db (id BIGINT) WITH ('connector' = 'jdbc', 'url' = 'jdbc:sqlite:out.db',
    'table-name' = 't', 'sink.delivery-guarantee' = 'exactly-once');
CREATE TABLE t_fs (id BIGINT) WITH ('connector' = 'filesystem', 'path' = 'parts',
    'format' = 'csv', 'sink.delivery-guarantee' = 'exactly-once');
EXECUTE STATEMENT SET BEGIN
INSERT INTO t_db SELECT id FROM src;
INSERT INTO t_fs SELECT id FROM src;
END;
EOF
for round in 1 2; do
    (cd "$T/term" && exec "$FSQL_ABS" run --checkpoint-dir ck job.sql \
        >>out.txt 2>>err.txt) &
    pid=$!
    sleep 1.2
    kill -TERM "$pid"
    wait "$pid"
    rc=$?
    [ "$rc" = 0 ] || fail "SIGTERM round $round: exit $rc: $(tail -n 2 "$T/term/err.txt")"
done
got=$(sqlite3 "$T/term/out.db" "SELECT COUNT(*), COUNT(DISTINCT id), MIN(id), MAX(id) FROM t")
n=${got%%|*}
[ "$n" -gt 1000 ] && [ "$got" = "$n|$n|1|$n" ] ||
    fail "after two SIGTERMs the table holds count|distinct|min|max = $got, want 1..N once"
got_fs=$(cat "$T"/term/parts/part-* | sort -n | uniq | wc -l)
[ "$(cat "$T"/term/parts/part-* | wc -l)" = "$n" ] && [ "$got_fs" = "$n" ] ||
    fail "after two SIGTERMs the files hold $(cat "$T"/term/parts/part-* | wc -l) lines ($got_fs distinct), the table $n"

# Configuration errors.
cat >"$T/noeo.sql" <<'EOF'
CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '3');
CREATE TABLE d (id BIGINT) WITH ('connector' = 'jdbc', 'url' = 'jdbc:sqlite:x.db',
    'table-name' = 'd', 'sink.delivery-guarantee' = 'exactly-once');
INSERT INTO d SELECT id FROM src;
EOF
run run "$T/noeo.sql"
expect_rc 2 "exactly-once without checkpoints"
expect_in "$err" "needs checkpoints" "exactly-once without checkpoints"
: >"$T/afile"
cat >"$T/fsfile.sql" <<EOF
CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '3');
CREATE TABLE d (id BIGINT) WITH ('connector' = 'filesystem', 'path' = '$T/afile',
    'format' = 'csv', 'sink.delivery-guarantee' = 'exactly-once');
INSERT INTO d SELECT id FROM src;
EOF
run run --checkpoint-dir "$T/ck2" "$T/fsfile.sql"
expect_rc 2 "exactly-once into a file"
expect_in "$err" "is a file" "exactly-once into a file"

[ "$failures" = 0 ] || exit 1
echo "ok: exactly-once SQLite and filesystem sinks survive $kills fault kills and 10 random kills"
