-- args: --output changelog
-- Window table functions: TUMBLE, HOP and CUMULATE grouped by
-- window_start/window_end (WindowAggregate over WindowTableFunction), and
-- a bare HOP TVF that only adds the window columns (one row per window).
-- Window bounds: [start, end); a row at 10:00:04.999 is in [0s, 5s), one
-- at 10:00:05.000 in [5s, 10s).  Out of order within the 2 s watermark
-- delay: b@3s arrives after a@5s and still counts.
CREATE TABLE t (k STRING, v INT, ts TIMESTAMP(3),
    WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');

SELECT window_start, window_end, window_time, k, COUNT(*) AS n, SUM(v) AS s,
       MIN(v) AS mn, COUNT(v) AS nv
FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '5' SECOND))
GROUP BY window_start, window_end, window_time, k;

SELECT window_start, window_end, COUNT(*) AS n, SUM(v) AS s
FROM TABLE(HOP(TABLE t, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND))
GROUP BY window_start, window_end;

SELECT window_start, window_end, k, SUM(v) AS s
FROM TABLE(CUMULATE(TABLE t, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '15' SECOND))
GROUP BY window_start, window_end, k;

SELECT k, v, window_start, window_end
FROM TABLE(HOP(TABLE t, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND))
WHERE k = 'a';
