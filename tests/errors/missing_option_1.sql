-- A kafka table without bootstrap servers.
CREATE TABLE tx (id BIGINT) WITH (
    'connector' = 'kafka',
    'topic' = 'tx',
    'format' = 'json'
);
