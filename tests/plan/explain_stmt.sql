-- args: -i tests/plan/tables.sql
-- An EXPLAIN statement inside a script, a VALUES query and ORDER BY/LIMIT
-- on a bounded source.
EXPLAIN SELECT user_id, COUNT(*) AS n FROM payments GROUP BY user_id;

SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS v(id, name);

SELECT payment_id, status FROM payments ORDER BY payment_id DESC LIMIT 10;
