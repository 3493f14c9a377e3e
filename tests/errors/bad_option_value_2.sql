-- A duration that is not one.
CREATE TABLE users (id BIGINT, name STRING) WITH (
    'connector' = 'jdbc',
    'url' = 'jdbc:sqlite:users.db',
    'table-name' = 'users',
    'lookup.cache.max-rows' = '1000',
    'lookup.cache.ttl' = 'ten minutes'
);
