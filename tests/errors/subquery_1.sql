-- args: -i tests/errors/tables.sql
SELECT order_id FROM orders WHERE user_id IN (SELECT user_id, url FROM clicks);
