-- args: --output changelog
-- WITHIN and absence (fsql extension, docs/match_recognize.md):
-- "paid but not received within 5 minutes" (seed 001's
-- paid-but-never-received).  PATTERN (P X* $) WITHIN INTERVAL '5' MINUTE:
-- X is any event but "received"; `$` holds when the 5-minute window of
-- the partial match closes (the watermark passes paid + 5 min) or the
-- input ends.  A "received" row within the window kills the partial
-- match.  The window is open at its end: order 5's receipt at 4:59 is in
-- time, order 6's at exactly 5:00 is not.  Expected, in event time:
--   order 2 (shipped, never received), order 3 (received after 5 min),
--   order 4 (nothing follows), order 6 (received at 5:00), order 7
--   (the input ends).
-- The second query shows WITHIN alone: paid then received within 5
-- minutes (orders 1 and 5).
CREATE TABLE events (order_id INT, event STRING, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '10' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');
SELECT 'not received' AS alert, order_id, paid_at, last_event, events
FROM events MATCH_RECOGNIZE (
  PARTITION BY order_id ORDER BY ts
  MEASURES P.ts AS paid_at, LAST(event) AS last_event, COUNT(*) AS events
  ONE ROW PER MATCH
  AFTER MATCH SKIP PAST LAST ROW
  PATTERN (P X* $) WITHIN INTERVAL '5' MINUTE
  DEFINE P AS event = 'paid', X AS event <> 'received') m;
SELECT 'received' AS alert, order_id, paid_at, received_at
FROM events MATCH_RECOGNIZE (
  PARTITION BY order_id ORDER BY ts
  MEASURES P.ts AS paid_at, R.ts AS received_at
  ONE ROW PER MATCH
  AFTER MATCH SKIP PAST LAST ROW
  PATTERN (P X*? R) WITHIN INTERVAL '5' MINUTE
  DEFINE P AS event = 'paid', R AS event = 'received') m;
