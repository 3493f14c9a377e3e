-- The print connector: +I[...] rows with Flink's value text, with and
-- without 'print-identifier', and on standard error.
CREATE TABLE t (id INT, name STRING, amount DECIMAL(10, 3), ok BOOLEAN,
                ts TIMESTAMP(3), d DOUBLE)
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');

CREATE TABLE plain (id INT, name STRING, amount DECIMAL(10, 3), ok BOOLEAN,
                    ts TIMESTAMP(3), d DOUBLE)
WITH ('connector' = 'print');

CREATE TABLE tagged (id INT, name STRING)
WITH ('connector' = 'print', 'print-identifier' = 'alerts');

CREATE TABLE err (id INT)
WITH ('connector' = 'print', 'print-identifier' = 'e', 'standard-error' = 'true');

EXECUTE STATEMENT SET BEGIN
INSERT INTO plain SELECT * FROM t;
INSERT INTO tagged SELECT id, name FROM t WHERE ok;
INSERT INTO err SELECT id FROM t WHERE id = 1;
END;
