-- Seed 002, real-time risk scoring: every transaction enriched with the
-- user's and the merchant's risk profile (cached lookups), scored by amount
-- and time-of-day anomalies; the high-risk decisions are printed.
-- Run with an init file that declares the tables:
--   fsql run -i tables.local.sql risk_scoring.sql     (files + SQLite)
--   fsql run -i tables.kafka.sql risk_scoring.sql     (Kafka + MySQL)

CREATE VIEW real_time_risk_scoring AS
SELECT /*+ BROADCAST(user_risk_profile) */
    t.transaction_id,
    t.user_id,
    t.amount,
    t.merchant_id,
    t.transaction_time,
    t.ip_address,
    t.device_id,
    u.risk_level as user_risk_level,
    u.risk_score as base_risk_score,
    m.risk_level as merchant_risk_level,
    m.fraud_rate as merchant_fraud_rate,
    -- amount anomaly score
    CASE
        WHEN t.amount > u.max_single_amount * 2 THEN 50
        WHEN t.amount > u.avg_daily_amount * 10 THEN 30
        WHEN t.amount > u.avg_daily_amount * 5 THEN 20
        ELSE 0
    END as amount_anomaly_score,
    -- time-of-day anomaly score
    CASE
        WHEN EXTRACT(HOUR FROM t.transaction_time) BETWEEN 2 AND 5 THEN 15
        WHEN EXTRACT(HOUR FROM t.transaction_time) NOT BETWEEN
            EXTRACT(HOUR FROM m.business_hours_start) AND
            EXTRACT(HOUR FROM m.business_hours_end) THEN 10
        ELSE 0
    END as time_anomaly_score,
    -- total risk score
    u.risk_score +
    CASE
        WHEN t.amount > u.max_single_amount * 2 THEN 50
        WHEN t.amount > u.avg_daily_amount * 10 THEN 30
        WHEN t.amount > u.avg_daily_amount * 5 THEN 20
        ELSE 0
    END +
    CASE
        WHEN EXTRACT(HOUR FROM t.transaction_time) BETWEEN 2 AND 5 THEN 15
        WHEN EXTRACT(HOUR FROM t.transaction_time) NOT BETWEEN
            EXTRACT(HOUR FROM m.business_hours_start) AND
            EXTRACT(HOUR FROM m.business_hours_end) THEN 10
        ELSE 0
    END as total_risk_score
FROM transaction_stream t
LEFT JOIN user_risk_profile FOR SYSTEM_TIME AS OF t.transaction_time AS u
    ON t.user_id = u.user_id
LEFT JOIN merchant_risk_profile FOR SYSTEM_TIME AS OF t.transaction_time AS m
    ON t.merchant_id = m.merchant_id;

SELECT transaction_id, user_id, amount, merchant_id, transaction_time,
       user_risk_level, merchant_risk_level, total_risk_score
FROM real_time_risk_scoring
WHERE total_risk_score > 70;
