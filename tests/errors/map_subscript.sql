-- A MAP looked up with a key of the wrong type.
CREATE TABLE t (id INT, m MAP<STRING, INT>)
WITH ('connector' = 'filesystem', 'path' = 'x.jsonl', 'format' = 'json');
SELECT m[1] FROM t;
