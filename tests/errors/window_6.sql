-- args: -i tests/errors/tables.sql
SELECT SUM(amount) OVER (ORDER BY ts ROWS BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW)
FROM orders;
