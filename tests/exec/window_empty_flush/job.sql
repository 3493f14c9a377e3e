-- args: --output changelog
-- Windows that never receive rows produce nothing (no rows for 10:01 to
-- 10:04, no zero counts); the watermark delay (10 min) is longer than the
-- whole input, so no window fires before end of input, and every window
-- is flushed by the final watermark when the file ends, in window order.
-- An empty source gives no windows at all (and no error).
CREATE TABLE t (k STRING, v INT, ts TIMESTAMP(3),
    WATERMARK FOR ts AS ts - INTERVAL '10' MINUTE)
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');
CREATE TABLE e (k STRING, v INT, ts TIMESTAMP(3),
    WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'empty.jsonl', 'format' = 'json');

SELECT window_start, window_end, k, COUNT(*) AS n, SUM(v) AS s,
       AVG(v) AS a, MAX(v) AS mx
FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
GROUP BY window_start, window_end, k;

SELECT TUMBLE_END(ts, INTERVAL '1' MINUTE) AS we, COUNT(*) AS n
FROM e GROUP BY TUMBLE(ts, INTERVAL '1' MINUTE);
