-- args: -i tests/errors/tables.sql
SELECT order_id FROM orders WHERE status IN ('NEW', 3);
