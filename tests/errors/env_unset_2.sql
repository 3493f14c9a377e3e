-- validate connects nowhere: an unset ${VAR} is only a warning.
CREATE TABLE tx (id BIGINT) WITH (
    'connector' = 'kafka',
    'topic' = 'tx',
    'properties.bootstrap.servers' = '${FSQL_TEST_SURELY_UNSET_SERVERS}',
    'format' = 'json'
);
