-- args: -i tests/errors/tables.sql
INSERT INTO totals SELECT user_id, amount FROM orders;
