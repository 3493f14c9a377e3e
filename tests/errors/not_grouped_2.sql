-- args: -i tests/errors/tables.sql
SELECT TUMBLE_START(ts, INTERVAL '1' MINUTE), status, COUNT(*)
FROM orders
GROUP BY TUMBLE(ts, INTERVAL '1' MINUTE);
