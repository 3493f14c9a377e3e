-- 'json.ignore-parse-errors': malformed records are skipped and counted
-- in the summary, bad values read as NULL.
CREATE TABLE t (id INT, name STRING)
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json',
      'json.ignore-parse-errors' = 'true');
SELECT * FROM t;
