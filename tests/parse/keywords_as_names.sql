-- Non-reserved keywords and type names are usable as identifiers;
-- reserved words need back quotes.
CREATE TABLE logs (
    `timestamp` TIMESTAMP(3),
    date DATE,
    time TIME,
    value DOUBLE,
    type STRING,
    location STRING,
    comment STRING,
    key STRING,
    year INT,
    `partition` INT,
    first STRING,
    last STRING,
    position INT,
    `interval` INT,
    `select` STRING,
    `a``b` INT,
    中文列 STRING,
    WATERMARK FOR `timestamp` AS `timestamp` - INTERVAL '1' SECOND
) WITH ('connector' = 'datagen');
SELECT timestamp, date, time, value, type, location, comment, key, year,
       first, last, position, `partition`, `interval`, `select`, `a``b`,
       t.date, t.timestamp, l.value AS value, interval, 中文列
FROM logs AS t, logs l
WHERE type = 'x' AND date > DATE '2024-01-01' AND position IS NOT NULL;
SELECT count, sum, status, level, name, user, result, data, hour, minute
FROM t2 AS data;
SELECT final, running, current, `rows`, `range`, uNkNoWn IS NULL FROM t3;
