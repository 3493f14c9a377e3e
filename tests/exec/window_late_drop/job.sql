-- args: --output changelog
-- Late rows under the default policy (drop): counted in the summary
-- ("late rows dropped") and routed to the late-data sink with the
-- operator's name, the row as JSON, its time and the watermark it was
-- behind.  TUMBLE 5 s, watermark = ts - 2 s.  Row 4 (4 s) arrives at
-- watermark 9 s: its window [0 s, 5 s) fired when the watermark reached
-- 4.999 s, so it is late.  Row 5 (9 s) also arrives at watermark 9 s but
-- is not late: being behind the watermark is not enough, its window
-- [5 s, 10 s) is still open.  Row 7 (14 s) arrives at watermark 19 s,
-- after [10 s, 15 s) fired: late.  Row 8 has no event time (dropped,
-- row_time NULL); row 9 is late.  The sink's id column is filled from
-- the input column of the same name.
SET 'table.exec.late-data.sink' = 'late_rows';

CREATE TABLE t (id INT, k STRING, ts TIMESTAMP(3),
    WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');

CREATE TABLE late_rows (operator_name STRING, row_json STRING,
    row_time TIMESTAMP(3), watermark_time TIMESTAMP(3), id INT)
WITH ('connector' = 'filesystem', 'path' = 'out/late.jsonl', 'format' = 'json');

SELECT k, TUMBLE_START(ts, INTERVAL '5' SECOND) AS ws, COUNT(*) AS n,
       LISTAGG(CAST(id AS STRING)) AS ids
FROM t
GROUP BY k, TUMBLE(ts, INTERVAL '5' SECOND);
