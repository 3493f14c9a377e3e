-- args: -i tests/plan/tables.sql
-- Regular joins say per side what state they keep: one row per join key
-- when the join key holds a unique key of that input (the PRIMARY KEY of
-- an upsert-kafka table; the GROUP BY keys of an aggregate), else all
-- rows per join key; the TTL applies to both.
SET 'table.exec.state.ttl' = '1 h';

SELECT t.transaction_id, r.rate
FROM transaction_stream t
JOIN fx_rates r ON t.location = r.currency;

SELECT t.transaction_id, s.n
FROM transaction_stream t
LEFT JOIN (SELECT user_id, COUNT(*) AS n FROM transaction_stream GROUP BY user_id) s
  ON t.user_id = s.user_id AND t.amount > 10;

SELECT a.user_id, a.n, b.total
FROM (SELECT user_id, COUNT(*) AS n FROM transaction_stream GROUP BY user_id) a
JOIN (SELECT user_id, merchant_id, SUM(amount) AS total FROM transaction_stream
      GROUP BY user_id, merchant_id) b
  ON a.user_id = b.user_id;
