-- args: -i tests/errors/tables.sql
-- CONCAT_WS with its last two letters swapped
SELECT CONCAT_SW('-', status, currency) AS tag FROM orders;
