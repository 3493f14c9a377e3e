-- args: -i tests/plan/tables.sql
-- An event-time temporal join against a versioned (upsert-kafka) table.
SELECT t.transaction_id, t.amount * r.rate AS amount_usd
FROM transaction_stream t
JOIN fx_rates FOR SYSTEM_TIME AS OF t.transaction_time AS r
  ON t.location = r.currency;
