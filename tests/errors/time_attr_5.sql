-- args: -i tests/errors/tables.sql
SELECT SUM(amount) OVER (ORDER BY ts + INTERVAL '1' SECOND) FROM orders;
