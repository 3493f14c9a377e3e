-- args: -i tests/errors/tables.sql
SELECT SUM(amount) OVER (ORDER BY ts ROWS BETWEEN CURRENT ROW AND 2 FOLLOWING)
FROM orders;
