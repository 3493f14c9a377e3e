-- Values out of range for their column types, with
-- 'json.ignore-parse-errors': each bad value reads as NULL and is counted,
-- the row is kept.  The extreme BIGINT epoch millis are valid TIMESTAMPs
-- and print with a signed year.
CREATE TABLE t (
    tag STRING, b BOOLEAN, ti TINYINT, si SMALLINT, i INT, big BIGINT,
    f FLOAT, d DOUBLE, dec DECIMAL(5, 2), dt DATE, tm TIME,
    ts TIMESTAMP(3), ltz TIMESTAMP_LTZ(3)
) WITH (
    'connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json',
    'json.ignore-parse-errors' = 'true'
);
SELECT * FROM t;
