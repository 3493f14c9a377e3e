-- args: -i tests/errors/tables.sql
SELECT order_id, amout FROM orders;
