-- args: -i tests/errors/tables.sql
SELECT EXTRACT(HOUR FROM birthday) FROM users;
