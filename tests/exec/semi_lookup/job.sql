-- IN / NOT IN against a jdbc (SQLite) table: a cached lookup per probe
-- row, no state and no retractions (the lookup sees the table as it is
-- when the row arrives).  The subquery's WHERE filters the rows found;
-- a NULL probe key gives NULL (dropped by IN and NOT IN, 'unknown' in
-- the CASE); duplicates in the table do not duplicate rows.
CREATE TABLE t (id INT, u BIGINT) WITH ('connector' = 'filesystem', 'path' = 't.jsonl', 'format' = 'json');
CREATE TABLE blacklist_users (user_id BIGINT, reason STRING) WITH (
  'connector' = 'jdbc', 'url' = 'jdbc:sqlite:bl.db', 'table-name' = 'blacklist_users',
  'lookup.cache.max-rows' = '100', 'lookup.cache.ttl' = '1min');

SELECT id, u,
  CASE WHEN u IN (SELECT user_id FROM blacklist_users) THEN 'BLACKLIST_USER'
       WHEN NOT (u IN (SELECT user_id FROM blacklist_users)) THEN 'NOT_BLACKLISTED'
       ELSE 'unknown' END AS blacklist_status,
  u IN (SELECT user_id FROM blacklist_users WHERE reason <> 'test') AS real_fraud
FROM t;
SELECT 'not in' AS q, id FROM t WHERE u NOT IN (SELECT user_id FROM blacklist_users);
SELECT 'in' AS q, id FROM t WHERE u IN (SELECT user_id FROM blacklist_users WHERE reason = 'test');
