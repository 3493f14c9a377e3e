-- args: --output changelog
-- Event-time order: the rows arrive shuffled (within the watermark's 10
-- second delay) and are matched in the order of ts, then of the
-- secondary ORDER BY column seq (rows 4 and 5 share 10:00:04: seq puts
-- 4 (a) before 5 (b)).  Row 11 (10:00:05) arrives after row 10 (10:00:31)
-- moved the watermark to 10:00:21: it is late, dropped and counted.
-- PATTERN (A+ B+) greedy at the end: the match of rows 1-5 is final only
-- when row 6 (an a) is fed - decided in event time, not by arrival.
--   1 a 10:00:00, 2 a :01, 3 b :02, 4 a :04 (seq 1), 5 b :04 (seq 2),
--   6 a :06, 7 b :07, 8 c :08, 9 a :30, 10 b :31
-- Expected (ALL ROWS PER MATCH): 1 A, 2 A, 3 B (match 1); 4 A, 5 B
-- (match 2); 6 A, 7 B (match 3); 9 A, 10 B (match 4, at end of input).
CREATE TABLE e (id INT, tag STRING, seq INT, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '10' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');
SELECT id, tag, ts, cls, mno FROM e MATCH_RECOGNIZE (
  ORDER BY ts, seq
  MEASURES CLASSIFIER() AS cls, MATCH_NUMBER() AS mno
  ALL ROWS PER MATCH
  AFTER MATCH SKIP PAST LAST ROW
  PATTERN (A+ B+)
  DEFINE A AS tag = 'a', B AS tag = 'b') m;
