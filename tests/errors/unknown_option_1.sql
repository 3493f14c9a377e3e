-- A misspelled option key.
CREATE TABLE tx (id BIGINT) WITH (
    'connector' = 'kafka',
    'topic' = 'tx',
    'properties.bootstrap.servers' = 'localhost:9092',
    'format' = 'json',
    'scan.startup.mod' = 'earliest-offset'
);
