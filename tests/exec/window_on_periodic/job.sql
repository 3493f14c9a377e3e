-- args: --output changelog
-- scan.watermark.emit.strategy = 'on-periodic' with a long interval: the
-- watermark is emitted only every pipeline.auto-watermark-interval of
-- processing time, and this file is read in far less than an hour, so no
-- watermark is emitted before the end of input.  The same rows that
-- window_late_drop reads under on-event (where rows 4, 7 and 9 arrive
-- behind windows that already fired) are therefore all on time here:
-- every window gets all its rows and fires at the final watermark.  Only
-- row 8 (no event time) is dropped.  This is the difference between the
-- strategies that docs/windows.md describes: on-periodic results depend
-- on timing, on-event results do not.
SET 'pipeline.auto-watermark-interval' = '1 h';

CREATE TABLE t (id INT, k STRING, ts TIMESTAMP(3),
    WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json',
      'scan.watermark.emit.strategy' = 'on-periodic');

SELECT k, TUMBLE_START(ts, INTERVAL '5' SECOND) AS ws, COUNT(*) AS n,
       LISTAGG(CAST(id AS STRING)) AS ids
FROM t
GROUP BY k, TUMBLE(ts, INTERVAL '5' SECOND);
