-- args: -i tests/errors/tables.sql
SET 'table.local-time-zone' = 'Mars';
