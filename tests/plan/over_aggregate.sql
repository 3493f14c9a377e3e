-- args: -i tests/plan/tables.sql
-- Seed 002's user_behavior_analysis: several OVER frames (1h and 24h
-- RANGE, LAG) over one partitioning become one OverAggregate.
CREATE VIEW user_behavior_analysis AS
SELECT
user_id,
transaction_time,
COUNT(*) OVER (
PARTITION BY user_id
ORDER BY transaction_time
RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW
) as txn_count_1h,
SUM(amount) OVER (
PARTITION BY user_id
ORDER BY transaction_time
RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW
) as txn_amount_1h,
COUNT(DISTINCT ip_address) OVER (
PARTITION BY user_id
ORDER BY transaction_time
RANGE BETWEEN INTERVAL '24' HOUR PRECEDING AND CURRENT ROW
) as distinct_ip_24h,
COUNT(DISTINCT device_id) OVER (
PARTITION BY user_id
ORDER BY transaction_time
RANGE BETWEEN INTERVAL '24' HOUR PRECEDING AND CURRENT ROW
) as distinct_device_24h,
CASE
WHEN amount < 100 AND
LAG(amount, 1) OVER (PARTITION BY user_id ORDER BY transaction_time) < 100 AND
LAG(amount, 2) OVER (PARTITION BY user_id ORDER BY transaction_time) < 100
THEN 1 ELSE 0
END as small_amount_pattern,
transaction_id,
amount,
merchant_id
FROM transaction_stream;

SELECT * FROM user_behavior_analysis;
