-- args: -i tests/errors/tables.sql
SELECT user_id, COUNT(*), SUM(amount) OVER (ORDER BY ts) FROM orders GROUP BY user_id;
