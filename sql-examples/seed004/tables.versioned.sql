-- Seed 004 with versioned alert settings: the article keeps each
-- customer's settings in a compacted Kafka topic and an entry must be
-- checked against the settings valid when it was booked, not the ones in
-- force when it happens to be processed.  Here the settings history is a
-- file (one line per change; in production an upsert-kafka table on the
-- compacted topic with the same PRIMARY KEY and WATERMARK, see
-- docs/joins.md "Temporal joins").  A filesystem table with a PRIMARY KEY
-- and a WATERMARK joined FOR SYSTEM_TIME AS OF an event-time column is a
-- versioned table: each line is the new version of its key from its
-- changed_at on.

CREATE TABLE account_entries (
    entry_id BIGINT,
    account STRING,
    entry_type STRING,            -- DEBIT or CREDIT
    amount DECIMAL(15, 2),
    balance_after DECIMAL(15, 2),
    currency STRING,
    entry_time TIMESTAMP(3),
    WATERMARK FOR entry_time AS entry_time - INTERVAL '5' SECOND
) WITH (
    'connector' = 'filesystem',
    'path' = 'data/account_entries.jsonl',
    'format' = 'json'
);

-- One debit limit per account; a change replaces it from changed_at on.
CREATE TABLE debit_limits (
    account STRING,
    customer_id BIGINT,
    debit_limit DECIMAL(15, 2),
    channel STRING,               -- EMAIL, SMS, PUSH
    address STRING,
    changed_at TIMESTAMP(3),
    PRIMARY KEY (account) NOT ENFORCED,
    WATERMARK FOR changed_at AS changed_at - INTERVAL '1' MINUTE
) WITH (
    'connector' = 'filesystem',
    'path' = 'data/debit_limits.jsonl',
    'format' = 'json'
);

CREATE TABLE debit_alerts (entry_id BIGINT, customer_id BIGINT,
    channel STRING, address STRING, account STRING, amount DECIMAL(15, 2),
    debit_limit DECIMAL(15, 2), limit_since TIMESTAMP(3),
    entry_time TIMESTAMP(3))
WITH ('connector' = 'filesystem', 'path' = 'out/debit_alerts.jsonl',
      'format' = 'json');
