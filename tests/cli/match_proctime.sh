#!/usr/bin/env bash
# match_proctime.sh - MATCH_RECOGNIZE ordered by processing time: WITHIN
# windows close on a processing-time timer, not only when the next row
# arrives (issue 7).  A datagen source emits one row per second; the
# windows are 0.2 s long, so every window closes while the input is idle.
#   1. Absence, PATTERN (A X* $) WITHIN 0.2 s (X never holds): each row is
#      a match of its own once its window closes.  The rows and counts do
#      not depend on the clock; the emission time (MATCH_PROCTIME(), the
#      wall clock when the match is emitted) must come well before the
#      next row - under 0.9 s after the row (0.2 s expected); without the
#      timer it would be the next row's arrival, a second later, or the
#      end of the input.
#   2. Expiry, PATTERN (A B) with A an odd id and B any row: B comes a
#      second after A, so WITHIN 0.2 s finds nothing while WITHIN 5 s
#      finds (1, 2) and (3, 4).
. "$(dirname "$0")/lib.bash"

job() { # job PATTERN WITHIN DEFINE
    cat <<EOF2
CREATE TABLE g (id BIGINT, p AS PROCTIME())
WITH ('connector' = 'datagen', 'rows-per-second' = '1', 'number-of-rows' = '4',
      'fields.id.kind' = 'sequence', 'fields.id.start' = '1',
      'fields.id.end' = '4');
SELECT * FROM g MATCH_RECOGNIZE (
  ORDER BY p
  MEASURES FIRST(id) AS f, LAST(id) AS l, A.p AS ap, MATCH_PROCTIME() AS mp,
    COUNT(*) AS n
  ONE ROW PER MATCH AFTER MATCH SKIP PAST LAST ROW
  PATTERN ($1) WITHIN INTERVAL '$2' SECOND
  DEFINE $3) m;
EOF2
}

job 'A X* $' 0.2 'A AS id > 0, X AS false' >"$T/absence.sql"
run run --output jsonl "$T/absence.sql"
expect_rc 0 "absence job"
python3 - "$T/out" <<'PY' || fail "absence: $(cat "$T/out")"
import json, sys
from datetime import datetime
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
ids = [(r["f"], r["l"], r["n"]) for r in rows]
assert ids == [(1, 1, 1), (2, 2, 1), (3, 3, 1), (4, 4, 1)], ids
def ms(s):
    return datetime.strptime(s.rstrip("Z"), "%Y-%m-%d %H:%M:%S.%f").timestamp() * 1000
for r in rows[:3]:  # the last one may close at the end of the input
    d = ms(r["mp"]) - ms(r["ap"])
    assert 150 <= d < 900, ("emitted %d ms after its row" % d, r)
PY

job 'A B' 0.2 'A AS MOD(id, 2) = 1' >"$T/short.sql"
run run --output jsonl "$T/short.sql"
expect_rc 0 "short window job"
[ -z "$out" ] || fail "WITHIN 0.2 s: no match expected, got: $out"

job 'A B' 5 'A AS MOD(id, 2) = 1' >"$T/long.sql"
run run --output jsonl "$T/long.sql"
expect_rc 0 "long window job"
got=$(printf '%s\n' "$out" | python3 -c '
import json, sys
print(" ".join("%d-%d" % (r["f"], r["l"]) for r in map(json.loads, filter(str.strip, sys.stdin))))')
[ "$got" = "1-2 3-4" ] || fail "WITHIN 5 s: want 1-2 3-4, got: $got ($out)"
exit $((failures > 0))
