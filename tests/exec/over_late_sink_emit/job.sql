-- args: --output changelog
-- over_late_sink under 'table.exec.late-data' = 'emit' with an allowed
-- lateness: an OVER row cannot be emitted again with a changed frame, so
-- the OverAggregate drops late rows under every policy, and the sink
-- gets them all the same (docs/windows.md).  Same rows, same output.
SET 'table.exec.late-data' = 'emit';
SET 'table.exec.emit.allow-lateness' = '1 h';
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
