-- args: -i tests/errors/tables.sql
SELECT user_id, ROW_NUMBER() AS rn FROM orders;
