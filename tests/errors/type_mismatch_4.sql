-- args: -i tests/errors/tables.sql
SELECT order_id FROM orders WHERE amount;
