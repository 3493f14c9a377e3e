-- An enum option with a value outside its choices.
CREATE TABLE tx (id BIGINT) WITH (
    'connector' = 'kafka',
    'topic' = 'tx',
    'properties.bootstrap.servers' = 'localhost:9092',
    'format' = 'json',
    'scan.startup.mode' = 'latest'
);
