-- helper
-- Seed 000 tables on local files: the ABP application publishes
-- TransactionCreatedEto events (UserId, Amount, Location, OccurredAt) to
-- Kafka; here the same events are read from a JSON-lines file.  The
-- watermark allows 5 seconds of out-of-orderness, as the article's
-- WatermarkStrategy.forBoundedOutOfOrderness(Duration.ofSeconds(5)).
CREATE TABLE transactions (
    user_id STRING,
    amount DECIMAL(18, 2),
    location STRING,
    occurred_at TIMESTAMP(3),
    WATERMARK FOR occurred_at AS occurred_at - INTERVAL '5' SECOND
) WITH (
    'connector' = 'filesystem',
    'path' = 'data/transactions.jsonl',
    'format' = 'json'
);
