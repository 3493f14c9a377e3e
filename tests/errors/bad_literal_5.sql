-- args: -i tests/errors/tables.sql
SELECT name, X'ABC' AS tag FROM users;
