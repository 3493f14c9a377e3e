-- args: -i tests/errors/tables.sql
-- double quotes around a name
SELECT "order_id" FROM orders;
