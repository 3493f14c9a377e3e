-- args: --output changelog
-- A GROUP BY over an updating input (another GROUP BY): -U and -D rows
-- retract from the outer groups.  When the last row of an outer group is
-- retracted the group's result is deleted (-D) and the group forgotten.
-- Outer: how many users have sent n rows, and their total.
CREATE TABLE t (u STRING, v INT)
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');

SELECT n, COUNT(*) AS users, SUM(total) AS total
FROM (SELECT u, COUNT(*) AS n, SUM(v) AS total FROM t GROUP BY u)
GROUP BY n;
