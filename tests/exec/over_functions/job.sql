-- args: --output changelog
-- More OVER functions: MIN/MAX of strings over a sliding ROWS frame,
-- FIRST_VALUE/LAST_VALUE (NULLs skipped), RANK/DENSE_RANK with ties,
-- VAR_POP/VARIANCE of DOUBLE over a RANGE frame, AVG of INT (an INT, as
-- in Flink), SUM0, a NULL partition key, no PARTITION BY at all (one
-- partition), and a row with a NULL time (dropped and counted as late).
CREATE TABLE t (k STRING, x INT, d DOUBLE, s STRING, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '3' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');
SELECT k, x, s, ts,
  MIN(s) OVER w2 AS min_s, MAX(s) OVER w2 AS max_s,
  FIRST_VALUE(s) OVER w2 AS first_s, LAST_VALUE(s) OVER w2 AS last_s,
  RANK() OVER (PARTITION BY k ORDER BY ts) AS rk,
  DENSE_RANK() OVER (PARTITION BY k ORDER BY ts) AS drk,
  VAR_POP(d) OVER w5s AS vp, VARIANCE(d) OVER w5s AS vs,
  AVG(x) OVER w5s AS ax, SUM(x) OVER w5s AS sx,
  COUNT(*) OVER (ORDER BY ts RANGE BETWEEN INTERVAL '2' SECOND PRECEDING AND CURRENT ROW) AS all2s,
  MAX(x) OVER (ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS run_max
FROM t
WINDOW w2 AS (PARTITION BY k ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW),
       w5s AS (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '5' SECOND PRECEDING AND CURRENT ROW);
