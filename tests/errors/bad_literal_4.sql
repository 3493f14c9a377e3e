-- args: -i tests/errors/tables.sql
SELECT name FROM users WHERE name = CAST(X'4g42' AS STRING);
