-- A window after an interval join: the join's output keeps l.ts as a
-- time attribute, and its watermark is held back by the interval bound,
-- so the TUMBLE windows drop no row (every row of the LEFT join, joined
-- or padded, is counted in its window).
CREATE TABLE ev (side STRING, k STRING, v STRING, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'ev.jsonl', 'format' = 'json');
CREATE VIEW l AS SELECT k, v, ts FROM ev WHERE side = 'L';
CREATE VIEW r AS SELECT k, v, ts FROM ev WHERE side = 'R';
SELECT window_start, COUNT(*) AS n, COUNT(v) AS matched
FROM TABLE(TUMBLE(TABLE (SELECT l.k, l.ts, r.v FROM l LEFT JOIN r
  ON l.k = r.k AND r.ts BETWEEN l.ts - INTERVAL '1' SECOND AND l.ts + INTERVAL '3' SECOND), DESCRIPTOR(ts), INTERVAL '10' SECOND))
GROUP BY window_start, window_end;
