-- Seed 001 tables on local files (no servers): the order events and the
-- receipt (money arrived) events as JSON lines, with epoch-second
-- timestamps as the article's events carry them.  Production would read
-- the same two Kafka topics: only this file changes.

CREATE TABLE order_events (
    userId BIGINT,
    action STRING,
    orId STRING,
    `timestamp` BIGINT,
    event_time AS TO_TIMESTAMP_LTZ(`timestamp`, 0),
    -- events may arrive up to 2 seconds out of order
    WATERMARK FOR event_time AS event_time - INTERVAL '2' SECOND
) WITH (
    'connector' = 'filesystem',
    'path' = 'data/orders.jsonl',
    'format' = 'json'
);

CREATE TABLE receipt_events (
    orId STRING,
    payEquipment STRING,
    `timestamp` BIGINT,
    event_time AS TO_TIMESTAMP_LTZ(`timestamp`, 0),
    WATERMARK FOR event_time AS event_time - INTERVAL '2' SECOND
) WITH (
    'connector' = 'filesystem',
    'path' = 'data/receipts.jsonl',
    'format' = 'json'
);
