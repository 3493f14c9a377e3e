-- args: -i tests/errors/tables.sql
-- a DOUBLE literal beyond the range of a double
SELECT amount * 1e400 AS huge FROM orders;
