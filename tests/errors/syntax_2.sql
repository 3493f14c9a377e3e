-- args: -i tests/errors/tables.sql
-- a misspelled keyword at the start of a statement
SELCT order_id FROM orders;
