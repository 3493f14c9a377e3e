-- args: --output changelog
-- Session windows merging (gap 10 s, watermark delay 15 s).  User a: rows
-- at 0 s and 20 s open [0 s, 10 s) and [20 s, 30 s); the out-of-order row
-- at 10 s opens [10 s, 20 s), which touches both, so all three merge into
-- one session, and the row at 30 s extends it to [0 s, 40 s).  Windows
-- that touch merge (end == start), as in Flink; b's rows at 1 s and 11 s
-- form [1 s, 21 s).  The rows at 1:30 and 1:31 are new sessions, flushed
-- at end of input.  Legacy SESSION with SESSION_START/END/ROWTIME and a
-- COUNT(DISTINCT), and the SESSION table function.
CREATE TABLE t (u STRING, v INT, ts TIMESTAMP(3),
    WATERMARK FOR ts AS ts - INTERVAL '15' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');

SELECT u, SESSION_START(ts, INTERVAL '10' SECOND) AS s,
       SESSION_END(ts, INTERVAL '10' SECOND) AS e,
       SESSION_ROWTIME(ts, INTERVAL '10' SECOND) AS rt,
       COUNT(*) AS n, SUM(v) AS total, COUNT(DISTINCT v) AS d
FROM t
GROUP BY u, SESSION(ts, INTERVAL '10' SECOND);

SELECT window_start, window_end, u, COUNT(*) AS n, MAX(v) AS mx
FROM TABLE(SESSION(TABLE t PARTITION BY u, DESCRIPTOR(ts), INTERVAL '10' SECOND))
GROUP BY window_start, window_end, u;
