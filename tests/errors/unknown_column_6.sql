-- args: -i tests/errors/tables.sql
SELECT o.order_id FROM orders o JOIN clicks c USING (user_name);
