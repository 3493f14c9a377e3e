-- args: --output csv
-- Every scalar type through the csv format (a quoted field with the
-- delimiter, a doubled quote, the null literal), printed as csv.
CREATE TABLE t (
    b BOOLEAN,
    i INT,
    big BIGINT,
    d DOUBLE,
    dec DECIMAL(10, 2),
    s STRING,
    dt DATE,
    tm TIME,
    ts TIMESTAMP(3)
) WITH (
    'connector' = 'filesystem',
    'path' = 'in.csv',
    'format' = 'csv',
    'csv.null-literal' = 'NULL'
);

SELECT i, b, big, d, dec, dec + 0.005 AS dec2, s, UPPER(s) AS us, dt, tm, ts
FROM t
WHERE b IS NOT FALSE;
