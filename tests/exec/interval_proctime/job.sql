-- A processing-time interval join: the bounds are on PROCTIME() columns,
-- both sides' clocks are the wall clock, and a row waits for partners
-- until the clock has passed its interval (or the input ends).  Both
-- files are read within a few milliseconds, so every pair with equal
-- keys is within 5 s; a2 (no partner) and the NULL key come out padded.
CREATE TABLE a (k INT, a STRING, p AS PROCTIME()) WITH ('connector' = 'filesystem', 'path' = 'a.jsonl', 'format' = 'json');
CREATE TABLE b (k INT, b STRING, p AS PROCTIME()) WITH ('connector' = 'filesystem', 'path' = 'b.jsonl', 'format' = 'json');
SELECT a.k, a.a, b.b FROM a LEFT JOIN b ON a.k = b.k AND b.p BETWEEN a.p - INTERVAL '5' SECOND AND a.p + INTERVAL '5' SECOND;
