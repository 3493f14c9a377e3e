-- args: -i tests/errors/tables.sql
SELECT PREV(amount) FROM orders;
