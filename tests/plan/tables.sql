-- helper: tables shared by the plan tests (tests/plan/*.sql use it with -i)
-- The first three are seed 002's transaction stream and dimension tables.
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
    'connector' = 'kafka',
    'topic' = 'financial-transactions',
    'properties.bootstrap.servers' = 'localhost:9092',
    'format' = 'json',
    'scan.startup.mode' = 'latest-offset'
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
    'url' = 'jdbc:mysql://localhost:3306/risk_db',
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
    'url' = 'jdbc:sqlite:risk.db',
    'table-name' = 'merchant_risk_profiles',
    'lookup.cache' = 'PARTIAL',
    'lookup.partial-cache.max-rows' = '50000',
    'lookup.partial-cache.expire-after-write' = '1h',
    'lookup.partial-cache.expire-after-access' = '10min',
    'lookup.partial-cache.cache-missing-key' = 'false'
);

-- Payments with a processing-time attribute.
CREATE TABLE payments (
    payment_id BIGINT,
    transaction_id BIGINT,
    user_id BIGINT,
    status STRING,
    paid_at TIMESTAMP(3),
    proc AS PROCTIME(),
    WATERMARK FOR paid_at AS paid_at - INTERVAL '5' SECOND
) WITH (
    'connector' = 'filesystem',
    'path' = 'data/payments.jsonl',
    'format' = 'json'
);

CREATE TABLE blacklist_users (
    user_id BIGINT,
    reason STRING,
    PRIMARY KEY (user_id) NOT ENFORCED
) WITH (
    'connector' = 'jdbc',
    'url' = 'jdbc:sqlite:risk.db',
    'table-name' = 'blacklist_users'
);

CREATE TABLE alerts (
    user_id BIGINT,
    alert STRING,
    score INT
) WITH ('connector' = 'print');

CREATE TABLE counts (
    user_id BIGINT,
    n BIGINT
) WITH ('connector' = 'blackhole');

-- A versioned table (primary key and watermark): event-time temporal joins.
CREATE TABLE fx_rates (
    currency STRING,
    rate DECIMAL(10, 4),
    updated_at TIMESTAMP(3),
    WATERMARK FOR updated_at AS updated_at,
    PRIMARY KEY (currency) NOT ENFORCED
) WITH (
    'connector' = 'upsert-kafka',
    'topic' = 'fx-rates',
    'properties.bootstrap.servers' = 'localhost:9092',
    'key.format' = 'json',
    'value.format' = 'json'
);
