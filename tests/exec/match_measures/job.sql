-- args: --output changelog
-- MEASURES and DEFINE navigation, checked by hand against the SQL
-- standard's rules (ISO/IEC 19075-5, row pattern navigation):
--   FIRST/LAST(A.x, n): the n-th row mapped to A from the first / last;
--   PREV(A.v): the row before the last A row (physical, may leave the
--   match: NULL before the partition's first row); PREV(LAST(A.v), 2)
--   and NEXT(FIRST(A.v)) compose a logical and a physical offset;
--   COUNT(*) counts every row of the match, COUNT/SUM/AVG/MIN/MAX(A.v)
--   the rows mapped to A; CLASSIFIER() of ONE ROW PER MATCH is the last
--   row's variable; MATCH_NUMBER() counts per partition.
-- DEFINE: A's condition uses PREV and a running COUNT over A including
-- the row tested; B's uses LAST(A.v) and AVG(A.v) over the A rows.
-- u = x: rows 1, 2 (A A) then 3 (B: 15 < 20 and 15 > 15 / 2) match;
-- from row 4, B = row 6 fails (5 > 35 / 2 is false), so no second match.
-- u = y: A = 8, B = 9.
CREATE TABLE e (id INT, u STRING, v INT, tag STRING, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');
SELECT * FROM e MATCH_RECOGNIZE (
  PARTITION BY u ORDER BY ts
  MEASURES FIRST(A.id) AS a1, LAST(A.id) AS a2, FIRST(A.id, 1) AS a_second, LAST(A.id, 1) AS a_before_last,
    PREV(A.v) AS before_a, PREV(LAST(A.v), 2) AS pl2, NEXT(FIRST(A.v)) AS nf,
    COUNT(*) AS n, COUNT(A.v) AS na, SUM(A.v) AS sa, AVG(A.v) AS av, MIN(A.v) AS mn, MAX(B.v) AS mx,
    B.id AS b, CLASSIFIER() AS cls, MATCH_NUMBER() AS mno, MATCH_ROWTIME() AS mrt
  ONE ROW PER MATCH
  AFTER MATCH SKIP PAST LAST ROW
  PATTERN (A+ B)
  DEFINE A AS A.tag = 'a' AND (PREV(A.v) IS NULL OR A.v > PREV(A.v) OR COUNT(A.v) = 1), B AS B.v < LAST(A.v) AND B.v > AVG(A.v) / 2
) m;
