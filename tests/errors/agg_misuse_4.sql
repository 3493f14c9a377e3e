-- args: -i tests/errors/tables.sql
SELECT user_id FROM orders GROUP BY SUM(amount);
