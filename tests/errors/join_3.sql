-- args: -i tests/errors/tables.sql
SELECT o.order_id, r.rate
FROM orders o JOIN rates r ON o.currency = r.currency
  AND o.ts BETWEEN r.update_time AND r.update_time + INTERVAL '1' MINUTE;
