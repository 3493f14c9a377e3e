-- A regular join with an updating input: per-key counts (an unbounded
-- GROUP BY: +I, then -U/+U as counts change) LEFT JOINed with a table of
-- labels by count.  The labels table is bounded: it is read first (a
-- broadcast hash side) and the counts wait for it, so no count is padded
-- and then corrected.  Each retraction of the left side retracts its
-- joined row (-D) and each new count joins anew (+I).
CREATE TABLE ev (k INT, v INT) WITH ('connector' = 'filesystem', 'path' = 'ev.jsonl', 'format' = 'json');
CREATE TABLE lim (n BIGINT, label STRING) WITH ('connector' = 'filesystem', 'path' = 'lim.jsonl', 'format' = 'json');

SELECT c.k, c.n, l.label
FROM (SELECT k, COUNT(*) AS n FROM ev GROUP BY k) c
LEFT JOIN lim l ON c.n = l.n;
