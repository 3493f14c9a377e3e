-- args: -i tests/errors/tables.sql
-- a block comment that is never closed
SELECT order_id /* the id
FROM orders;
