-- args: -i tests/errors/tables.sql
SELECT ts + INTERVAL 'ten' SECOND FROM orders;
