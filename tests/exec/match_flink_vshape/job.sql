-- args: --output changelog
-- MATCH_RECOGNIZE: the V-shape of the Flink documentation ("Detecting
-- Patterns in Tables", the Ticker example): START_ROW has no DEFINE and
-- matches any row; PRICE_DOWN uses LAST(PRICE_DOWN.price, 1) (the row
-- before the current one among PRICE_DOWN rows); AFTER MATCH SKIP TO
-- LAST PRICE_UP.  Data and expected row as documented there:
--   ACME | 2011-04-01 10:00:04 | 2011-04-01 10:00:07 | 2011-04-01 10:00:08
CREATE TABLE Ticker (symbol STRING, rowtime TIMESTAMP(3), price BIGINT, tax BIGINT,
  WATERMARK FOR rowtime AS rowtime - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');
SELECT *
FROM Ticker
    MATCH_RECOGNIZE (
        PARTITION BY symbol
        ORDER BY rowtime
        MEASURES
            START_ROW.rowtime AS start_tstamp,
            LAST(PRICE_DOWN.rowtime) AS bottom_tstamp,
            LAST(PRICE_UP.rowtime) AS end_tstamp
        ONE ROW PER MATCH
        AFTER MATCH SKIP TO LAST PRICE_UP
        PATTERN (START_ROW PRICE_DOWN+ PRICE_UP)
        DEFINE
            PRICE_DOWN AS
                (LAST(PRICE_DOWN.price, 1) IS NULL AND PRICE_DOWN.price < START_ROW.price) OR
                    PRICE_DOWN.price < LAST(PRICE_DOWN.price, 1),
            PRICE_UP AS
                PRICE_UP.price > LAST(PRICE_DOWN.price, 1)
    ) MR;
