-- args: -i tests/errors/tables.sql
-- a full-width comma typed by a Chinese input method
SELECT order_id，amount FROM orders;
