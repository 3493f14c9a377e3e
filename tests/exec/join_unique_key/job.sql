-- args: --output changelog
-- A regular FULL JOIN of two GROUP BY results on their group keys: the
-- join key holds each input's unique key, so each side keeps one row per
-- key (EXPLAIN: "left: one row per join key (unique key k)"), and a
-- retraction (-U of an updated count) takes that row without comparing
-- values.  Both sides come from one file, read in one batch: the
-- batch reaches the join side by side (the left rows of the batch, then
-- the right rows; tests/exec/interval_outer says the same).  Expected
-- changelog, by hand (l = per-key count and sum of the L rows, r =
-- per-key max of the R rows):
--   L k1 10     +I [1, 1, 10, NULL]
--   L k1 11     l -U: -D [1, 1, 10, NULL]; l +U: +I [1, 2, 21, NULL]
--   L k2 20     +I [2, 1, 20, NULL]
--   L NULL 0    a NULL key matches nothing: +I [NULL, 1, 0, NULL]
--   R k1 100    -D [1, 2, 21, NULL], +I [1, 2, 21, 100]
--   R k3 300    k3 only on the right: +I [NULL, NULL, NULL, 300]
--   R k1 101    r -U: -D [1, 2, 21, 100], l padded again: +I [1, 2, 21,
--               NULL]; r +U: -D [1, 2, 21, NULL], +I [1, 2, 21, 101]
--   R k2 200    -D [2, 1, 20, NULL], +I [2, 1, 20, 200]
-- The stats line: one row per side and key at the end (k1, k2 on the
-- left - the NULL key's row is not kept - and k1, k2, k3 on the right).
CREATE TABLE ev (side STRING, k INT, v INT)
WITH ('connector' = 'filesystem', 'path' = 'ev.jsonl', 'format' = 'json');
SET 'fsql.debug.join-stats' = 'true';
EXPLAIN
SELECT l.k, l.n, l.s, r.m
FROM (SELECT k, COUNT(*) AS n, SUM(v) AS s FROM ev WHERE side = 'L' GROUP BY k) l
FULL JOIN (SELECT k, MAX(v) AS m FROM ev WHERE side = 'R' GROUP BY k) r
  ON l.k = r.k;
SELECT l.k, l.n, l.s, r.m
FROM (SELECT k, COUNT(*) AS n, SUM(v) AS s FROM ev WHERE side = 'L' GROUP BY k) l
FULL JOIN (SELECT k, MAX(v) AS m FROM ev WHERE side = 'R' GROUP BY k) r
  ON l.k = r.k;
