-- args: --output changelog
-- The rows of window_session_late_drop under 'table.exec.late-data' =
-- 'emit' (allowed lateness: until end of input).  Sessions are not kept
-- after they fire (docs/windows.md), so the late rows 4 (a, 10:00:02)
-- and 5 (a, 10:00:15), which reach no open session, fire at once as
-- sessions of their own ([10:00:02, 10:00:07) beside the fired
-- [10:00:01, 10:00:09), where Flink would re-fire the kept session with
-- 3 rows).  Nothing is dropped; the sink stays empty.
SET 'table.exec.late-data' = 'emit';
SET 'table.exec.late-data.sink' = 'late_rows';

CREATE TABLE t (id INT, u STRING, ts TIMESTAMP(3),
    WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');

CREATE TABLE late_rows (operator_name STRING, row_time TIMESTAMP(3),
    watermark_time TIMESTAMP(3), id INT)
WITH ('connector' = 'filesystem', 'path' = 'out/late.jsonl', 'format' = 'json');

SELECT u, SESSION_START(ts, INTERVAL '5' SECOND) AS s,
       SESSION_END(ts, INTERVAL '5' SECOND) AS e, COUNT(*) AS n,
       LISTAGG(CAST(id AS STRING)) AS ids
FROM t
GROUP BY u, SESSION(ts, INTERVAL '5' SECOND);
