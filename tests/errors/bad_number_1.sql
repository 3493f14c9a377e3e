-- args: -i tests/errors/tables.sql
SELECT amount * 1234567890123456789012345678901234567890 FROM orders;
