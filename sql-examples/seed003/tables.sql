-- helper
-- Seed 003 tables on local files: the Kafka transaction stream of the
-- article, read from a JSON-lines file.  Watermark: 5 seconds of
-- out-of-orderness (forBoundedOutOfOrderness(Duration.ofSeconds(5))).
CREATE TABLE transactions (
    transaction_id BIGINT,
    user_id BIGINT,
    amount DECIMAL(15, 2),
    region STRING,
    tx_time TIMESTAMP(3),
    WATERMARK FOR tx_time AS tx_time - INTERVAL '5' SECOND
) WITH (
    'connector' = 'filesystem',
    'path' = 'data/transactions.jsonl',
    'format' = 'json'
);
