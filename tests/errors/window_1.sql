-- args: -i tests/errors/tables.sql
SELECT user_id, SUM(amount) OVER (PARTITION BY user_id) FROM orders;
