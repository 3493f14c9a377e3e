-- An exactly-once Kafka sink without a transactional id prefix.
CREATE TABLE alerts (id BIGINT) WITH (
    'connector' = 'kafka',
    'topic' = 'alerts',
    'properties.bootstrap.servers' = 'localhost:9092',
    'format' = 'json',
    'sink.delivery-guarantee' = 'exactly-once'
);
