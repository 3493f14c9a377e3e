-- Late rows under the default policy (drop): counted in the summary and
-- routed to the late-data sink with the operator's name.  TUMBLE 5 s,
-- watermark = ts - 2 s.  Row 4 (4 s) arrives at watermark 10 s: its
-- window [0 s, 5 s) fired when the watermark reached 4.999 s, so it is
-- late.  Row 5 (9 s) arrives at watermark 10 s too, but is not late:
-- being behind the watermark is not enough, its window [5 s, 10 s) fired
-- at row 3.  Rows 7 (14 s, window [10 s, 15 s) open until 14.999 s) is on
-- time.  Row 8 has no event time; row 9 is late.
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
