-- Seed 002 demo data: the transaction stream as a JSON-lines file
-- (data/transactions.jsonl, declared in tables.local.sql), written by
-- fsql's transaction generator.  The file sink appends, so remove the
-- file first:
--   rm -f data/transactions.jsonl
--   fsql run -i tables.local.sql make_transactions.sql
-- A fixed seed gives the same transactions on every run.

CREATE TEMPORARY TABLE transaction_gen (
    transaction_id BIGINT,
    user_id BIGINT,
    amount DECIMAL(15, 2),
    merchant_id BIGINT,
    transaction_type STRING,
    transaction_time TIMESTAMP(3),
    ip_address STRING,
    device_id STRING,
    location STRING
) WITH (
    'connector' = 'datagen',
    'generator' = 'transactions',
    'number-of-rows' = '${FSQL_DEMO_ROWS:-300000}',
    'generator.users' = '${FSQL_DEMO_USERS:-100000}',
    'generator.merchants' = '${FSQL_DEMO_MERCHANTS:-10000}',
    'generator.seed' = '2001',
    'generator.start-time' = '2024-03-01 00:00:00',
    'generator.time-step' = '1 s',
    'generator.out-of-orderness' = '5 s',
    'generator.fraud-rate' = '0.01'
);

INSERT INTO transaction_stream SELECT * FROM transaction_gen;
