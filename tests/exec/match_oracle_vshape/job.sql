-- args: --output changelog
-- The V-shape example of Oracle's "SQL for Pattern Matching" chapter
-- (Data Warehousing Guide, Example 20-1): PATTERN (STRT DOWN+ UP+) with
-- PREV() in DEFINE and AFTER MATCH SKIP TO LAST UP over ACME's 20 daily
-- prices.  Oracle documents three matches:
--   ACME 05-APR-11 06-APR-11 10-APR-11
--   ACME 10-APR-11 12-APR-11 13-APR-11
--   ACME 14-APR-11 16-APR-11 18-APR-11
-- The second query is the same pattern with ALL ROWS PER MATCH,
-- CLASSIFIER() and MATCH_NUMBER() and running versus final LAST():
-- every row of each match, labelled, as in the chapter's Example 20-2.
CREATE TABLE Ticker (symbol STRING, tstamp TIMESTAMP(3), price INT,
  WATERMARK FOR tstamp AS tstamp)
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');
SELECT *
FROM Ticker MATCH_RECOGNIZE (
     PARTITION BY symbol
     ORDER BY tstamp
     MEASURES  STRT.tstamp AS start_tstamp,
               LAST(DOWN.tstamp) AS bottom_tstamp,
               LAST(UP.tstamp) AS end_tstamp
     ONE ROW PER MATCH
     AFTER MATCH SKIP TO LAST UP
     PATTERN (STRT DOWN+ UP+)
     DEFINE
        DOWN AS DOWN.price < PREV(DOWN.price),
        UP AS UP.price > PREV(UP.price)
     ) MR;
SELECT *
FROM Ticker MATCH_RECOGNIZE (
     PARTITION BY symbol
     ORDER BY tstamp
     MEASURES  STRT.tstamp AS start_tstamp,
               FINAL LAST(DOWN.tstamp) AS bottom_tstamp,
               FINAL LAST(UP.tstamp) AS end_tstamp,
               MATCH_NUMBER() AS match_num,
               CLASSIFIER() AS var_match
     ALL ROWS PER MATCH
     AFTER MATCH SKIP TO LAST UP
     PATTERN (STRT DOWN+ UP+)
     DEFINE
        DOWN AS DOWN.price < PREV(DOWN.price),
        UP AS UP.price > PREV(UP.price)
     ) MR;
