-- args: -i tests/errors/tables.sql
-- an opening parenthesis that is never closed
SELECT COUNT(order_id FROM orders;
