-- args: -i tests/plan/tables.sql
-- ROWS frames, UNBOUNDED PRECEDING, ROW_NUMBER and a second partitioning
-- (a second OverAggregate), over a processing-time attribute.
SELECT
    payment_id,
    SUM(payment_id) OVER (PARTITION BY user_id ORDER BY proc
        ROWS BETWEEN 5 PRECEDING AND CURRENT ROW) AS last6,
    COUNT(*) OVER (PARTITION BY user_id ORDER BY proc
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running,
    ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY proc) AS rn,
    MAX(payment_id) OVER (PARTITION BY status ORDER BY proc
        RANGE BETWEEN INTERVAL '30' MINUTE PRECEDING AND CURRENT ROW) AS max30
FROM payments;
