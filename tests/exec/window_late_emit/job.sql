-- args: --output changelog
-- Late rows under 'table.exec.late-data' = 'emit': fired windows are kept
-- for 'table.exec.emit.allow-lateness' (here 6 s past their end); a late
-- row updates its window and re-fires it at once, as one more +I row with
-- the complete result (the last row of a window is the final one).  The
-- same data as window_late_drop: row 4 re-fires [0 s, 5 s) (kept until
-- the watermark passes 10.999 s), row 7 re-fires [10 s, 15 s).  Row 9
-- (5 s, at watermark 19 s) is later than the allowed lateness of
-- [5 s, 10 s) and is dropped and counted, as is row 8 (no event time).
-- The HOP query shows a row re-firing the windows it is late for.
SET 'table.exec.late-data' = 'emit';
SET 'table.exec.emit.allow-lateness' = '6 s';

CREATE TABLE t (id INT, k STRING, ts TIMESTAMP(3),
    WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');

SELECT k, TUMBLE_START(ts, INTERVAL '5' SECOND) AS ws, COUNT(*) AS n,
       LISTAGG(CAST(id AS STRING)) AS ids
FROM t
GROUP BY k, TUMBLE(ts, INTERVAL '5' SECOND);

SELECT window_start, window_end, COUNT(*) AS n
FROM TABLE(HOP(TABLE t, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND))
GROUP BY window_start, window_end;
