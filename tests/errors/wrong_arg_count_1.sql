-- args: -i tests/errors/tables.sql
SELECT UPPER(status, currency) FROM orders;
