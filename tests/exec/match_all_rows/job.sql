-- args: --output changelog
-- ALL ROWS PER MATCH (SQL standard semantics):
-- 1. PATTERN (A*) SHOW EMPTY MATCHES: rows that start no A-run give an
--    empty match, shown as that row with NULL CLASSIFIER(), COUNT 0 and
--    NULL SUM; MATCH_NUMBER() counts empty matches too.  RUNNING SUM(v)
--    grows row by row, FINAL SUM(v) and FINAL LAST(id) are the whole
--    match's.
-- 2. The same with OMIT EMPTY MATCHES: the empty matches are not shown
--    (their numbers are still used).
-- 3. PATTERN (A {- B -} C?) WITH UNMATCHED ROWS: B rows are excluded from
--    the output, rows in no match come out with NULL measures (row 1: A
--    not followed by a b row; row 11); rows inside a match are never
--    "unmatched".
CREATE TABLE e (id INT, u STRING, v INT, tag STRING, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');
SELECT id, u, tag, cls, mno, rsum, fsum, rcnt, fl FROM e MATCH_RECOGNIZE (
  PARTITION BY u ORDER BY ts
  MEASURES CLASSIFIER() AS cls, MATCH_NUMBER() AS mno, RUNNING SUM(v) AS rsum, FINAL SUM(v) AS fsum,
   COUNT(A.id) AS rcnt, FINAL LAST(id) AS fl
  ALL ROWS PER MATCH SHOW EMPTY MATCHES
  PATTERN (A*)
  DEFINE A AS A.tag = 'a'
) m;
SELECT id, u, tag, cls, mno, rsum FROM e MATCH_RECOGNIZE (
  PARTITION BY u ORDER BY ts
  MEASURES CLASSIFIER() AS cls, MATCH_NUMBER() AS mno, SUM(v) AS rsum
  ALL ROWS PER MATCH OMIT EMPTY MATCHES
  PATTERN (A*)
  DEFINE A AS A.tag = 'a'
) m;
SELECT id, u, tag, cls, mno FROM e MATCH_RECOGNIZE (
  PARTITION BY u ORDER BY ts
  MEASURES CLASSIFIER() AS cls, MATCH_NUMBER() AS mno
  ALL ROWS PER MATCH WITH UNMATCHED ROWS
  PATTERN (A {- B -} C?)
  DEFINE A AS A.tag = 'a', B AS B.tag = 'b', C AS C.v > 10
) m;
