-- DDL: every column kind, type, constraint and table clause.
CREATE TABLE IF NOT EXISTS cat.db.events (
    id BIGINT NOT NULL,
    b BOOLEAN,
    t TINYINT,
    s SMALLINT,
    i INT,
    i2 INTEGER NULL,
    f FLOAT,
    d DOUBLE,
    dec1 DECIMAL(15, 2),
    dec2 DECIMAL(10),
    dec3 DECIMAL,
    str STRING,
    vc VARCHAR(64),
    c CHAR(3),
    bin BYTES,
    dt DATE,
    tm TIME,
    tm3 TIME(3),
    ts TIMESTAMP(3),
    ts6 TIMESTAMP,
    ltz TIMESTAMP_LTZ(3),
    ltz2 TIMESTAMP(3) WITH LOCAL TIME ZONE,
    tsz TIMESTAMP(3) WITHOUT TIME ZONE,
    tags ARRAY<STRING>,
    attrs MAP<STRING, INT>,
    nested ROW<a INT, b STRING>,
    nested2 ROW(x DOUBLE, y ARRAY<ROW<z INT>>),
    ms MULTISET<INT>,
    amount_cents AS CAST(dec1 * 100 AS BIGINT),
    proc AS PROCTIME(),
    event_time TIMESTAMP_LTZ(3) METADATA FROM 'timestamp',
    part INT METADATA FROM 'partition' VIRTUAL,
    headers MAP<STRING, BYTES> METADATA,
    note STRING COMMENT 'free text',
    WATERMARK FOR ts AS ts - INTERVAL '5' SECOND,
    PRIMARY KEY (id) NOT ENFORCED
) COMMENT 'all the things'
PARTITIONED BY (dt, tm)
WITH (
    'connector' = 'kafka',
    'topic' = 'events',
    'properties.bootstrap.servers' = '${KAFKA_SERVERS}',
    'format' = 'json',
    'json.ignore-parse-errors' = 'true'
);
CREATE TEMPORARY TABLE users (
    user_id BIGINT PRIMARY KEY NOT ENFORCED,
    name STRING
) WITH ('connector' = 'jdbc', 'url' = 'jdbc:mysql://localhost:3306/db', 'table-name' = 'users');
CREATE TABLE rates (
    currency STRING,
    rate DECIMAL(38, 10),
    update_time TIMESTAMP(3),
    WATERMARK FOR update_time AS update_time,
    CONSTRAINT pk_rates PRIMARY KEY (currency, update_time) NOT ENFORCED
) WITH ('connector' = 'upsert-kafka');
CREATE TABLE copy_of (x INT) WITH ('connector' = 'print') LIKE events;
CREATE VIEW v AS SELECT 1;
CREATE TEMPORARY VIEW IF NOT EXISTS v2 (a, b) COMMENT 'two columns' AS SELECT x, y FROM t;
CREATE FUNCTION my_udf AS 'com.example.MyUdf';
CREATE TEMPORARY FUNCTION IF NOT EXISTS db.f2 AS 'com.example.F2' LANGUAGE JAVA;
CREATE TEMPORARY SYSTEM FUNCTION f3 AS 'f3.impl' LANGUAGE PYTHON;
DROP TABLE t;
DROP TABLE IF EXISTS db.t;
DROP TEMPORARY TABLE tt;
DROP VIEW v;
DROP TEMPORARY VIEW IF EXISTS v2;
DROP FUNCTION my_udf;
DROP TEMPORARY SYSTEM FUNCTION IF EXISTS f3;
DROP DATABASE IF EXISTS db;
