-- Syntax errors: each statement is reported and skipped; the good
-- statements between them still parse.
SELECT a FROM;
SELECT 1;
SELECT a b c FROM t;
CREATE TABLE t (a INT,) WITH ('connector' = 'x');
CREATE TABLE t2 (a FOO, b INT);
CREATE TABLE t3 (a INT, PRIMARY KEY (a)) WITH ('connector' = 'x');
SELECT CASE WHEN a THEN 1 FROM t;
SELECT * FROM t WHERE a = ;
INSERT sink SELECT 1;
SELECT f(x AS INT) FROM t;
SELECT EXTRACT(FORTNIGHT FROM ts) FROM t;
SELECT INTERVAL '1' DECADE FROM t;
SELECT * FROM t MATCH_RECOGNIZE (ORDER BY ts PATTERN (A{3,1}) DEFINE A AS TRUE);
BEGIN STATEMENT SET;
INSERT INTO s SELECT 1;
SELECT oops;
END;
SELECT "double quoted" FROM t;
SELECT a，b FROM t;
SELECT 'still good';
SELECT (1 + 2
