-- args: -i tests/errors/tables.sql
SELECT COUNT(*) OVER w FROM orders WINDOW v AS (ORDER BY ts);
