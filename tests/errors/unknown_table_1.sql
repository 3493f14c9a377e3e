-- args: -i tests/errors/tables.sql
SELECT * FROM order_s;
