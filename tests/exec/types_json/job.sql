-- Every scalar type through the json format: decode, filter, project,
-- encode (jsonl output).
CREATE TABLE t (
    b BOOLEAN,
    i INT,
    big BIGINT,
    d DOUBLE,
    dec DECIMAL(20, 4),
    s STRING,
    dt DATE,
    tm TIME,
    ts TIMESTAMP(3),
    ltz TIMESTAMP_LTZ(3)
) WITH (
    'connector' = 'filesystem',
    'path' = 'in.jsonl',
    'format' = 'json'
);

SELECT b, NOT b AS nb, i, i + 1 AS i1, big, big - 1 AS big1, d, d * 2 AS d2,
       dec, dec * 10 AS dec10, s, CHAR_LENGTH(s) AS n, dt, tm, ts, ltz
FROM t
WHERE i IS NULL OR i <> 3;
