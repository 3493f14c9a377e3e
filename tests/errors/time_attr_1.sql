-- args: -i tests/errors/tables.sql
SELECT SUM(user_id) OVER (ORDER BY ts) FROM clicks;
