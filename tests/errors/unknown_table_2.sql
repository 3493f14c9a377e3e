-- args: -i tests/errors/tables.sql
INSERT INTO total SELECT user_id, amount, status FROM orders;
