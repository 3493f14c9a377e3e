-- args: -i tests/plan/tables.sql
-- UNION ALL of two branches over the same source (the scan is shared),
-- and UNION (distinct).
INSERT INTO alerts
SELECT user_id, 'BIG' AS alert, 1 AS score FROM transaction_stream WHERE amount > 10000
UNION ALL
SELECT user_id, 'NIGHT', 2 FROM transaction_stream WHERE EXTRACT(HOUR FROM transaction_time) < 5;

SELECT user_id FROM transaction_stream
UNION
SELECT user_id FROM payments;
