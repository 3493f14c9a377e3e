-- args: -i tests/errors/tables.sql
SELECT o.ts - c.ts FROM orders o JOIN clicks c ON o.user_id = c.user_id;
