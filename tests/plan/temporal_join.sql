-- args: -i tests/plan/tables.sql
-- An event-time temporal join against a versioned (upsert-kafka) table.
SELECT t.transaction_id, t.amount * r.rate AS amount_usd
FROM transaction_stream t
JOIN fx_rates FOR SYSTEM_TIME AS OF t.transaction_time AS r
  ON t.location = r.currency;

-- The same against a filesystem table with PRIMARY KEY and WATERMARK: its
-- rows are an append-only changelog of versions (not a lookup table).
CREATE TABLE fx_file (currency STRING, rate DECIMAL(10, 4), updated_at TIMESTAMP(3),
    PRIMARY KEY (currency) NOT ENFORCED,
    WATERMARK FOR updated_at AS updated_at - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'fx.jsonl', 'format' = 'json');
SELECT t.transaction_id, t.amount * r.rate AS amount_usd
FROM transaction_stream t
LEFT JOIN fx_file FOR SYSTEM_TIME AS OF t.transaction_time AS r
  ON t.location = r.currency;
