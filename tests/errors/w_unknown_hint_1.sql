-- args: -i tests/errors/tables.sql
SELECT /*+ BRODCAST(users) */ order_id FROM orders;
