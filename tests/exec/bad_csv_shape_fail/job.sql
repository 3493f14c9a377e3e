-- A csv record with too few fields fails the job as a malformed record at
-- its line, even though its first field does not convert either.
CREATE TABLE t (id INT, name STRING, amount DECIMAL(5, 2))
WITH ('connector' = 'filesystem', 'path' = 'in.csv', 'format' = 'csv');
SELECT * FROM t;
