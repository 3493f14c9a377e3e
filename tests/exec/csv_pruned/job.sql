-- csv maps fields by position: a job that reads only some columns of a csv
-- table (the scan is pruned to them) must still decode every field in place.
CREATE TABLE t (
    id INT,
    name STRING,
    amount DECIMAL(10, 2),
    fn STRING METADATA FROM 'file.name'
) WITH ('connector' = 'filesystem', 'path' = 'in.csv', 'format' = 'csv');

SELECT amount, id FROM t WHERE name <> 'bob';
SELECT fn, name FROM t;
