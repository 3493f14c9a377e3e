-- A Flink connector fsql does not provide.
CREATE TABLE logs (id BIGINT) WITH (
    'connector' = 'hbase-2.2',
    'table-name' = 'logs'
);
