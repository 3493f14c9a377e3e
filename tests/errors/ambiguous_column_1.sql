-- args: -i tests/errors/tables.sql
SELECT user_id, name
FROM orders o JOIN users FOR SYSTEM_TIME AS OF o.pt AS u ON o.user_id = u.user_id;
