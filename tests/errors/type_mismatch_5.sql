-- args: -i tests/errors/tables.sql
SELECT CASE WHEN amount > 10 THEN 1 ELSE DATE '2024-01-01' END FROM orders;
