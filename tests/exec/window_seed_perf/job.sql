-- args: --output changelog
-- Seed 002's system_performance_monitoring and alert_triggers views, as
-- written, over a small stand-in for comprehensive_risk_decision (a JSON
-- file with event time).  Legacy GROUP BY TUMBLE with TUMBLE_START and
-- conditional COUNTs; rejection_rate = COUNT(...) * 1.0 / COUNT(*).  The
-- latency column depends on the wall clock, so the queries select the
-- other columns (alert_level is CRITICAL: 2024 data is old).
CREATE TABLE comprehensive_risk_decision (
    transaction_id STRING,
    final_decision STRING,
    total_risk_score INT,
    transaction_time TIMESTAMP(3),
    WATERMARK FOR transaction_time AS transaction_time - INTERVAL '5' SECOND
) WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');

CREATE VIEW system_performance_monitoring AS
SELECT
TUMBLE_START(transaction_time, INTERVAL '1' MINUTE) as window_start,
COUNT(*) as total_transactions,
COUNT(CASE WHEN final_decision = 'REJECT' THEN 1 END) as rejected_count,
COUNT(CASE WHEN final_decision = 'MANUAL_REVIEW' THEN 1 END) as review_count,
COUNT(CASE WHEN final_decision = 'APPROVE' THEN 1 END) as approved_count,
-- 拒絕率
COUNT(CASE WHEN final_decision = 'REJECT' THEN 1 END) * 1.0 / COUNT(*) as rejection_rate,
-- 平均處理延遲(毫秒)
AVG(UNIX_TIMESTAMP() * 1000 - UNIX_TIMESTAMP(transaction_time) * 1000) as avg_processing_latency_ms,
-- 高風險交易占比
COUNT(CASE WHEN total_risk_score > 70 THEN 1 END) * 1.0 / COUNT(*) as high_risk_ratio
FROM comprehensive_risk_decision
GROUP BY TUMBLE(transaction_time, INTERVAL '1' MINUTE);

CREATE VIEW alert_triggers AS
SELECT
window_start,
total_transactions,
rejection_rate,
avg_processing_latency_ms,
high_risk_ratio,
CASE
WHEN rejection_rate > 0.3 OR avg_processing_latency_ms > 5000 THEN 'CRITICAL'
WHEN rejection_rate > 0.2 OR avg_processing_latency_ms > 3000 THEN 'HIGH'
WHEN rejection_rate > 0.1 OR avg_processing_latency_ms > 1000 THEN 'MEDIUM'
ELSE 'NORMAL'
END as alert_level,
CASE
WHEN rejection_rate > 0.3 THEN CONCAT('拒絕率過高: ', CAST(rejection_rate * 100 AS STRING), '%')
WHEN avg_processing_latency_ms > 5000 THEN CONCAT('處理延遲過高: ', CAST(avg_processing_latency_ms AS STRING), 'ms')
WHEN high_risk_ratio > 0.5 THEN CONCAT('高風險交易占比過高: ', CAST(high_risk_ratio * 100 AS STRING), '%')
ELSE 'Normal'
END as alert_message
FROM system_performance_monitoring
WHERE rejection_rate > 0.1 OR avg_processing_latency_ms > 1000 OR high_risk_ratio > 0.3;

SELECT window_start, total_transactions, rejected_count, review_count,
       approved_count, rejection_rate, high_risk_ratio
FROM system_performance_monitoring;

SELECT window_start, total_transactions, alert_level FROM alert_triggers;
