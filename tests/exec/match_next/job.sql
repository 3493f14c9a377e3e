-- args: --output changelog
-- NEXT in DEFINE: a row's condition reads the rows after it in the
-- partition (in event time), so the automaton gets a row only once the
-- partition holds n rows after it - or at the end of the input, where
-- NEXT is NULL (SQL:2016 / TR 19075-5: physical navigation within the
-- row pattern partition; beyond it the value is NULL).  Rows of x arrive
-- out of order (within the watermark delay); the expected rows are worked
-- out by hand from the time-ordered partitions:
--   x (ids 1-7 in time order): v = 1 3 2 5 4 4 6
--   y (ids 11-15): v = 7 8 9 1 1
--   z (ids 21-23): v = 1 2 9 at 12:01:00, :05, :20
--   q (ids 31-33): v = 1 2 0 at 12:01:00, :05, :20
--   w (ids 41, 42) at 12:01:15, :16 (move the watermark past 12:01:10)
-- q1 local peaks (v > PREV(v) AND v > NEXT(v)): ids 2 (3 > 1, 3 > 2) and
--    4 (5 > 2, 5 > 4); id 7 (6 > 4, NEXT NULL: unknown) is none, nor is
--    id 11 (PREV NULL); 13 (9 > 8, 9 > 1) and 32 (2 > 1, 2 > 0) are
--    peaks too.  So x: 2, 4; y: 13; q: 32.
-- q2 A+ with A AS NEXT(v, 2) IS NOT NULL: every row but the last two of
--    its partition: x 1-5 (5 rows), y 11-13 (3 rows); z, q and w
--    similarly (z 21, q 31; w has no row with two after it).
-- q3 WITHIN and NEXT: PATTERN (A B) WITHIN INTERVAL '10' SECOND, A a row
--    of z or q with v = 1, B AS v < NEXT(v).  B's row (12:01:05) lies in
--    the window; its NEXT (12:01:20) lies beyond it, which DEFINE may
--    read.  The watermark passes the end of the window (w's rows) before
--    the 12:01:20 rows arrive, yet the partial match stays open until
--    B's row is decided: z matches (2 < 9), q does not (2 < 0 fails).
-- q4 ALL ROWS PER MATCH, NEXT in DEFINE and MEASURES: PATTERN (U+ D)
--    with U AS v < NEXT(v) (the next row is higher), D any row: in x,
--    1 (1 < 3) U, 2 (3 < 2) no: so the first match is 1 U, 2 D; then 3
--    (2 < 5) U, 4 D; then 5 (4 < 4 no) starts none; 6 (4 < 6) U, 7 D.
--    The measure NEXT(v) is the next row's v in the partition, also past
--    the match (rows 2 and 4: 2 and 4), and NULL past the partition's
--    last row (row 7): MEASURES wait for the rows NEXT reads too.
-- q5 NEXT in MEASURES past the match and its WITHIN window: PATTERN (A B)
--    WITHIN INTERVAL '10' SECOND, A as in q3, B any row; NEXT(B.v) is the
--    row after B (12:01:20, 10 s past the window): z (21, 22) 9, q (31,
--    32) 0 - the match waits for that row although the watermark passed
--    the window's end before it arrived.
CREATE TABLE e (id INT, s STRING, v INT, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');
SELECT 'q1' AS q, * FROM e MATCH_RECOGNIZE (
  PARTITION BY s ORDER BY ts MEASURES P.id AS id
  ONE ROW PER MATCH AFTER MATCH SKIP PAST LAST ROW
  PATTERN (P) DEFINE P AS v > PREV(v) AND v > NEXT(v)) m;
SELECT 'q2' AS q, * FROM e MATCH_RECOGNIZE (
  PARTITION BY s ORDER BY ts
  MEASURES FIRST(A.id) AS f, LAST(A.id) AS l, COUNT(*) AS n
  ONE ROW PER MATCH AFTER MATCH SKIP PAST LAST ROW
  PATTERN (A+) DEFINE A AS NEXT(v, 2) IS NOT NULL) m;
SELECT 'q3' AS q, * FROM e MATCH_RECOGNIZE (
  PARTITION BY s ORDER BY ts
  MEASURES A.id AS a_id, B.id AS b_id, B.ts AS b_ts
  ONE ROW PER MATCH AFTER MATCH SKIP PAST LAST ROW
  PATTERN (A B) WITHIN INTERVAL '10' SECOND
  DEFINE A AS s IN ('z', 'q') AND v = 1, B AS v < NEXT(v)) m;
SELECT 'q4' AS q, id, v, cls, nv, mn FROM e MATCH_RECOGNIZE (
  PARTITION BY s ORDER BY ts
  MEASURES CLASSIFIER() AS cls, NEXT(v) AS nv, MATCH_NUMBER() AS mn
  ALL ROWS PER MATCH AFTER MATCH SKIP PAST LAST ROW
  PATTERN (U+ D) DEFINE U AS s = 'x' AND v < NEXT(v)) m;
SELECT 'q5' AS q, * FROM e MATCH_RECOGNIZE (
  PARTITION BY s ORDER BY ts
  MEASURES A.id AS a_id, B.id AS b_id, NEXT(B.v) AS after_b
  ONE ROW PER MATCH AFTER MATCH SKIP PAST LAST ROW
  PATTERN (A B) WITHIN INTERVAL '10' SECOND
  DEFINE A AS s IN ('z', 'q') AND v = 1) m;
