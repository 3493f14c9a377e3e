-- A missing input file is an error before any row is read (exit 2).
CREATE TABLE t (id INT) WITH ('connector' = 'filesystem', 'path' = 'nope.jsonl', 'format' = 'json');
CREATE TABLE p (id INT) WITH ('connector' = 'print');
INSERT INTO p SELECT * FROM t;
