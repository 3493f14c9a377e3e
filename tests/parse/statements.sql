-- Non-DDL statements: INSERT, statement sets, SET/RESET, SHOW, DESCRIBE,
-- EXPLAIN, USE.
INSERT INTO sink SELECT * FROM src;
INSERT INTO db.sink (a, b) SELECT x, y FROM src WHERE x > 0;
INSERT OVERWRITE sink PARTITION (dt = '2024-01-01', h = 3) SELECT a FROM src;
INSERT INTO sink /*+ OPTIONS('sink.parallelism' = '2') */ VALUES (1, 'a'), (2, 'b');
EXECUTE INSERT INTO sink SELECT 1;
EXECUTE STATEMENT SET
BEGIN
    INSERT INTO s1 SELECT a FROM t;
    INSERT INTO s2 SELECT b FROM t;
END;
BEGIN STATEMENT SET;
INSERT INTO s1 SELECT a FROM t;
INSERT INTO s2 SELECT b FROM t WHERE b IS NOT NULL;
END;
SET;
SET 'table.exec.state.ttl' = '1 h';
SET 'pipeline.name' = 'it''s a job';
SET table.exec.mini-batch.enabled = true;
SET execution.checkpointing.interval = 10s;
SET parallelism.default = 4;
RESET;
RESET 'table.exec.state.ttl';
RESET table.exec.state.ttl;
SHOW TABLES;
SHOW TABLES LIKE 'ord%';
SHOW VIEWS;
SHOW JOBS;
SHOW FUNCTIONS;
SHOW CATALOGS;
SHOW DATABASES;
SHOW CREATE TABLE orders;
SHOW CREATE VIEW db.v;
DESCRIBE orders;
DESC db.orders;
DESCRIBE EXTENDED orders;
EXPLAIN SELECT * FROM t;
EXPLAIN PLAN FOR INSERT INTO s SELECT * FROM t;
EXPLAIN ESTIMATED_COST, CHANGELOG_MODE SELECT a FROM t;
EXPLAIN STATEMENT SET BEGIN INSERT INTO s1 SELECT 1; INSERT INTO s2 SELECT 2; END;
USE db1;
USE CATALOG my_catalog;
;
SELECT 'last statement without a semicolon'
