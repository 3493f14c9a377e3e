-- args: -i tests/errors/tables.sql
-- a column misspelled inside a view: the view is reported where it is
-- defined, and the query that reads it later adds no second error
CREATE VIEW paid_orders AS
SELECT order_id, user_id, amout FROM orders WHERE status = 'PAID';
SELECT order_id, amount FROM paid_orders;
