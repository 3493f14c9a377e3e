-- Seed 002 tables in production: the transaction stream from Kafka and the
-- risk profiles from MySQL, as the article declares them.  Credentials come
-- from the environment so that they stay out of the rule files.

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
    'properties.group.id' = 'fsql-risk',
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
    'username' = 'risk',
    'password' = '${RISK_DB_PASSWORD}',
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
    'url' = 'jdbc:mysql://localhost:3306/risk_db',
    'table-name' = 'merchant_risk_profiles',
    'username' = 'risk',
    'password' = '${RISK_DB_PASSWORD}',
    'lookup.cache.max-rows' = '50000',
    'lookup.cache.ttl' = '1h'
);
