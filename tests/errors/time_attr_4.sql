-- args: -i tests/errors/tables.sql
SELECT c.url, u.name
FROM clicks c JOIN users FOR SYSTEM_TIME AS OF c.ts AS u ON c.user_id = u.user_id;
