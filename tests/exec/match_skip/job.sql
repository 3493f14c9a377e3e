-- args: --output changelog
-- AFTER MATCH SKIP, on the rows  1 a, 2 a, 3 b, 4 b, 5 c, 6 a, 7 a, 8 b,
-- 9 c  and PATTERN (A+ B+ C?) (no partition), as the SQL standard
-- defines the resumption point:
--   PAST LAST ROW (written): 1-5, 6-9;
--   TO NEXT ROW: a match from every row that starts one, overlapping:
--     1-5, 2-5, 6-9, 7-9;
--   TO FIRST B: resume at the match's first B row: 1-5 resumes at 3 (no
--     match from a b row) ... 6-9 resumes at 8;
--   TO LAST A: 1-5 resumes at 2, whose match 2-5 would resume at 2
--     again - that is the run-time error tested in match_skip_error, so
--     here TO LAST B: 1-5 resumes at 4, 6-9 at 8.
-- The default, without AFTER MATCH SKIP, is PAST LAST ROW (the
-- standard's; Flink's SQL client users may expect TO NEXT ROW).
CREATE TABLE e (id INT, tag STRING, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');
CREATE TEMPORARY VIEW m_past AS SELECT 'past' AS mode, * FROM e MATCH_RECOGNIZE (
  ORDER BY ts MEASURES FIRST(id) AS first_id, LAST(id) AS last_id
  ONE ROW PER MATCH AFTER MATCH SKIP PAST LAST ROW
  PATTERN (A+ B+ C?) DEFINE A AS tag = 'a', B AS tag = 'b', C AS tag = 'c') m;
CREATE TEMPORARY VIEW m_default AS SELECT 'default' AS mode, * FROM e MATCH_RECOGNIZE (
  ORDER BY ts MEASURES FIRST(id) AS first_id, LAST(id) AS last_id
  PATTERN (A+ B+ C?) DEFINE A AS tag = 'a', B AS tag = 'b', C AS tag = 'c') m;
CREATE TEMPORARY VIEW m_next AS SELECT 'next' AS mode, * FROM e MATCH_RECOGNIZE (
  ORDER BY ts MEASURES FIRST(id) AS first_id, LAST(id) AS last_id
  ONE ROW PER MATCH AFTER MATCH SKIP TO NEXT ROW
  PATTERN (A+ B+ C?) DEFINE A AS tag = 'a', B AS tag = 'b', C AS tag = 'c') m;
CREATE TEMPORARY VIEW m_first AS SELECT 'first b' AS mode, * FROM e MATCH_RECOGNIZE (
  ORDER BY ts MEASURES FIRST(id) AS first_id, LAST(id) AS last_id
  ONE ROW PER MATCH AFTER MATCH SKIP TO FIRST B
  PATTERN (A+ B+ C?) DEFINE A AS tag = 'a', B AS tag = 'b', C AS tag = 'c') m;
CREATE TEMPORARY VIEW m_last AS SELECT 'last b' AS mode, * FROM e MATCH_RECOGNIZE (
  ORDER BY ts MEASURES FIRST(id) AS first_id, LAST(id) AS last_id
  ONE ROW PER MATCH AFTER MATCH SKIP TO LAST B
  PATTERN (A+ B+ C?) DEFINE A AS tag = 'a', B AS tag = 'b', C AS tag = 'c') m;
SELECT * FROM m_past;
SELECT * FROM m_default;
SELECT * FROM m_next;
SELECT * FROM m_first;
SELECT * FROM m_last;
