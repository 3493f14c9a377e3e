-- args: -i tests/errors/tables.sql
SELECT order_id FROM orders FOR SYSTEM_TIME AS OF TIMESTAMP '2024-01-01 00:00:00';
