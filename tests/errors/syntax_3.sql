-- args: -i tests/errors/tables.sql
-- FROM misspelled: FORM reads as a column alias, so the error is at the
-- table name after it
SELECT order_id FORM orders;
