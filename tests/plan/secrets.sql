-- Source options print with secrets masked.
CREATE TABLE secure_stream (
    id BIGINT,
    payload STRING
) WITH (
    'connector' = 'kafka',
    'topic' = 'secure',
    'properties.bootstrap.servers' = 'broker:9093',
    'properties.sasl.jaas.config' = 'org.apache.kafka.common.security.plain.PlainLoginModule required username="fsql" password="hunter2";',
    'properties.ssl.key.password' = 'hunter3',
    'format' = 'json'
);

CREATE TABLE secure_sink (
    id BIGINT,
    payload STRING
) WITH (
    'connector' = 'jdbc',
    'url' = 'jdbc:mysql://db:3306/risk',
    'table-name' = 'out',
    'username' = 'fsql',
    'password' = 'hunter4'
);

INSERT INTO secure_sink SELECT id, UPPER(payload) FROM secure_stream;
