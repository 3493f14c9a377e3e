-- args: -i tests/errors/tables.sql
-- UNIX_TIMESTAMP with a letter missing
SELECT order_id, UNIX_TIMESTMP() - UNIX_TIMESTAMP(CAST(ts AS STRING)) AS age
FROM orders;
