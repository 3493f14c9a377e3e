-- args: -i tests/errors/tables.sql
SELECT amount + status FROM orders;
