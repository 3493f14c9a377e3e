-- args: --output changelog
-- Windows that never receive rows, in the middle of a stream, under the
-- default late-data policy (drop) with a late-data sink; TUMBLE 10 s,
-- HOP 10 s / 5 s and CUMULATE 20 s / 10 s on the same rows, watermark =
-- ts - 1 s.  Row 3 (10:00:31) moves the watermark to 10:00:30: the
-- windows with rows fire, and the TUMBLE windows [10:00:10, 10:00:20)
-- and [10:00:20, 10:00:30) (HOP and CUMULATE windows alike), which never
-- received a row, produce nothing - no zero counts.  Rows 4 (10:00:12)
-- and 5 (10:00:22) then arrive for those windows, which the watermark
-- has passed: late, dropped, counted and sent to the sink, although the
-- windows never existed.  Row 5 still joins the open CUMULATE window
-- [10:00:20, 10:00:40) (late for [10:00:20, 10:00:30) only: not
-- dropped).  Row 6 (10:00:02) is late everywhere; row 8 (10:00:33) is
-- late for [10:00:30, 10:00:40), which row 7 (10:00:45, watermark
-- 10:00:44) fired.  End of input fires the windows of rows 7 and 9.
-- window_late_midstream_emit: the same rows under 'emit'.
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
