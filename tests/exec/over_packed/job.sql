-- args: --output changelog
-- The packed OVER state (runtime/op_over.c): partition keys of every
-- class (STRING with '' and NULL, INT with NULL, DECIMAL(10, 2) stored
-- in 8 bytes with negative values, DECIMAL(25, 3) in 16, DOUBLE with
-- 0.0 and -0.0), arguments of every class with NULLs (empty strings
-- must stay '' and NULL stay NULL through the ring), a burst that grows
-- one partition's ring past its 2 inline slots (4, 6, 9, 13), then a gap
-- longer than the frame that empties it back inline, then a refill.
-- Expected output computed by the build before the packing (24-byte
-- keys, 56-byte slots) and checked against it.
CREATE TABLE t (k STRING, g INT, d DECIMAL(10, 2), w DECIMAL(25, 3),
  s STRING, b BOOLEAN, f DOUBLE, dt DATE, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '3' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');
SELECT k, g, d, w, s, ts,
  COUNT(*) OVER w4 AS c, SUM(d) OVER w4 AS sd, SUM(w) OVER w4 AS sw,
  COUNT(DISTINCT s) OVER w4 AS ds, MIN(s) OVER w4 AS min_s,
  MAX(dt) OVER w4 AS max_dt, COUNT(b) OVER w4 AS cb, AVG(f) OVER w4 AS af,
  LAG(s) OVER p AS prev_s, LAG(w, 2) OVER p AS prev2_w,
  LAG(d, 1) OVER p AS prev_d, LAG(b, 3) OVER p AS prev3_b,
  SUM(d) OVER (PARTITION BY k, g ORDER BY ts
               ROWS BETWEEN 3 PRECEDING AND CURRENT ROW) AS sd_r3,
  COUNT(*) OVER (PARTITION BY d ORDER BY ts
                 RANGE BETWEEN INTERVAL '30' SECOND PRECEDING AND CURRENT ROW) AS by_d,
  COUNT(*) OVER (PARTITION BY w ORDER BY ts
                 RANGE BETWEEN INTERVAL '30' SECOND PRECEDING AND CURRENT ROW) AS by_w,
  COUNT(*) OVER (PARTITION BY f ORDER BY ts
                 RANGE BETWEEN INTERVAL '30' SECOND PRECEDING AND CURRENT ROW) AS by_f
FROM t
WINDOW w4 AS (PARTITION BY k, g ORDER BY ts
              RANGE BETWEEN INTERVAL '4' SECOND PRECEDING AND CURRENT ROW),
       p AS (PARTITION BY k, g ORDER BY ts);
