-- args: -i tests/errors/tables.sql
SELECT o.order_id, u.name
FROM orders o JOIN users FOR SYSTEM_TIME AS OF o.pt AS u ON o.user_id = u.user_id
JOIN users u ON u.user_id = o.user_id;
