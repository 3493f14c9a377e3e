-- args: -i tests/errors/tables.sql
INSERT INTO big_orders SELECT order_id, user_id, amount, ts FROM orders;
