-- args: -i tests/errors/tables.sql
INSERT OVERWRITE totals SELECT user_id, amount, status FROM orders;
