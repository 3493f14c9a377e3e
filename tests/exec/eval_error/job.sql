-- An expression error names the SQL position and the record's file:line.
CREATE TABLE t (a INT, b INT)
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');
SELECT a, a / b AS q FROM t;
