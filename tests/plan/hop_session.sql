-- args: -i tests/plan/tables.sql
-- HOP and SESSION group windows.
SELECT HOP_END(transaction_time, INTERVAL '1' MINUTE, INTERVAL '10' MINUTE) AS w_end,
       merchant_id, SUM(amount) AS total
FROM transaction_stream
GROUP BY HOP(transaction_time, INTERVAL '1' MINUTE, INTERVAL '10' MINUTE), merchant_id;

SELECT user_id, SESSION_START(transaction_time, INTERVAL '30' MINUTE) AS s,
       COUNT(DISTINCT device_id) AS devices
FROM transaction_stream
GROUP BY user_id, SESSION(transaction_time, INTERVAL '30' MINUTE);
