-- args: -i tests/errors/tables.sql
SELECT LEAD(amount, -1) OVER (PARTITION BY user_id ORDER BY ts) FROM orders;
