#!/usr/bin/env bash
# crash_exactly_once.sh - the crash test of issue 10: a job reads a Kafka
# topic (fsql-kafka-mock, one partition, input produced with kcat), looks
# every transaction's user up in a MariaDB profile table (uncached, so the
# job runs long enough to be killed mid-way), and writes
#   - per-user 10 s TUMBLE window aggregates into a MariaDB table and into
#     part files, and
#   - MATCH_RECOGNIZE matches (a small amount, larger ones, a small one)
#     into part files,
# all with 'sink.delivery-guarantee' = 'exactly-once' and 50 ms
# checkpoints.  The job is killed at the named fault points (FSQL_FAULT:
# after the checkpoint file, before / during / after a sink commit) and
# with kill -9 at random moments (a random delay after a new checkpoint
# file appears, so every kill lands mid-run), restarted from the same
# --checkpoint-dir each time, and finally run to the end of the topic.
# The MariaDB table and both file sets must equal, as multisets, those of
# one uninterrupted run of the same job (another pipeline.name, other
# tables and directories): no row lost, none twice.
#
# SOAK=1 (make soak): the same with 30 random kills; `make soak` runs it
# several times.
. "$(dirname "$0")/lib.sh"
command -v kcat >/dev/null 2>&1 || skip "kcat is not installed"
MOCK=$(dirname "$FSQL")/fsql-kafka-mock
[ -x "$MOCK" ] || fail "missing $MOCK (run make)"
SOAK=${SOAK:-0}
N_EVENTS=100000 # the mock keeps about 5 MB per partition
N_KILLS=10
[ "$SOAK" = 1 ] && N_KILLS=30
mysql_start

mkfifo "$T/ctl"
"$MOCK" --topic tx:1 <"$T/ctl" >"$T/mock.out" 2>"$T/mock.err" &
MOCK_PID=$!
exec 7>"$T/ctl"
trap 'exec 7>&-; kill $MOCK_PID ${JOB_PID:-} 2>/dev/null; cleanup' EXIT
for i in $(seq 200); do
    [ -s "$T/mock.out" ] && break
    sleep 0.05
done
BS=$(head -n 1 "$T/mock.out" | sed 's/^bootstrap.servers=//')
[ -n "$BS" ] || fail "the mock cluster did not start"

# Users 1-40 have a tier; 41-50 have none (LEFT JOIN: NULL tier).
my_sql "CREATE TABLE users (uid BIGINT PRIMARY KEY, tier VARCHAR(10));
INSERT INTO users VALUES $(seq 1 40 | awk '{ t = "bronze"; if ($1 % 3 == 0) t = "gold"; if ($1 % 3 == 1) t = "silver"; printf "%s(%d, '"'"'%s'"'"')", (NR > 1 ? "," : ""), $1, t }');
CREATE TABLE win_ref (uid BIGINT, tier VARCHAR(10), ws DATETIME(3), cnt BIGINT, total BIGINT);
CREATE TABLE win_run LIKE win_ref;" || fail "could not create the tables"

# Events in time order (10 per second), csv: id,uid,amount,ts.
awk -v n="$N_EVENTS" 'BEGIN { for (i = 1; i <= n; i++) { s = int(i / 10);
    printf "%d,%d,%d,2024-01-01 %02d:%02d:%02d.%03d\n", i, (i * 7) % 50 + 1,
    (i * 7919) % 200, int(s / 3600), int(s / 60) % 60, s % 60, (i % 10) * 100 } }' |
    timeout 60 kcat -P -b "$BS" -t tx -p 0 || fail "kcat could not produce"
have=$(timeout 30 kcat -C -b "$BS" -t tx -o beginning -e -q | wc -l)
[ "$have" = "$N_EVENTS" ] || fail "the topic holds $have of $N_EVENTS events"

