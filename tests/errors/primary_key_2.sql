-- Flink requires NOT ENFORCED on primary keys.
CREATE TABLE users (
    id BIGINT,
    name STRING,
    PRIMARY KEY (id)
) WITH ('connector' = 'jdbc', 'url' = 'jdbc:sqlite:u.db', 'table-name' = 'users');
