-- args: -i tests/plan/tables.sql
-- An interval join: the payment must follow the transaction within 10
-- minutes (both BETWEEN and >=/<= forms).
SELECT t.transaction_id, p.status, p.paid_at
FROM transaction_stream t
JOIN payments p
  ON t.transaction_id = p.transaction_id
 AND p.paid_at BETWEEN t.transaction_time AND t.transaction_time + INTERVAL '10' MINUTE;

SELECT t.transaction_id, p.status
FROM transaction_stream t
LEFT JOIN payments p
  ON t.transaction_id = p.transaction_id
 AND t.transaction_time >= p.paid_at - INTERVAL '1' HOUR
 AND t.transaction_time < p.paid_at;
