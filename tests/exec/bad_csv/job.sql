-- A csv record with a value that is not an INT fails the job at its line.
CREATE TABLE t (id INT, name STRING)
WITH ('connector' = 'filesystem', 'path' = 'in.csv', 'format' = 'csv');
SELECT * FROM t;
