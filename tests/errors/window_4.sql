-- args: -i tests/errors/tables.sql
SELECT TUMBLE_START(ts, INTERVAL '5' MINUTE), COUNT(*)
FROM orders
GROUP BY TUMBLE(ts, INTERVAL '1' MINUTE);
