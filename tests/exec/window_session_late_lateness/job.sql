-- args: --output changelog
-- SESSION windows (gap 5 s, watermark = ts - 2 s, advanced after every
-- row) under 'table.exec.late-data' = 'emit' with an allowed lateness of
-- 10 s: a fired session is kept until the watermark passes its end plus
-- 10 s, and a late row that reaches it merges into it and fires it again
-- at once, as one more +I row with the whole session.  As in Flink.
--  row 2 (b 12 s): watermark 10 s, a's [1 s, 6 s) fires with row 1.
--  row 3 (a 3 s): reaches the fired session: [1 s, 8 s) fires again, 2 rows.
--  row 4 (b 19 s): watermark 17 s, b's [12 s, 17 s) fires.
--  row 5 (a 4 s): a's session, kept until 18 s, becomes [1 s, 9 s) and
--    fires again with 3 rows.
--  row 6 (b 22 s): watermark 20 s frees it (kept until 19 s now).
--  row 7 (a 5 s): its own session [5 s, 10 s) ended more than 10 s
--    before the watermark (20 s): dropped, counted, sent to the sink.
--  row 8 (a 11 s): its own session [11 s, 16 s) is behind the watermark
--    but within the lateness: it fires at once, alone.
--  row 9 (b 14 s): bridges b's fired [12 s, 17 s) and the open
--    [19 s, 27 s) (rows 4 and 6): one open session [12 s, 27 s) that fires
--    at watermark 38 s (row 10) with 4 rows.  End of input fires c.
SET 'table.exec.late-data' = 'emit';
SET 'table.exec.emit.allow-lateness' = '10 s';
SET 'table.exec.late-data.sink' = 'late_rows';

CREATE TABLE t (id INT, u STRING, ts TIMESTAMP(3),
    WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');

CREATE TABLE late_rows (operator_name STRING, row_time TIMESTAMP(3),
    watermark_time TIMESTAMP(3), id INT)
WITH ('connector' = 'filesystem', 'path' = 'out/late.jsonl', 'format' = 'json');

SELECT u, SESSION_START(ts, INTERVAL '5' SECOND) AS s,
       SESSION_END(ts, INTERVAL '5' SECOND) AS e, COUNT(*) AS n,
       SUM(id) AS ids_sum
FROM t
GROUP BY u, SESSION(ts, INTERVAL '5' SECOND);
