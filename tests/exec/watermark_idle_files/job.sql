-- args: --output changelog
-- Idle inputs on a bounded directory source: deterministic, whatever the
-- timeout.  Files are read one after another, and only the file being
-- read (the split that produced rows) holds the watermark back; a file
-- not opened yet does not (as Flink's file source assigns splits one at a
-- time), so a 1 ms idle timeout changes nothing: a lone active split
-- turning idle never raises the watermark.  a.jsonl takes the watermark
-- to 10:00:11 (ts - 1 s), so b.jsonl's row 4 (10:00:03) is late for the
-- closed window [10:00:00, 10:00:10) and dropped; row 5 (10:00:11) joins
-- the open window [10:00:10, 10:00:20).  End of input fires the rest.
SET 'table.exec.source.idle-timeout' = '1 ms';
SET 'pipeline.auto-watermark-interval' = '50 ms';

CREATE TABLE t (id INT, ts TIMESTAMP(3),
    WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'data', 'format' = 'json',
      'scan.watermark.emit.strategy' = 'on-event');

SELECT window_start, COUNT(*) AS n, LISTAGG(CAST(id AS STRING)) AS ids
FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' SECOND))
GROUP BY window_start, window_end;