job() { # job NAME: the job in $T/NAME, writing win_NAME
    mkdir -p "$T/$1"
    cat >"$T/$1/job.sql" <<SQL
SET 'execution.checkpointing.interval' = '50 ms';
SET 'pipeline.name' = 'crash-$1';
CREATE TABLE tx (id BIGINT, uid BIGINT, amount INT, ts TIMESTAMP(3),
    proc AS PROCTIME(), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'kafka', 'topic' = 'tx', 'properties.bootstrap.servers' = '$BS',
    'properties.group.id' = 'g-$1', 'scan.startup.mode' = 'earliest-offset',
    'scan.bounded.mode' = 'latest-offset', 'format' = 'csv');
CREATE TABLE users (uid BIGINT, tier STRING)
WITH ($(my_with users "'lookup.cache' = 'NONE', 'lookup.batch-size' = '1'"));
CREATE TABLE win_db (uid BIGINT, tier STRING, ws TIMESTAMP(3), cnt BIGINT, total BIGINT)
WITH ($(my_with "win_$1" "'sink.delivery-guarantee' = 'exactly-once'"));
CREATE TABLE win_files (uid BIGINT, tier STRING, ws TIMESTAMP(3), cnt BIGINT, total BIGINT)
WITH ('connector' = 'filesystem', 'path' = 'wins', 'format' = 'csv',
    'sink.delivery-guarantee' = 'exactly-once');
CREATE TABLE match_files (uid BIGINT, first_ts TIMESTAMP(3), last_ts TIMESTAMP(3),
    n BIGINT, tier STRING)
WITH ('connector' = 'filesystem', 'path' = 'matches', 'format' = 'csv',
    'sink.delivery-guarantee' = 'exactly-once');
CREATE VIEW enriched AS
SELECT t.id, t.uid, t.amount, t.ts, u.tier
FROM tx AS t LEFT JOIN users FOR SYSTEM_TIME AS OF t.proc AS u ON t.uid = u.uid;
EXECUTE STATEMENT SET BEGIN
INSERT INTO win_db SELECT uid, tier, window_start, COUNT(*), SUM(amount)
FROM TABLE(TUMBLE(TABLE enriched, DESCRIPTOR(ts), INTERVAL '10' SECOND))
GROUP BY uid, tier, window_start, window_end;
INSERT INTO win_files SELECT uid, tier, window_start, COUNT(*), SUM(amount)
FROM TABLE(TUMBLE(TABLE enriched, DESCRIPTOR(ts), INTERVAL '10' SECOND))
GROUP BY uid, tier, window_start, window_end;
INSERT INTO match_files SELECT uid, first_ts, last_ts, n, tier
FROM enriched MATCH_RECOGNIZE (
    PARTITION BY uid ORDER BY ts
    MEASURES A.ts AS first_ts, LAST(C.ts) AS last_ts, COUNT(B.id) AS n,
        A.tier AS tier
    ONE ROW PER MATCH AFTER MATCH SKIP PAST LAST ROW
    PATTERN (A B+ C)
    DEFINE A AS A.amount < 50, B AS B.amount >= 50, C AS C.amount < 50) AS M;
END;
SQL
}

run_fg() { # run_fg NAME: to the end (or a fault), status in $rc
    (cd "$T/$1" && exec "$FSQL" run --checkpoint-dir ck job.sql \
        >>out.txt 2>>err.txt)
    rc=$?
}

newest_chk() { # the newest checkpoint file of NAME
    ls "$T/$1/ck" 2>/dev/null | grep '^chk-' | sort | tail -n 1
}

job ref
run_fg ref
[ "$rc" = 0 ] || fail "reference run exited $rc: $(tail -n 3 "$T/ref/err.txt")"
n_win=$(my_sql "SELECT COUNT(*) FROM win_ref")
[ "$n_win" -gt 1000 ] || fail "reference run wrote $n_win window rows"
[ "$(cat "$T"/ref/matches/part-* | wc -l)" -gt 100 ] ||
    fail "reference run found too few matches"

job run
kills=0
for f in sink.before-commit:2 sink.during-commit:1 \
    checkpoint.after-state-write:2 sink.after-commit:2 sink.during-commit:4; do
    FSQL_FAULT=$f run_fg run
    [ "$rc" = 137 ] && kills=$((kills + 1))
done
[ "$kills" -ge 4 ] || fail "only $kills of 5 fault points killed fsql"
random_kills=0
for i in $(seq 1 "$N_KILLS"); do
    before=$(newest_chk run)
    (cd "$T/run" && exec "$FSQL" run --checkpoint-dir ck job.sql \
        >>out.txt 2>>err.txt) &
    JOB_PID=$!
    # Wait for a new checkpoint (at most 5 s), then a random 0-90 ms.
    for k in $(seq 250); do
        [ "$(newest_chk run)" != "$before" ] && break
        kill -0 "$JOB_PID" 2>/dev/null || break
        sleep 0.02
    done
    sleep "0.0$((RANDOM % 10))"
    if kill -9 "$JOB_PID" 2>/dev/null; then
        random_kills=$((random_kills + 1))
    fi
    wait "$JOB_PID" 2>/dev/null
    JOB_PID=
done
run_fg run
[ "$rc" = 0 ] || fail "final run exited $rc: $(tail -n 3 "$T/run/err.txt")"
[ "$random_kills" -ge $((N_KILLS / 2)) ] ||
    fail "only $random_kills of $N_KILLS random kills hit a running job"

a=$(my_sql "SELECT uid, IFNULL(tier, '-'), ws, cnt, total FROM win_ref ORDER BY 1, 2, 3, 4, 5")
b=$(my_sql "SELECT uid, IFNULL(tier, '-'), ws, cnt, total FROM win_run ORDER BY 1, 2, 3, 4, 5")
[ "$a" = "$b" ] || fail "MariaDB window table after crashes differs from one run: $(diff <(echo "$a") <(echo "$b") | head -n 6)"
for d in wins matches; do
    cat "$T"/ref/$d/part-* | sort >"$T/$d.ref"
    cat "$T"/run/$d/part-* | sort >"$T/$d.run"
    cmp -s "$T/$d.ref" "$T/$d.run" ||
        fail "$d files after crashes differ from one run: $(diff "$T/$d.ref" "$T/$d.run" | head -n 6)"
    left=$(ls -a "$T/run/$d" | grep -c 'inprogress$' || true)
    [ "$left" = 0 ] || fail "$left in-progress files left in $d"
done
# The file sinks and the table hold the same window rows.
[ "$(wc -l <"$T/wins.run")" = "$n_win" ] || fail "window files and table differ in size"
echo "ok: exactly-once after $kills fault kills and $random_kills random kills ($n_win window rows, $(wc -l <"$T/matches.run") matches)"
