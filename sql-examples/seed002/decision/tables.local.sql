-- Tables of the seed 002 decision example, on local files and SQLite (no
-- servers).  The stream and the profile tables are declared as in
-- ../tables.local.sql; the seed's transaction_history_summary (parquet on
-- HDFS in the article) is a local JSON-lines file, and the three blacklists the
-- seed uses but never declares are jdbc tables in the same SQLite file.
-- data/decision.db is built from data/decision_db.sql:
--   sqlite3 data/decision.db < data/decision_db.sql

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
    'url' = 'jdbc:sqlite:data/decision.db',
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
    'url' = 'jdbc:sqlite:data/decision.db',
    'table-name' = 'merchant_risk_profiles',
    'lookup.cache.max-rows' = '50000',
    'lookup.cache.ttl' = '1h'
);

CREATE TABLE transaction_history_summary (
    user_id BIGINT,
    date_key DATE,
    hour_key INT,
    total_amount DECIMAL(15,2),
    transaction_count INT,
    avg_amount DECIMAL(15,2),
    max_amount DECIMAL(15,2),
    distinct_merchants INT,
    most_frequent_merchant BIGINT
) WITH (
    'connector' = 'filesystem',
    'path' = 'data/history.jsonl',
    'format' = 'json'
);

CREATE TABLE blacklist_users (
    user_id BIGINT,
    reason STRING
) WITH (
    'connector' = 'jdbc',
    'url' = 'jdbc:sqlite:data/decision.db',
    'table-name' = 'blacklist_users',
    'lookup.cache.max-rows' = '10000',
    'lookup.cache.ttl' = '5min'
);

CREATE TABLE blacklist_merchants (
    merchant_id BIGINT,
    reason STRING
) WITH (
    'connector' = 'jdbc',
    'url' = 'jdbc:sqlite:data/decision.db',
    'table-name' = 'blacklist_merchants',
    'lookup.cache.max-rows' = '10000',
    'lookup.cache.ttl' = '5min'
);

CREATE TABLE blacklist_ips (
    ip_address STRING,
    reason STRING
) WITH (
    'connector' = 'jdbc',
    'url' = 'jdbc:sqlite:data/decision.db',
    'table-name' = 'blacklist_ips',
    'lookup.cache.max-rows' = '10000',
    'lookup.cache.ttl' = '5min'
);
