-- args: -i tests/plan/tables.sql
-- Legacy GROUP BY TUMBLE with TUMBLE_START/TUMBLE_END and a HAVING.
SELECT
    user_id,
    TUMBLE_START(transaction_time, INTERVAL '1' MINUTE) AS window_start,
    TUMBLE_END(transaction_time, INTERVAL '1' MINUTE) AS window_end,
    COUNT(*) AS total_transactions,
    COUNT(CASE WHEN amount > 1000 THEN 1 END) * 1.0 / COUNT(*) AS big_ratio
FROM transaction_stream
WHERE transaction_type = 'PAYMENT'
GROUP BY user_id, TUMBLE(transaction_time, INTERVAL '1' MINUTE)
HAVING COUNT(*) > 3;
