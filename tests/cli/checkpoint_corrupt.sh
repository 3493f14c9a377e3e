#!/usr/bin/env bash
# checkpoint_corrupt.sh - damaged checkpoint files (issue 10).
#
# A rate-limited datagen sequence (ids 1..600) through a filter into a
# filesystem sink is killed right after checkpoint 3 (FSQL_FAULT), which
# leaves chk-1..3.  Then:
#  - one flipped byte in chk-3: the restart says "checkpoint
#    chk-0000000003.fsqlcp: checksum mismatch; falling back to
#    chk-0000000002", restores 2, and its new checkpoints continue at 4
#    (the damaged file is not overwritten).  With an at-least-once sink
#    the rows between checkpoints 2 and 3 are written twice: the output
#    holds every reference row, and exactly those rows once more;
#  - chk-3 truncated and chk-2 replaced by garbage: both reported, 1 used;
#  - every file damaged: warned, and the job starts from scratch;
#  - a checkpoint from a newer format (valid checksum) is refused, exit 2;
#  - a checkpoint of a different job is refused, exit 2.
. "$(dirname "$0")/lib.bash"

cat >"$T/job.sql" <<'EOF'
CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen',
    'fields.id.kind' = 'sequence', 'fields.id.start' = '1',
    'fields.id.end' = '600', 'rows-per-second' = '1000');
CREATE TABLE odds (id BIGINT) WITH ('connector' = 'filesystem',
    'path' = 'odds.jsonl', 'format' = 'json');
SET 'execution.checkpointing.interval' = '100 ms';
SET 'fsql.checkpointing.background-write' = 'false';
INSERT INTO odds SELECT id FROM src WHERE id % 2 = 1;
EOF

# crash_at_3: fresh directory, run until checkpoint 3 is durable.
crash_at_3() {
    rm -rf "$T/cp" "$T/odds.jsonl"
    FSQL_FAULT=checkpoint.after-state-write:3 runin "$T" run --checkpoint-dir cp job.sql
    expect_rc 137 "fault run"
    [ -f "$T/cp/chk-0000000003.fsqlcp" ] || fail "no checkpoint 3"
}

seq 1 2 599 | sed 's/.*/{"id":&}/' >"$T/ref.jsonl"

# ---- flipped byte in the newest -------------------------------------------
crash_at_3
at3=$(wc -l <"$T/odds.jsonl")
size=$(stat -c %s "$T/cp/chk-0000000003.fsqlcp")
printf '\xff' | dd of="$T/cp/chk-0000000003.fsqlcp" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
runin "$T" run --log-level info --checkpoint-dir cp job.sql
expect_rc 0 "restart after a flipped byte"
expect_in "$err" "warn: checkpoint chk-0000000003.fsqlcp: checksum mismatch; falling back to chk-0000000002" "fallback warning"
expect_in "$err" "info: restored checkpoint 2 from cp" "restored 2"
expect_in "$err" "info: checkpoint 4 written" "new ids after the damaged one"
# No loss: every reference row is there.
missing=$(sort "$T/ref.jsonl" | comm -23 - <(sort -u "$T/odds.jsonl"))
[ -z "$missing" ] || fail "rows lost after fallback: $(echo "$missing" | head -3)"
# The duplicates are exactly the rows written between checkpoints 2 and 3:
# a contiguous run of ids that run 1 wrote last.
dups=$(sort "$T/odds.jsonl" | uniq -d | sed 's/[^0-9]//g' | sort -n)
total=$(wc -l <"$T/odds.jsonl")
ndups=$(echo "$dups" | grep -c . || true)
[ "$total" = $((300 + ndups)) ] || fail "$total rows, want 300 + $ndups duplicates"
[ "$ndups" -gt 0 ] || fail "no duplicates: checkpoint 2 was not the one restored?"
if [ "$ndups" -gt 0 ]; then
    last=$(echo "$dups" | tail -1)
    first=$(echo "$dups" | head -1)
    [ "$last" = "$(sed -n "${at3}p" "$T/odds.jsonl" | sed 's/[^0-9]//g')" ] ||
        fail "duplicates end at $last, not at the last row before checkpoint 3"
    [ "$(( (last - first) / 2 + 1 ))" = "$ndups" ] || fail "duplicates are not contiguous: $dups"
fi
[ -f "$T/cp/chk-0000000003.fsqlcp" ] || [ "$(ls "$T/cp" | wc -l)" = 3 ] ||
    fail "retention: $(ls "$T/cp")"

# ---- two damaged files ------------------------------------------------------------
crash_at_3
truncate -s 30 "$T/cp/chk-0000000003.fsqlcp"
echo "not a checkpoint" >"$T/cp/chk-0000000002.fsqlcp"
runin "$T" run --log-level info --checkpoint-dir cp job.sql
expect_rc 0 "restart after two damaged files"
expect_in "$err" "checkpoint chk-0000000003.fsqlcp: truncated (30 bytes); falling back to chk-0000000002" "truncated"
expect_in "$err" "checkpoint chk-0000000002.fsqlcp: not an fsql checkpoint file (bad magic); falling back to chk-0000000001" "bad magic"
expect_in "$err" "restored checkpoint 1 from cp" "restored 1"
[ -z "$(sort "$T/ref.jsonl" | comm -23 - <(sort -u "$T/odds.jsonl"))" ] ||
    fail "rows lost after falling back to 1"

# ---- all damaged ------------------------------------------------------------------
crash_at_3
for f in "$T"/cp/chk-*.fsqlcp; do truncate -s 10 "$f"; done
rm -f "$T/odds.jsonl"
runin "$T" run --checkpoint-dir cp job.sql
expect_rc 0 "restart with every file damaged"
expect_in "$err" "falling back to no older checkpoint (starting fresh)" "fresh start warning"
cmp -s "$T/ref.jsonl" "$T/odds.jsonl" || fail "fresh start output differs"

# ---- a newer format ---------------------------------------------------------------
crash_at_3
python3 - "$T/cp/chk-0000000003.fsqlcp" <<'EOF'
import sys, zlib, struct
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
b[8:12] = struct.pack('<I', 99)
b[-4:] = struct.pack('<I', zlib.crc32(bytes(b[:-4])) & 0xffffffff)
open(p, 'wb').write(b)
EOF
runin "$T" run --checkpoint-dir cp job.sql
expect_rc 2 "newer format"
expect_in "$err" "fsql: checkpoint chk-0000000003.fsqlcp was written in format version 99 by a newer fsql; this build reads versions up to 1" "newer format message"

# ---- another job's directory ----------------------------------------------------
crash_at_3
cat >"$T/job2.sql" <<'EOF'
CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen',
    'fields.id.kind' = 'sequence', 'fields.id.start' = '1',
    'fields.id.end' = '600');
CREATE TABLE other (id BIGINT, twice BIGINT) WITH ('connector' = 'filesystem',
    'path' = 'other.jsonl', 'format' = 'json');
INSERT INTO other SELECT id, id * 2 FROM src;
EOF
runin "$T" run --checkpoint-dir cp job2.sql
expect_rc 2 "different job"
expect_in "$err" "fsql: checkpoint chk-0000000003.fsqlcp in \"cp\" was taken by a different job" "different job message"
[ ! -s "$T/other.jsonl" ] || fail "the refused job wrote rows"

finish
