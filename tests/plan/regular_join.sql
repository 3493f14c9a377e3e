-- args: -i tests/plan/tables.sql
-- A regular join (no time bounds): state on both sides, bounded by
-- table.exec.state.ttl; WHERE conditions on one side are pushed below it.
SET 'table.exec.state.ttl' = '1 h';

SELECT t.transaction_id, p.status
FROM transaction_stream t
JOIN payments p ON t.transaction_id = p.transaction_id
WHERE t.amount > 100 AND p.status = 'FAILED' AND t.user_id <> p.user_id;

INSERT INTO counts
SELECT t.user_id, COUNT(*) AS n
FROM transaction_stream t
LEFT JOIN payments p ON t.transaction_id = p.transaction_id
GROUP BY t.user_id;
