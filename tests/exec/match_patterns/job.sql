-- args: --output changelog
-- PATTERN syntax through SQL on one stream of tags (ids 1-12):
--   a a b a b c b a a c a b      (v = (id - 1) * 7 mod 10)
-- One row per match: first and last id and per-variable counts.  The
-- expected rows, worked out by the SQL standard's preferment rules
-- (greedy more, reluctant fewer, leftmost alternative first, PERMUTE
-- orders in lexicographic order of the items, then AFTER MATCH SKIP PAST
-- LAST ROW), and what the output shows:
-- q1 ((A | B)+ C): 1-6 (A 1,2,4; B 3,5) and 7-10.
-- q2 (A+? B): 1-3, 4-5, 11-12 (8 a, 9 a, 10 c breaks the run).
-- q3 (A{2} | B): 1-2 (A A), 3, 5, 7 (B), 8-9 (A A), 12 (B); rows 4 and
--    11 (an a before a b) start no match.
-- q4 (PERMUTE(A, B, C)): 4-6 (a b c) and 10-12 (c a b).
-- q5 (^ A+): only at the start of the partition: 1-2.
-- q6 (X A* B $): X is not defined (any row); `$` is the end of the input
--    (the partition), so only 10-12 (c a b) ends there.
-- q7 ((A | B)+ C with SUBSET U = (A, B)): aggregates over the subset, in
--    DEFINE (C needs AVG(U.v) >= 3) and MEASURES: 1-6 (5 rows, 20,
--    average 4) and 7-10 (3 rows, 17, average 5).
CREATE TABLE e (id INT, tag STRING, v INT, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');
CREATE TEMPORARY VIEW q1 AS SELECT 'q1' AS q, * FROM e MATCH_RECOGNIZE (
  ORDER BY ts MEASURES FIRST(id) AS f, LAST(id) AS l, COUNT(A.id) AS na, COUNT(B.id) AS nb
  ONE ROW PER MATCH AFTER MATCH SKIP PAST LAST ROW
  PATTERN ((A | B)+ C) DEFINE A AS tag = 'a', B AS tag = 'b', C AS tag = 'c') m;
CREATE TEMPORARY VIEW q2 AS SELECT 'q2' AS q, * FROM e MATCH_RECOGNIZE (
  ORDER BY ts MEASURES FIRST(id) AS f, LAST(id) AS l, COUNT(A.id) AS na, COUNT(B.id) AS nb
  ONE ROW PER MATCH AFTER MATCH SKIP PAST LAST ROW
  PATTERN (A+? B) DEFINE A AS tag = 'a', B AS tag = 'b') m;
CREATE TEMPORARY VIEW q3 AS SELECT 'q3' AS q, * FROM e MATCH_RECOGNIZE (
  ORDER BY ts MEASURES FIRST(id) AS f, LAST(id) AS l, COUNT(A.id) AS na, COUNT(B.id) AS nb
  ONE ROW PER MATCH AFTER MATCH SKIP PAST LAST ROW
  PATTERN (A{2} | B) DEFINE A AS tag = 'a', B AS tag = 'b') m;
CREATE TEMPORARY VIEW q4 AS SELECT 'q4' AS q, * FROM e MATCH_RECOGNIZE (
  ORDER BY ts MEASURES FIRST(id) AS f, LAST(id) AS l, COUNT(A.id) AS na, COUNT(B.id) AS nb
  ONE ROW PER MATCH AFTER MATCH SKIP PAST LAST ROW
  PATTERN (PERMUTE(A, B, C)) DEFINE A AS tag = 'a', B AS tag = 'b', C AS tag = 'c') m;
CREATE TEMPORARY VIEW q5 AS SELECT 'q5' AS q, * FROM e MATCH_RECOGNIZE (
  ORDER BY ts MEASURES FIRST(id) AS f, LAST(id) AS l, COUNT(A.id) AS na, 0 AS nb
  ONE ROW PER MATCH AFTER MATCH SKIP PAST LAST ROW
  PATTERN (^ A+) DEFINE A AS tag = 'a') m;
CREATE TEMPORARY VIEW q6 AS SELECT 'q6' AS q, * FROM e MATCH_RECOGNIZE (
  ORDER BY ts MEASURES FIRST(id) AS f, LAST(id) AS l, COUNT(A.id) AS na, COUNT(B.id) AS nb
  ONE ROW PER MATCH AFTER MATCH SKIP PAST LAST ROW
  PATTERN (X A* B $) DEFINE A AS tag = 'a', B AS tag = 'b') m;
CREATE TEMPORARY VIEW q7 AS SELECT 'q7' AS q, * FROM e MATCH_RECOGNIZE (
  ORDER BY ts MEASURES FIRST(id) AS f, LAST(id) AS l, COUNT(U.v) AS na, SUM(U.v) AS nb,
    AVG(U.v) AS av
  ONE ROW PER MATCH AFTER MATCH SKIP PAST LAST ROW
  PATTERN ((A | B)+ C) SUBSET U = (A, B)
  DEFINE A AS tag = 'a', B AS tag = 'b', C AS tag = 'c' AND AVG(U.v) >= 3) m;
SELECT * FROM q1;
SELECT * FROM q2;
SELECT * FROM q3;
SELECT * FROM q4;
SELECT * FROM q5;
SELECT * FROM q6;
SELECT * FROM q7;
