-- datagen: the transaction generator and per-column random/sequence
-- fields with a fixed seed give the same rows on every run (this file's
-- expected output pins them).  No rows-per-second: as fast as possible.
CREATE TABLE tx (
    transaction_id BIGINT,
    user_id BIGINT,
    amount DECIMAL(15, 2),
    merchant_id BIGINT,
    transaction_type STRING,
    transaction_time TIMESTAMP(3),
    ip_address STRING,
    device_id STRING,
    location STRING,
    channel INT
) WITH (
    'connector' = 'datagen',
    'generator' = 'transactions',
    'number-of-rows' = '12',
    'generator.users' = '50',
    'generator.merchants' = '20',
    'generator.seed' = '7',
    'generator.start-time' = '2024-05-01 09:00:00',
    'generator.time-step' = '2 s',
    'generator.out-of-orderness' = '3 s',
    'generator.fraud-rate' = '0.2',
    'fields.channel.min' = '1',
    'fields.channel.max' = '3'
);

CREATE TABLE f (
    id INT,
    score DECIMAL(5, 2),
    ratio DOUBLE,
    code STRING,
    flag BOOLEAN,
    opens TIME,
    day DATE,
    maybe BIGINT
) WITH (
    'connector' = 'datagen',
    'generator.seed' = '11',
    'fields.id.kind' = 'sequence',
    'fields.id.start' = '1',
    'fields.id.end' = '5',
    'fields.score.min' = '-1.5',
    'fields.score.max' = '99.99',
    'fields.ratio.min' = '0',
    'fields.ratio.max' = '10',
    'fields.code.length' = '6',
    'fields.opens.min' = '08:00:00',
    'fields.opens.max' = '09:00:00',
    'fields.day.min' = '2024-01-01',
    'fields.day.max' = '2024-12-31',
    'fields.maybe.min' = '0',
    'fields.maybe.max' = '9',
    'fields.maybe.null-rate' = '0.5'
);

CREATE TABLE tx_out (
    transaction_id BIGINT, user_id BIGINT, amount DECIMAL(15, 2),
    merchant_id BIGINT, transaction_type STRING,
    transaction_time TIMESTAMP(3), ip_address STRING, device_id STRING,
    location STRING, channel INT
) WITH ('connector' = 'print', 'print-identifier' = 'tx');
CREATE TABLE f_out (
    id INT, score DECIMAL(5, 2), ratio DOUBLE, code STRING, flag BOOLEAN,
    opens TIME, day DATE, maybe BIGINT
) WITH ('connector' = 'print', 'print-identifier' = 'f');
INSERT INTO tx_out SELECT * FROM tx;
INSERT INTO f_out SELECT * FROM f;
