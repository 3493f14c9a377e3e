-- A bad value in a secret option must not be echoed.
CREATE TABLE tx (id BIGINT) WITH (
    'connector' = 'kafka',
    'topic' = 'tx',
    'properties.bootstrap.servers' = 'localhost:9092',
    'properties.sasl.jaas.config' = 'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="s3cret";',
    'format' = 'json',
    'kafka.password' = 'hunter2'
);
