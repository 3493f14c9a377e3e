-- args: --output changelog
-- Partitions that hold no partial match are freed - also when the
-- pattern uses `^`, MATCH_NUMBER() or PREV (docs/match_recognize.md,
-- "Memory") - and must behave exactly as if they had been kept when
-- their next row comes.  Rows, in time order (ids 1-8 and 11-18):
--   p1: v = 1 2 5 1 2 5 1 2      p2: v = 5 9 4 3 8 1 7 6
-- Expected rows, worked out by hand (SQL:2016 semantics):
-- q1 PATTERN (^ A), A any positive v: only the partition's first row,
--    although the partition is idle (freed) after it: p1 id 1, p2 id 11.
-- q2 PATTERN (A B), A AS v = 1, B AS v = 2, MATCH_NUMBER(): p1 matches
--    (1, 2), (4, 5), (7, 8) numbered 1, 2, 3 - the partition is idle
--    between them (the 5 rows start nothing); p2 has no match.
-- q3 PATTERN (S D), S AS v >= 5, D AS v < PREV(v, 2): D's PREV reaches
--    one row before the match (S is its first row), so the partition
--    keeps one row of history while idle: p1 (3, 4) (1 < 2) and (6, 7)
--    (1 < 2); p2 (12, 13) (4 < 5; 11 (S) then 12: 9 < NULL fails) and
--    (15, 16) (1 < 3); 17 (S) then 18: 6 < 1 fails.
-- q4 PATTERN (D U) with DEFINE D AS v < PREV(v), U AS v > PREV(v): PREV
--    stays inside the match for U but reaches one row back for D: p1
--    (4, 5), (7, 8); p2: 13 (4 < 9) D but 14 (3 > 4) is no U; 14
--    (3 < 4) D, 15 (8 > 3) U: (14, 15); 16 (1 < 8) D, 17 (7 > 1) U:
--    (16, 17).
CREATE TABLE e (id INT, p STRING, v INT, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');
SELECT 'q1' AS q, * FROM e MATCH_RECOGNIZE (
  PARTITION BY p ORDER BY ts MEASURES A.id AS a, 0 AS b, 0 AS mn
  ONE ROW PER MATCH AFTER MATCH SKIP PAST LAST ROW
  PATTERN (^ A) DEFINE A AS v > 0) m;
SELECT 'q2' AS q, * FROM e MATCH_RECOGNIZE (
  PARTITION BY p ORDER BY ts MEASURES A.id AS a, B.id AS b, MATCH_NUMBER() AS mn
  ONE ROW PER MATCH AFTER MATCH SKIP PAST LAST ROW
  PATTERN (A B) DEFINE A AS v = 1, B AS v = 2) m;
SELECT 'q3' AS q, * FROM e MATCH_RECOGNIZE (
  PARTITION BY p ORDER BY ts MEASURES S.id AS a, D.id AS b, 0 AS mn
  ONE ROW PER MATCH AFTER MATCH SKIP PAST LAST ROW
  PATTERN (S D) DEFINE S AS v >= 5, D AS v < PREV(v, 2)) m;
SELECT 'q4' AS q, * FROM e MATCH_RECOGNIZE (
  PARTITION BY p ORDER BY ts MEASURES D.id AS a, U.id AS b, 0 AS mn
  ONE ROW PER MATCH AFTER MATCH SKIP PAST LAST ROW
  PATTERN (D U) DEFINE D AS v < PREV(v), U AS v > PREV(v)) m;
