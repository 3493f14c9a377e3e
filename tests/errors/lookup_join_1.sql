-- args: -i tests/errors/tables.sql
SELECT o.order_id, c.url
FROM orders o JOIN clicks FOR SYSTEM_TIME AS OF o.pt AS c ON o.user_id = c.user_id;
