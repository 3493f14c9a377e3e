-- args: -i tests/errors/tables.sql
SELECT COUNT(o.*) FROM orders o;
