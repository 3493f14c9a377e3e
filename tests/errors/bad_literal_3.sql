-- args: -i tests/errors/tables.sql
SELECT name FROM users WHERE birthday = DATE '2024-13-01';
