-- args: -i tests/errors/tables.sql
SELECT * FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(created_at), INTERVAL '1' MINUTE));
