-- args: --output changelog
-- COUNT(A.*) counts the rows mapped to a variable (or a SUBSET), COUNT(*)
-- every row of the match so far (SQL:2016 / TR 19075-5, "aggregates" in
-- row pattern recognition; Oracle's pattern-matching chapter uses the
-- same forms).  Rows (ids 1-8): a a b a a a b c.  Expected rows, worked
-- out by hand:
-- q1 PATTERN (A+ B), A AS tag = 'a' AND COUNT(A.*) <= 2 (DEFINE: the
--    tested row counts): from 1, A A then B at 3: 1-3 (2 A, 1 B, 3
--    rows); from 4, A A and row 6 is neither a third A nor a B: none;
--    from 5, A A B: 5-7.
-- q2 ALL ROWS PER MATCH, PATTERN (A+ B+), SUBSET U = (A, B): RUNNING
--    COUNT(*) and COUNT(U.*) grow row by row, FINAL COUNT(A.*) is the
--    match's: 1-3 (A A B: 1 2 3 / final 2) and 4-7 (A A A B: 1 2 3 4 /
--    final 3).
-- q3 PATTERN (X+), X AS COUNT(*) <= 3 (the match so far, tested row included): greedy
--    runs of three rows: 1-3, 4-6, 7-8 (the input ends).
CREATE TABLE e (id INT, tag STRING, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');
SELECT 'q1' AS q, * FROM e MATCH_RECOGNIZE (
  ORDER BY ts
  MEASURES FIRST(id) AS f, LAST(id) AS l, COUNT(A.*) AS na, COUNT(B.*) AS nb,
    COUNT(*) AS n
  ONE ROW PER MATCH AFTER MATCH SKIP PAST LAST ROW
  PATTERN (A+ B) DEFINE A AS tag = 'a' AND COUNT(A.*) <= 2, B AS tag = 'b') m;
SELECT 'q2' AS q, id, cls, n, nu, na FROM e MATCH_RECOGNIZE (
  ORDER BY ts
  MEASURES CLASSIFIER() AS cls, RUNNING COUNT(*) AS n, COUNT(U.*) AS nu,
    FINAL COUNT(A.*) AS na
  ALL ROWS PER MATCH AFTER MATCH SKIP PAST LAST ROW
  PATTERN (A+ B+) SUBSET U = (A, B) DEFINE A AS tag = 'a', B AS tag = 'b') m;
SELECT 'q3' AS q, * FROM e MATCH_RECOGNIZE (
  ORDER BY ts
  MEASURES FIRST(id) AS f, LAST(id) AS l, COUNT(*) AS n
  ONE ROW PER MATCH AFTER MATCH SKIP PAST LAST ROW
  PATTERN (X+) DEFINE X AS COUNT(*) <= 3) m;
