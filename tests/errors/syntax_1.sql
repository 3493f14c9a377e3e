-- args: -i tests/errors/tables.sql
-- a FROM with no table after it
SELECT order_id FROM WHERE amount > 10;
