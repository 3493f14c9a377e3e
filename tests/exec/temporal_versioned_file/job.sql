-- Event-time temporal join against a versioned table kept in a file: a
-- filesystem table with PRIMARY KEY and WATERMARK is read as an
-- append-only changelog of versions (each row the new version of its key
-- from its time on), and each order joins the rate valid at its time -
-- the latest version at or before it.  Expected rows, by hand:
--   1  EUR 09:59:59      before EUR's first version (10:00:00): NULLs (LEFT)
--   2  EUR 10:00:01      1.10 (10:00:00)
--   3  USD 10:00:02      1.00
--   4  EUR 10:00:05      exactly at an update's time: the new one, 1.20
--   5  EUR 10:00:03      out of order (after 4, within the 5 s delay): 1.10
--   6  EUR 10:00:04.999  1 ms before the update: still 1.10
--   7  EUR 10:00:12      1.25: the second EUR row at 10:00:10 (read after
--                        USD and GBP, 30 s out of order but within the
--                        rates' 30 s delay) replaces 1.30 at the same time
--   8  GBP 10:00:19      before GBP's first version (10:00:20, itself out
--                        of order in the file): NULLs
--   9  GBP 10:00:21      0.80
--  10  USD 10:00:30.999  1.00, 1 ms before the update to 0.90
--  11  USD 10:00:31      0.90
--  12  JPY               no version ever: NULLs
--  13  NULL currency     matches nothing: NULLs
--  14  EUR 10:00:39      1.25 (between updates)
--  15  EUR 10:00:50      1.40 (after the last update)
-- Orders wait for the watermark (the minimum of both inputs) and come out
-- in time order.  The stats line says no probe row waits at the end and
-- one version per key is left (the one valid at the last watermark).
CREATE TABLE orders (id INT, cur STRING, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'orders.jsonl', 'format' = 'json');
CREATE TABLE rates (cur STRING, rate DECIMAL(5, 2), ut TIMESTAMP(3),
  PRIMARY KEY (cur) NOT ENFORCED,
  WATERMARK FOR ut AS ut - INTERVAL '30' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'rates.jsonl', 'format' = 'json');
SET 'fsql.debug.join-stats' = 'true';

SELECT o.id, o.cur, o.ts, r.rate, r.ut AS rate_time
FROM orders AS o
LEFT JOIN rates FOR SYSTEM_TIME AS OF o.ts AS r ON o.cur = r.cur;
