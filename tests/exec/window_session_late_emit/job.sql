-- args: --output changelog
-- The rows of window_session_late_drop under 'table.exec.late-data' =
-- 'emit' (allowed lateness: until end of input).  Fired sessions are kept,
-- as in Flink: row 4 (a, 10:00:02) reaches a's fired session
-- [10:00:01, 10:00:09) and fires it again at once with 3 rows; row 5
-- (a, 10:00:15) reaches no session and fires at once as a session of its
-- own.  Nothing is dropped; the sink stays empty.
-- window_session_late_lateness: a bounded allowed lateness.
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
