-- args: -i tests/errors/tables.sql
SELECT o.order_id, u.name
FROM orders o
LEFT JOIN users FOR SYSTEM_TIME AS OF o.ts AS u ON o.user_id = u.user_id;
