#!/usr/bin/env bash
# json_writer_options.sh - the json format's writer options on a file
# sink: json.encode.ignore-null-fields, json.timestamp-format.standard =
# 'ISO-8601' (TIMESTAMP with a T, TIMESTAMP_LTZ in UTC with a Z) and
# json.map-null-key.mode (FAIL by default: the job fails naming the
# column; DROP; LITERAL with json.map-null-key.literal).  The files are
# read back with Python's json module, and a file written with the
# defaults is compared with the same rows.
. "$(dirname "$0")/lib.bash"

cat >"$T/job.sql" <<'EOF'
CREATE TABLE o1 (id INT, m MAP<STRING, INT>, ts TIMESTAMP(3), lt TIMESTAMP_LTZ(3), s STRING)
WITH ('connector' = 'filesystem', 'path' = 'o1.jsonl', 'format' = 'json',
      'json.encode.ignore-null-fields' = 'true',
      'json.timestamp-format.standard' = 'ISO-8601',
      'json.map-null-key.mode' = 'LITERAL', 'json.map-null-key.literal' = 'NK');
CREATE TABLE o2 (id INT, m MAP<STRING, INT>, s STRING, ts TIMESTAMP(3))
WITH ('connector' = 'filesystem', 'path' = 'o2.jsonl', 'format' = 'json',
      'json.map-null-key.mode' = 'DROP');
EXECUTE STATEMENT SET BEGIN
INSERT INTO o1 VALUES (1, MAP['a', 1, CAST(NULL AS STRING), 2],
    TIMESTAMP '2024-01-01 10:00:00.123', TO_TIMESTAMP_LTZ(86400123, 3), CAST(NULL AS STRING)),
    (2, CAST(NULL AS MAP<STRING, INT>), CAST(NULL AS TIMESTAMP(3)), TO_TIMESTAMP_LTZ(0, 3), 'x');
INSERT INTO o2 VALUES (1, MAP['a', 1, CAST(NULL AS STRING), 2], CAST(NULL AS STRING),
    TIMESTAMP '2024-01-01 10:00:00.5'), (2, MAP['b', 3], 'y', CAST(NULL AS TIMESTAMP(3)));
END;
EOF
runin "$T" run job.sql || fail "options job failed: $err"
python3 - "$T/o1.jsonl" "$T/o2.jsonl" <<'PY' || fail "written objects differ"
import json, sys
o1 = [json.loads(l) for l in open(sys.argv[1])]
o2 = [json.loads(l) for l in open(sys.argv[2])]
want1 = [{"id": 1, "m": {"a": 1, "NK": 2}, "ts": "2024-01-01T10:00:00.123",
          "lt": "1970-01-02T00:00:00.123Z"},
         {"id": 2, "lt": "1970-01-01T00:00:00.000Z", "s": "x"}]
want2 = [{"id": 1, "m": {"a": 1}, "s": None, "ts": "2024-01-01 10:00:00.500"},
         {"id": 2, "m": {"b": 3}, "s": "y", "ts": None}]
ok = True
for got, want, name in ((o1, want1, "o1"), (o2, want2, "o2")):
    if got != want:
        print("%s: got %r, want %r" % (name, got, want)); ok = False
sys.exit(0 if ok else 1)
PY

# FAIL (the default): the job fails, naming the table and the column.
cat >"$T/fail.sql" <<'EOF'
CREATE TABLE o3 (id INT, m MAP<STRING, INT>)
WITH ('connector' = 'filesystem', 'path' = 'o3.jsonl', 'format' = 'json');
INSERT INTO o3 VALUES (1, MAP['a', 1, CAST(NULL AS STRING), 2]);
EOF
runin "$T" run fail.sql
[ "$rc" -ne 0 ] || fail "a NULL map key was written under FAIL"
grep -q 'table "o3": column "m" holds a MAP with a NULL key' "$T/err.txt" ||
    fail "FAIL error: $(cat "$T/err.txt")"

# A bad option value is a clear error.
sed "s/'DROP'/'SKIP'/" "$T/job.sql" >"$T/bad.sql"
runin "$T" run bad.sql
[ "$rc" -ne 0 ] && grep -q "map-null-key.mode" "$T/err.txt" ||
    fail "bad mode accepted: $(cat "$T/err.txt")"
finish
