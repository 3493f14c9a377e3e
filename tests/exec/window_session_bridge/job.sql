-- args: --output changelog
-- A session that absorbs a later-ending one must fire at the later end
-- (gap 1 s, watermark delay 5 s).  u's rows at 3.5 s and then 2.0 s
-- (out of order) open [3.5 s, 4.5 s) and [2 s, 3 s); the row at 2.8 s
-- ([2.8 s, 3.8 s)) bridges them: the merged session is [2 s, 4.5 s) and
-- its timer must move to 4.5 s although the bridging row ends at 3.8 s
-- (before the fix only stale timers were left and the session was never
-- emitted, not even at end of input).  The row at 1.5 s then touches it
-- ([1.5 s, 2.5 s)); v's row at 1.1 s and u's rows at 9 s and 20 s are
-- sessions of their own.
CREATE TABLE t (u STRING, x INT, ts TIMESTAMP(3),
    WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');

SELECT u, SESSION_START(ts, INTERVAL '1' SECOND) AS s,
       SESSION_END(ts, INTERVAL '1' SECOND) AS e,
       COUNT(*) AS n, SUM(x) AS total, LISTAGG(CAST(x AS STRING)) AS xs
FROM t
GROUP BY u, SESSION(ts, INTERVAL '1' SECOND);
