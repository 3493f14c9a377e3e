-- args: -i tests/errors/tables.sql
SELECT user_id FROM orders WHERE COUNT(*) > 1;
