-- A directory source: every file in name order; hidden files and names
-- starting with '_' are skipped.
CREATE TABLE t (id INT, name STRING)
WITH ('connector' = 'filesystem', 'path' = 'data', 'format' = 'json');
SELECT * FROM t;
