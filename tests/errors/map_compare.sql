-- MAP values cannot be compared with = (nor ordered).
CREATE TABLE t (id INT, m MAP<STRING, INT>)
WITH ('connector' = 'filesystem', 'path' = 'x.jsonl', 'format' = 'json');
SELECT id FROM t WHERE m = MAP['a', 1];
