-- args: -i tests/errors/tables.sql
SELECT user_id, SUM(COUNT(*)) FROM orders GROUP BY user_id;
