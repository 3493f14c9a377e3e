-- args: -i tests/errors/tables.sql
SELECT o.order_id FROM orders o JOIN clicks c
ON o.user_id IN (SELECT user_id FROM clicks);
