-- args: -i tests/errors/tables.sql
SELECT currency FROM orders o JOIN rates FOR SYSTEM_TIME AS OF o.ts AS r
ON o.currency = r.currency;
