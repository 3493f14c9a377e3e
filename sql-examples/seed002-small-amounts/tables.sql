-- helper
-- Seed 002's transaction stream (the article's DDL), read from a
-- JSON-lines file instead of Kafka.
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
