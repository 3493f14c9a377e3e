-- args: -i tests/errors/tables.sql
SELECT amount * 2 AS doubled FROM orders WHERE doubled > 10;
