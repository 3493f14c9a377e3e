-- args: -i tests/errors/tables.sql
CREATE VIEW v AS SELECT user_id, order_id AS user_id FROM orders;
