-- args: -i tests/errors/tables.sql
SELECT user_id, url FROM clicks
UNION ALL
SELECT user_id FROM orders;
