-- helper: tables shared by the name-resolution and type-checking cases
CREATE TABLE orders (
    order_id BIGINT,
    user_id BIGINT,
    amount DECIMAL(10, 2),
    currency STRING,
    status STRING,
    ts TIMESTAMP(3),
    pt AS PROCTIME(),
    WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH (
    'connector' = 'kafka',
    'topic' = 'orders',
    'properties.bootstrap.servers' = 'localhost:9092',
    'format' = 'json'
);
CREATE TABLE users (
    user_id BIGINT,
    name STRING,
    level STRING,
    birthday DATE,
    PRIMARY KEY (user_id) NOT ENFORCED
) WITH (
    'connector' = 'jdbc',
    'url' = 'jdbc:mysql://localhost:3306/shop',
    'table-name' = 'users'
);
CREATE TABLE rates (
    currency STRING,
    rate DECIMAL(10, 4),
    update_time TIMESTAMP(3),
    PRIMARY KEY (currency) NOT ENFORCED,
    WATERMARK FOR update_time AS update_time
) WITH (
    'connector' = 'upsert-kafka',
    'topic' = 'rates',
    'properties.bootstrap.servers' = 'localhost:9092',
    'key.format' = 'json',
    'value.format' = 'json'
);
CREATE TABLE clicks (
    user_id BIGINT,
    url STRING,
    ts TIMESTAMP(3)
) WITH (
    'connector' = 'datagen'
);
CREATE TABLE totals (
    user_id BIGINT,
    total DECIMAL(20, 2),
    label STRING
) WITH (
    'connector' = 'print'
);
CREATE VIEW big_orders AS
SELECT order_id, user_id, amount, ts FROM orders WHERE amount > 100;
