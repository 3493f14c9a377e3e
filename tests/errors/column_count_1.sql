-- args: -i tests/errors/tables.sql
CREATE VIEW v (a, b) AS SELECT user_id FROM orders;
