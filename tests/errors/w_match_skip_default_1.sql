CREATE TABLE t (id INT, amount INT, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
WITH ('connector' = 'filesystem', 'path' = 't.jsonl', 'format' = 'json');
SELECT * FROM t MATCH_RECOGNIZE (
  ORDER BY ts
  MEASURES FIRST(A.id) AS first_id
  PATTERN (A{3})
  DEFINE A AS A.amount < 100
) m;
