-- Interval join, FULL OUTER (R.ts within [L.ts - 1s, L.ts + 3s],
-- watermark ts - 2s): unmatched rows come out null-padded as soon as the
-- other side's watermark passes their interval, not at end of input.
-- Both sides come from one file; the rows of one pushed batch reach the
-- join side by side (the left rows of the batch, then the right rows),
-- each with the watermark it had at its place in the file.  a2 (k2,
-- 10:00:05) and a5 are padded when the right side's watermark reaches
-- 10:00:18 (at b5), before b5 itself, which is late and padded at once;
-- b4 is padded at once too (the left side is already past its interval:
-- a6 is 1.5 s too late for it); the NULL-key rows are padded at once.  The last row (a NULL-key sentinel
-- at 10:01:00) moves the watermark past every interval, so the stats line
-- says no row is held when end of input arrives: state is back to zero.
CREATE TABLE ev (side STRING, k STRING, v STRING, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'ev.jsonl', 'format' = 'json');
CREATE VIEW l AS SELECT k, v, ts FROM ev WHERE side = 'L';
CREATE VIEW r AS SELECT k, v, ts FROM ev WHERE side = 'R';
SET 'fsql.debug.join-stats' = 'true';

SELECT COALESCE(l.k, r.k) AS k, l.v AS lv, l.ts AS lts, r.v AS rv, r.ts AS rts
FROM l FULL OUTER JOIN r
  ON l.k = r.k AND r.ts BETWEEN l.ts - INTERVAL '1' SECOND AND l.ts + INTERVAL '3' SECOND;
