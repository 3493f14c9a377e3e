-- Seed 002 tables on the embedded default: no servers needed.
-- The transaction stream is read from a JSON-lines file, the two risk
-- profile tables are SQLite tables (created by `make demo`).
-- Use `fsql run -i tables.local.sql risk_scoring.sql` to backtest the
-- rules that production runs with tables.kafka.sql.

CREATE TABLE transaction_stream (
    transaction_id BIGINT,
    user_id BIGINT,
    amount DECIMAL(15,2),
    merchant_id BIGINT,
    transaction_type STRING,
    transaction_time TIMESTAMP(3),
    ip_address STRING,
    device_id STRING,
    location STRING,
    WATERMARK FOR transaction_time AS transaction_time - INTERVAL '10' SECOND
) WITH (
    'connector' = 'filesystem',
    'path' = 'data/transactions.jsonl',
    'format' = 'json'
);

CREATE TABLE user_risk_profile (
    user_id BIGINT,
    risk_score INT,
    risk_level STRING,
    credit_rating STRING,
    account_age_days INT,
    avg_daily_amount DECIMAL(15,2),
    max_single_amount DECIMAL(15,2),
    suspicious_activity_count INT,
    last_update_time TIMESTAMP(3),
    PRIMARY KEY (user_id) NOT ENFORCED
) WITH (
    'connector' = 'jdbc',
    'url' = 'jdbc:sqlite:data/risk.db',
    'table-name' = 'user_risk_profiles',
    'lookup.cache.max-rows' = '100000',
    'lookup.cache.ttl' = '30min'
);

CREATE TABLE merchant_risk_profile (
    merchant_id BIGINT,
    merchant_category STRING,
    risk_level STRING,
    fraud_rate DECIMAL(5,4),
    avg_transaction_amount DECIMAL(15,2),
    business_hours_start TIME,
    business_hours_end TIME,
    PRIMARY KEY (merchant_id) NOT ENFORCED
) WITH (
    'connector' = 'jdbc',
    'url' = 'jdbc:sqlite:data/risk.db',
    'table-name' = 'merchant_risk_profiles',
    'lookup.cache.max-rows' = '50000',
    'lookup.cache.ttl' = '1h'
);
