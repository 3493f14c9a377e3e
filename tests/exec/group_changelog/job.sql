-- args: --output changelog
-- Unbounded GROUP BY: an updating result.  The first result of a group is
-- +I, a change is -U (old) +U (new); a row that leaves every aggregate
-- unchanged emits nothing (b's second row changes COUNT, so it does emit;
-- the global MAX and COUNT(DISTINCT) below show the no-change case).  NULL
-- is a group key like any other.  SELECT DISTINCT emits each key once.
CREATE TABLE t (u STRING, amount DECIMAL(10, 2), ip STRING)
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');

SELECT u, COUNT(*) AS n, SUM(amount) AS total, MIN(amount) AS mn,
       COUNT(DISTINCT ip) AS ips
FROM t GROUP BY u;

SELECT MAX(amount) AS mx, COUNT(DISTINCT u) AS users FROM t;

SELECT DISTINCT ip FROM t;
