-- Seed 002, "連續小額交易檢測" (consecutive small amounts): the article
-- flags a transaction when it and the user's two previous ones are all
-- below 100, with LAG(amount, 1) and LAG(amount, 2) OVER (PARTITION BY
-- user_id ORDER BY transaction_time).  As a row pattern: three small
-- amounts in a row.  AFTER MATCH SKIP TO NEXT ROW keeps the article's
-- semantics - a fourth small amount in a row is flagged again (its match
-- overlaps the previous one) - and the measures say which transactions
-- made up the run.
SELECT user_id, flagged_id, first_id, total, last_time
FROM transaction_stream
MATCH_RECOGNIZE (
    PARTITION BY user_id
    ORDER BY transaction_time
    MEASURES
        LAST(s.transaction_id) AS flagged_id,
        FIRST(s.transaction_id) AS first_id,
        SUM(s.amount) AS total,
        LAST(s.transaction_time) AS last_time
    ONE ROW PER MATCH
    AFTER MATCH SKIP TO NEXT ROW
    PATTERN (s{3})
    DEFINE
        s AS s.amount < 100
) AS small_runs;
