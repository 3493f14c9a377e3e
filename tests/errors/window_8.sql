-- args: -i tests/errors/tables.sql
SELECT UPPER(TABLE orders) FROM orders;
