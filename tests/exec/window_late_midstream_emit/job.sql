-- args: --output changelog
-- The rows of window_late_midstream_drop under 'table.exec.late-data' =
-- 'emit' with 'table.exec.emit.allow-lateness' = '15 s' and a late-data
-- sink.  A late row within the allowed lateness of a window that never
-- received a row creates it and fires it at once: row 4 (10:00:12, at
-- watermark 10:00:30) gives TUMBLE [10:00:10, 10:00:20) with 1 row, and
-- HOP [10:00:10, 10:00:20), but not HOP [10:00:05, 10:00:15) (its end
-- minus 1 ms, 10:00:14.999, is not after the watermark minus the
-- lateness, 10:00:15: dropped for that window only).  Row 5 (10:00:22)
-- gives TUMBLE [10:00:20, 10:00:30) and two HOP windows; the re-fires of
-- one late row come out latest window end first.  Row 6 (10:00:02) is
-- beyond the lateness of every TUMBLE and HOP window it belongs to:
-- dropped, counted and sent to the sink (once per query); for CUMULATE
-- it still reaches [10:00:00, 10:00:20), which re-fires with 4 rows.
-- Row 8 (10:00:33) re-fires [10:00:30, 10:00:40) (and its HOP windows,
-- and CUMULATE [10:00:20, 10:00:40)) with the complete result.
SET 'table.exec.late-data' = 'emit';
SET 'table.exec.emit.allow-lateness' = '15 s';
SET 'table.exec.late-data.sink' = 'late_rows';

CREATE TABLE t (id INT, k STRING, ts TIMESTAMP(3),
    WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');

CREATE TABLE late_rows (operator_name STRING, row_time TIMESTAMP(3),
    watermark_time TIMESTAMP(3), id INT)
WITH ('connector' = 'filesystem', 'path' = 'out/late.jsonl', 'format' = 'json');

SELECT 'tumble' AS q, window_start, window_end, COUNT(*) AS n,
       LISTAGG(CAST(id AS STRING)) AS ids
FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' SECOND))
GROUP BY window_start, window_end;

SELECT 'hop' AS q, window_start, window_end, COUNT(*) AS n,
       LISTAGG(CAST(id AS STRING)) AS ids
FROM TABLE(HOP(TABLE t, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND))
GROUP BY window_start, window_end;

SELECT 'cumulate' AS q, window_start, window_end, COUNT(*) AS n,
       LISTAGG(CAST(id AS STRING)) AS ids
FROM TABLE(CUMULATE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' SECOND, INTERVAL '20' SECOND))
GROUP BY window_start, window_end;
