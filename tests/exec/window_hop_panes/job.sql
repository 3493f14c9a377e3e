-- args: --output changelog
-- HOP(slide 2 s, size 6 s) on panes: COUNT/SUM/MIN/MAX/AVG can merge, so
-- each row goes into one 2-second pane of its user and a window merges
-- its three panes when it fires (docs/windows.md, "HOP with panes").  The
-- legacy GROUP BY HOP and the HOP table function (which then sends each
-- row once, as its pane) run on panes; the third query has a
-- COUNT(DISTINCT), which cannot merge, and keeps one accumulator per
-- window.  All three give the same windows and counts.  Watermark delay
-- 1 s: the row at 3.5 s arrives behind a watermark of 8 s, after its
-- windows ending at 4, 6 and 8 s have fired: late for all of them and
-- dropped (counted once per query in the summary).  The row at 6.5 s
-- arrives behind a watermark of 6.6 s but before any of its windows
-- ([2 s, 8 s) fires at 7.999 s), so it counts in [2, 8), [4, 10) and
-- [6, 12).
CREATE TABLE t (u STRING, x INT, ts TIMESTAMP(3),
    WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');

SELECT 'legacy' AS q, u,
       HOP_START(ts, INTERVAL '2' SECOND, INTERVAL '6' SECOND) AS ws,
       COUNT(*) AS n, SUM(x) AS total, MIN(x) AS mn, MAX(x) AS mx,
       AVG(x) AS av
FROM t GROUP BY u, HOP(ts, INTERVAL '2' SECOND, INTERVAL '6' SECOND);

SELECT 'tvf' AS q, u, window_start, COUNT(*) AS n, SUM(x) AS total,
       MIN(x) AS mn, MAX(x) AS mx, AVG(x) AS av
FROM TABLE(HOP(TABLE t, DESCRIPTOR(ts), INTERVAL '2' SECOND,
               INTERVAL '6' SECOND))
GROUP BY u, window_start, window_end;

SELECT 'distinct' AS q, u,
       HOP_START(ts, INTERVAL '2' SECOND, INTERVAL '6' SECOND) AS ws,
       COUNT(*) AS n, COUNT(DISTINCT x) AS nd
FROM t GROUP BY u, HOP(ts, INTERVAL '2' SECOND, INTERVAL '6' SECOND);
