-- lookup.partial-cache.* options with the cache switched off
CREATE TABLE dim (
    id BIGINT,
    label STRING,
    PRIMARY KEY (id) NOT ENFORCED
) WITH (
    'connector' = 'jdbc',
    'url' = 'jdbc:sqlite:dim.db',
    'table-name' = 'dim',
    'lookup.cache' = 'NONE',
    'lookup.partial-cache.max-rows' = '1000'
);
