-- args: -i tests/errors/tables.sql
-- the view does not select the column
SELECT b.order_id, b.status FROM big_orders b;
