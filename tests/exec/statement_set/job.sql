-- A statement set writing two file sinks and a print sink from one
-- source, read once (the summary counts each row in once).
CREATE TABLE src (id INT, kind STRING, amount DECIMAL(10, 2))
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');
CREATE TABLE big (id INT, amount DECIMAL(10, 2))
WITH ('connector' = 'filesystem', 'path' = 'out/big.jsonl', 'format' = 'json');
CREATE TABLE kinds (kind STRING, id INT)
WITH ('connector' = 'filesystem', 'path' = 'out/kinds/', 'format' = 'csv');
CREATE TABLE p (id INT)
WITH ('connector' = 'print');

BEGIN STATEMENT SET;
INSERT INTO big SELECT id, amount FROM src WHERE amount >= 100;
INSERT INTO kinds SELECT kind, id FROM src;
END;
INSERT INTO p SELECT id FROM src WHERE kind = 'refund';
