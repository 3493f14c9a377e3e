-- A Flink format that fsql does not read.
CREATE TABLE tx (id BIGINT) WITH (
    'connector' = 'kafka',
    'topic' = 'tx',
    'properties.bootstrap.servers' = 'localhost:9092',
    'format' = 'avro'
);
