-- args: -i tests/errors/tables.sql
SELECT user_id FROM orders
WHERE user_id IN (SELECT user_id FROM blacklist_users);
