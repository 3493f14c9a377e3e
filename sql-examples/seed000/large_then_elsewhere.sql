-- Seed 000 (ABP VNext + Flink transaction risk control), section 3.2:
--   Pattern.begin("first").where(_.amount > 10000)
--          .next("second").where(second.location != first.location)
--          .within(Time.minutes(5))
-- "a transaction over 10,000 followed by one from a different location
-- within 5 minutes".  `next` is strict contiguity: the very next
-- transaction of the user, hence PATTERN (big other).  The alert is
-- decided when the watermark passes the second transaction.
SELECT user_id, big_amount, big_location, big_time,
       next_amount, next_location, next_time
FROM transactions
MATCH_RECOGNIZE (
    PARTITION BY user_id
    ORDER BY occurred_at
    MEASURES
        big.amount AS big_amount,
        big.location AS big_location,
        big.occurred_at AS big_time,
        other.amount AS next_amount,
        other.location AS next_location,
        other.occurred_at AS next_time
    ONE ROW PER MATCH
    AFTER MATCH SKIP PAST LAST ROW
    PATTERN (big other) WITHIN INTERVAL '5' MINUTE
    DEFINE
        big AS big.amount > 10000,
        other AS other.location <> big.location
) AS alerts;
