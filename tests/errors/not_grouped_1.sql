-- args: -i tests/errors/tables.sql
SELECT user_id, status, COUNT(*) FROM orders GROUP BY user_id;
