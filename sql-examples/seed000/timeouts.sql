-- Seed 000, the pattern's handleTimeout(...): the partial matches that
-- time out - a transaction over 10,000 that no other transaction of the
-- same user follows within 5 minutes.  fsql's absence pattern: `$` at the
-- end of a pattern with WITHIN holds when the WITHIN window closes
-- (decided by the watermark, so the result depends on event time only)
-- or when the input ends (docs/match_recognize.md, "Absence").
SELECT user_id, amount, location, occurred_at
FROM transactions
MATCH_RECOGNIZE (
    PARTITION BY user_id
    ORDER BY occurred_at
    MEASURES
        big.amount AS amount,
        big.location AS location,
        big.occurred_at AS occurred_at
    ONE ROW PER MATCH
    AFTER MATCH SKIP PAST LAST ROW
    PATTERN (big $) WITHIN INTERVAL '5' MINUTE
    DEFINE
        big AS big.amount > 10000
) AS timed_out;
