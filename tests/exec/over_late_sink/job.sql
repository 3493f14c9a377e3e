-- args: --output changelog
-- Late rows of an OverAggregate go to the late-data sink with the
-- operator's name, like the window operators' (issue 4 part 5).  An OVER
-- row is emitted when the watermark passes its time, so a row at or
-- behind the watermark when it arrives is late: watermark = ts - 2 s,
-- advanced after every row.  Row 4 (6 s) and row 5 (7 s) arrive at
-- watermark 7 s (row 3 at 9 s): both late, 7 s because a row at the
-- watermark's own time is late too (its frame may have been emitted).
-- Row 6 (8 s) is not late.  Row 7 has no time (row_time NULL).  Row 9
-- (17 s) arrives at watermark 18 s: late.  The frames of the rows kept
-- do not include the late ones: row 6 counts rows 1, 2 and 6.
SET 'table.exec.late-data.sink' = 'late_rows';

CREATE TABLE t (id INT, k STRING, ts TIMESTAMP(3),
    WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');

CREATE TABLE late_rows (operator_name STRING, row_json STRING,
    row_time TIMESTAMP(3), watermark_time TIMESTAMP(3), id INT)
WITH ('connector' = 'filesystem', 'path' = 'out/late.jsonl', 'format' = 'json');

SELECT id, k, ts,
       COUNT(*) OVER w AS n,
       SUM(id) OVER w AS s
FROM t
WINDOW w AS (PARTITION BY k ORDER BY ts
             RANGE BETWEEN INTERVAL '10' SECOND PRECEDING AND CURRENT ROW);
