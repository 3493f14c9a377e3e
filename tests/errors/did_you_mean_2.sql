-- args: -i tests/errors/tables.sql
-- a table name misspelled in the dimension side of a lookup join
SELECT o.order_id, u.name
FROM orders AS o
JOIN user FOR SYSTEM_TIME AS OF o.pt AS u ON o.user_id = u.user_id;
