-- args: -i tests/plan/tables.sql
-- Lookup joins against jdbc tables: keys, join type, the event-time AS OF
-- evaluated at processing time, legacy and current cache options.
SELECT t.transaction_id, u.risk_level, m.fraud_rate
FROM transaction_stream t
LEFT JOIN user_risk_profile FOR SYSTEM_TIME AS OF t.transaction_time AS u
    ON t.user_id = u.user_id
JOIN merchant_risk_profile FOR SYSTEM_TIME AS OF t.transaction_time AS m
    ON t.merchant_id = m.merchant_id AND m.merchant_category <> 'gambling';
