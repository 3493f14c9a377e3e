-- args: -i tests/errors/tables.sql
SELECT UPPER(DISTINCT status) FROM orders;
