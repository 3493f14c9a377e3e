-- args: -i tests/errors/tables.sql
SELECT order_id FROM orders WHERE TUMBLE(ts, INTERVAL '1' MINUTE) IS NOT NULL;
