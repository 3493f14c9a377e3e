-- args: -i tests/errors/tables.sql
SELECT CAST(birthday AS INT) FROM users;
