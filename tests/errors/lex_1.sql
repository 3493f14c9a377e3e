-- args: -i tests/errors/tables.sql
-- a character that starts no token
SELECT order_id # 2 FROM orders;
SELECT order_id FROM orders;
