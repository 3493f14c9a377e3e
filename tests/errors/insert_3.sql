-- args: -i tests/errors/tables.sql
INSERT INTO clicks SELECT user_id, status, ts FROM orders;
