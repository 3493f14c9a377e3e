-- Interval join, INNER: R.ts within [L.ts - 1s, L.ts + 3s] on equal keys.
-- One file feeds both sides (rows arrive in file order, one watermark:
-- ts - 2s).  b2 arrives late (09:59:59, at or below the watermark 10:00:00
-- after b1) but a1 is still held, so it joins; a3 joins b3 only; a NULL
-- key joins nothing.  b5 and a5 arrive late after b4 moved the watermark
-- to 10:00:18: a2 (their partner in time) has been freed, and neither is
-- held (no partner can come any more), so they never meet.  b6 and a6
-- match (0.5 s apart).  The stats line: a7 is still held when end of
-- input arrives, and nothing is held after it.
CREATE TABLE ev (side STRING, k STRING, v STRING, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'ev.jsonl', 'format' = 'json');
CREATE VIEW l AS SELECT k, v, ts FROM ev WHERE side = 'L';
CREATE VIEW r AS SELECT k, v, ts FROM ev WHERE side = 'R';
SET 'fsql.debug.join-stats' = 'true';

SELECT l.k, l.v AS lv, l.ts AS lts, r.v AS rv, r.ts AS rts
FROM l JOIN r
  ON l.k = r.k AND r.ts BETWEEN l.ts - INTERVAL '1' SECOND AND l.ts + INTERVAL '3' SECOND;
