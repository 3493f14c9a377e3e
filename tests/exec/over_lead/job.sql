-- args: --output changelog
-- LEAD over event time.  A row leaves the OverAggregate only when the
-- offset-th row after it in its partition has been processed (or at the
-- end of input, with the default): row 2 (k = b) waits until row 8, 70 s
-- later, while rows of other partitions pass it.  The output watermark
-- is held behind the oldest waiting row, so the 1-minute TUMBLE
-- downstream counts every row, none as late, including the ones released
-- long after their window's end would otherwise have passed.  Row 6
-- arrives after row 4 but is earlier, so it is row 3's successor; row 9
-- is late (behind the watermark of 10:00:25 when it arrives) and
-- dropped, once by each query reading the view.
CREATE TABLE t (id INT, k STRING, x INT, s STRING, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');
CREATE VIEW v AS
SELECT id, k, x, ts,
  LEAD(x) OVER w AS nx,
  LEAD(s, 2, '-') OVER w AS ns2,
  LAG(x) OVER w AS px,
  COUNT(*) OVER (PARTITION BY k ORDER BY ts
                 RANGE BETWEEN INTERVAL '2' SECOND PRECEDING AND CURRENT ROW) AS c2
FROM t
WINDOW w AS (PARTITION BY k ORDER BY ts);
SELECT * FROM v;
SELECT TUMBLE_START(ts, INTERVAL '1' MINUTE) AS ws, COUNT(*) AS n,
  SUM(nx) AS sum_nx, LISTAGG(ns2) AS all_ns2
FROM v GROUP BY TUMBLE(ts, INTERVAL '1' MINUTE);
