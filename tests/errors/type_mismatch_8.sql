-- args: -i tests/errors/tables.sql
SELECT CAST(ts AS DATE) - 1 FROM orders;
