-- args: -i tests/errors/tables.sql
SELECT order_id FROM orders WHERE ts > TIMESTAMP '2024-02-30 00:00:00';
