-- args: -i tests/errors/tables.sql
SELECT SUM(amount) OVER (PARTITION BY user_id ORDER BY ts DESC) FROM orders;
