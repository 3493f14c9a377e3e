-- args: -i tests/errors/tables.sql
SELECT x.amount FROM orders o;
