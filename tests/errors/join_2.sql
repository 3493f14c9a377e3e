-- args: -i tests/errors/tables.sql
SELECT o.order_id, r.rate
FROM orders o JOIN rates FOR SYSTEM_TIME AS OF o.ts AS r ON o.amount > r.rate;
