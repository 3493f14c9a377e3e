-- args: --output changelog
-- OVER windows on event time: RANGE and ROWS frames, peers (rows 3 and 5
-- share 10:00:03) share one RANGE frame, COUNT DISTINCT, LAG with offset
-- and default, ROW_NUMBER, STDDEV; rows leave in time order once the
-- watermark passes them; row 8 arrives behind the watermark and is
-- dropped and counted.
CREATE TABLE t (id INT, u BIGINT, amt DECIMAL(15,2), ip STRING, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');
SELECT id, u, amt, ts,
  COUNT(*) OVER (PARTITION BY u ORDER BY ts RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW) AS c1h,
  SUM(amt) OVER (PARTITION BY u ORDER BY ts RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW) AS s1h,
  AVG(amt) OVER (PARTITION BY u ORDER BY ts RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW) AS a1h,
  MAX(amt) OVER (PARTITION BY u ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS mx2,
  COUNT(DISTINCT ip) OVER (PARTITION BY u ORDER BY ts RANGE BETWEEN INTERVAL '24' HOUR PRECEDING AND CURRENT ROW) AS dip,
  LAG(amt) OVER (PARTITION BY u ORDER BY ts) AS prev,
  LAG(ip, 2, 'none') OVER (PARTITION BY u ORDER BY ts) AS prev2,
  ROW_NUMBER() OVER (PARTITION BY u ORDER BY ts) AS rn,
  STDDEV(amt) OVER (PARTITION BY u ORDER BY ts RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW) AS sd
FROM t;
