CREATE TABLE t (id INT, name STRING)
WITH ('connector' = 'filesystem', 'path' = 'data.jsonl', 'format' = 'json');
