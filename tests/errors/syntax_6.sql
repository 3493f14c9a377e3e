-- args: -i tests/errors/tables.sql
-- the input ends in the middle of a statement (no semicolon)
SELECT order_id FROM orders WHERE
