-- args: -i tests/errors/tables.sql
SELECT UPPPER(status) FROM orders;
