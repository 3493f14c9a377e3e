-- args: --output changelog
-- AFTER MATCH SKIP TO LAST A with PATTERN (A+ B+ C?): the first match
-- (rows 1-5) resumes at its last A, row 2; the match found there (2-5)
-- would resume at its own last A - row 2, its first row - and matching
-- would never advance.  The SQL standard makes that an exception; fsql
-- stops the job with a run-time error naming the clause, after emitting
-- both matches.
CREATE TABLE e (id INT, tag STRING, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');
SELECT * FROM e MATCH_RECOGNIZE (
  ORDER BY ts MEASURES FIRST(id) AS first_id, LAST(id) AS last_id
  ONE ROW PER MATCH AFTER MATCH SKIP TO LAST A
  PATTERN (A+ B+ C?) DEFINE A AS tag = 'a', B AS tag = 'b', C AS tag = 'c') m;
