-- args: -i tests/errors/tables.sql
-- a string literal that is never closed
SELECT order_id FROM orders WHERE status = 'PAID;
SELECT 1;
