-- args: --output table
-- --output table: a bordered table at the end.
CREATE TABLE t (id INT, name STRING, amount DECIMAL(10, 2), ts TIMESTAMP(3))
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');
SELECT id, name, amount, ts FROM t;
