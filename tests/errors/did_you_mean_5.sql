-- args: -i tests/errors/tables.sql
-- a table name misspelled in FROM, in a join
SELECT o.order_id, c.url
FROM orders o JOIN clickz c ON o.user_id = c.user_id;
