-- args: -i tests/errors/tables.sql
-- three statements: the 2nd has a syntax error; the 1st and the 3rd are
-- still resolved and their errors reported
SELECT amout FROM orders;
SELECT order_id, FROM orders;
SELECT order_id FROM order_s;
