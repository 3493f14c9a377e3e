-- args: --output changelog
-- Late rows of a SESSION window (gap 5 s, watermark = ts - 2 s) under the
-- default policy (drop) with a late-data sink.  Row 3 (b, 10:00:30) moves
-- the watermark to 10:00:28: a's session [10:00:01, 10:00:09) fires.
-- Row 4 (a, 10:00:02) would merge with it, but it has fired, and its own
-- session [10:00:02, 10:00:07) ends behind the watermark: late, dropped,
-- counted and sent to the sink; so is row 5 (a, 10:00:15), which touches
-- no session at all.  Row 7 (a, 10:00:23) is behind the watermark too,
-- but it reaches row 6's open session [10:00:26, 10:00:31) and merges
-- with it into [10:00:23, 10:00:31): not late.  Row 8 (10:00:50) fires
-- the open sessions; end of input fires b's last one.
-- window_session_late_emit: the same rows under 'emit'.
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
