-- A malformed record fails the job with file:line (exit 2); the rows
-- before it are still written.
CREATE TABLE t (id INT, name STRING)
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');
SELECT * FROM t;
