-- args: -i tests/errors/tables.sql
-- a back-quoted identifier that is never closed
SELECT `order_id FROM orders;
