-- Seed 002's valid views, verbatim, planned together as one statement set
-- (the seed's own tables come first; sinks are print/blackhole tables).
-- system_performance_monitoring and alert_triggers read a valid decision
-- view here instead of comprehensive_risk_decision, which does not compile.
-- 實時交易流
CREATE TABLE transaction_stream (
transaction_id BIGINT,
user_id BIGINT,
amount DECIMAL(15,2),
merchant_id BIGINT,
transaction_type STRING,
transaction_time TIMESTAMP(3),
ip_address STRING,
device_id STRING,
location STRING,
WATERMARK FOR transaction_time AS transaction_time - INTERVAL '10' SECOND
) WITH (
'connector' = 'kafka',
'topic' = 'financial-transactions',
'properties.bootstrap.servers' = 'localhost:9092',
'format' = 'json',
'scan.startup.mode' = 'latest-offset'
);

-- 用戶風險檔案表
CREATE TABLE user_risk_profile (
user_id BIGINT,
risk_score INT,
risk_level STRING,
credit_rating STRING,
account_age_days INT,
avg_daily_amount DECIMAL(15,2),
max_single_amount DECIMAL(15,2),
suspicious_activity_count INT,
last_update_time TIMESTAMP(3),
PRIMARY KEY (user_id) NOT ENFORCED
) WITH (
'connector' = 'jdbc',
'url' = 'jdbc:mysql://localhost:3306/risk_db',
'table-name' = 'user_risk_profiles',
'lookup.cache.max-rows' = '100000',
'lookup.cache.ttl' = '30min'
);

-- 商戶風險檔案表
CREATE TABLE merchant_risk_profile (
merchant_id BIGINT,
merchant_category STRING,
risk_level STRING,
fraud_rate DECIMAL(5,4),
avg_transaction_amount DECIMAL(15,2),
business_hours_start TIME,
business_hours_end TIME,
PRIMARY KEY (merchant_id) NOT ENFORCED
) WITH (
'connector' = 'jdbc',
'url' = 'jdbc:mysql://localhost:3306/risk_db',
'table-name' = 'merchant_risk_profiles',
'lookup.cache.max-rows' = '50000',
'lookup.cache.ttl' = '1h'
);

-- 實時風險評分計算
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
-- 金額異常評分
CASE
WHEN t.amount > u.max_single_amount * 2 THEN 50
WHEN t.amount > u.avg_daily_amount * 10 THEN 30
WHEN t.amount > u.avg_daily_amount * 5 THEN 20
ELSE 0
END as amount_anomaly_score,
-- 時間異常評分
CASE
WHEN EXTRACT(HOUR FROM t.transaction_time) BETWEEN 2 AND 5 THEN 15
WHEN EXTRACT(HOUR FROM t.transaction_time) NOT BETWEEN
EXTRACT(HOUR FROM m.business_hours_start) AND
EXTRACT(HOUR FROM m.business_hours_end) THEN 10
ELSE 0
END as time_anomaly_score,
-- 綜合風險評分
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

-- 用戶行為模式分析
CREATE VIEW user_behavior_analysis AS
SELECT
user_id,
transaction_time,
-- 近1小時交易頻次
COUNT(*) OVER (
PARTITION BY user_id
ORDER BY transaction_time
RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW
) as txn_count_1h,
-- 近1小時交易總額
SUM(amount) OVER (
PARTITION BY user_id
ORDER BY transaction_time
RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW
) as txn_amount_1h,
-- 近24小時不同IP數量
COUNT(DISTINCT ip_address) OVER (
PARTITION BY user_id
ORDER BY transaction_time
RANGE BETWEEN INTERVAL '24' HOUR PRECEDING AND CURRENT ROW
) as distinct_ip_24h,
-- 近24小時不同設備數量
COUNT(DISTINCT device_id) OVER (
PARTITION BY user_id
ORDER BY transaction_time
RANGE BETWEEN INTERVAL '24' HOUR PRECEDING AND CURRENT ROW
) as distinct_device_24h,
-- 連續小額交易檢測
CASE
WHEN amount < 100 AND
LAG(amount, 1) OVER (PARTITION BY user_id ORDER BY transaction_time) < 100 AND
LAG(amount, 2) OVER (PARTITION BY user_id ORDER BY transaction_time) < 100
THEN 1 ELSE 0
END as small_amount_pattern,
transaction_id,
amount,
merchant_id
FROM transaction_stream;

-- 歷史交易模式對比
CREATE VIEW ml_feature_extraction AS
SELECT
transaction_id,
user_id,
amount,
merchant_id,
transaction_time,
-- 用戶歷史特征
AVG(amount) OVER (
PARTITION BY user_id
ORDER BY transaction_time
RANGE BETWEEN INTERVAL '30' DAY PRECEDING AND CURRENT ROW
) as user_avg_amount_30d,
STDDEV(amount) OVER (
PARTITION BY user_id
ORDER BY transaction_time
RANGE BETWEEN INTERVAL '30' DAY PRECEDING AND CURRENT ROW
) as user_amount_stddev_30d,
-- 商戶特征
AVG(amount) OVER (
PARTITION BY merchant_id
ORDER BY transaction_time
RANGE BETWEEN INTERVAL '7' DAY PRECEDING AND CURRENT ROW
) as merchant_avg_amount_7d,
-- 時間特征
EXTRACT(HOUR FROM transaction_time) as hour_of_day,
EXTRACT(DOW FROM transaction_time) as day_of_week,
-- 交易間隔特征
UNIX_TIMESTAMP(transaction_time) -
UNIX_TIMESTAMP(LAG(transaction_time) OVER (PARTITION BY user_id ORDER BY transaction_time)) as time_since_last_txn,
-- 金額比率特征
amount / NULLIF(LAG(amount) OVER (PARTITION BY user_id ORDER BY transaction_time), 0) as amount_ratio_to_prev
FROM transaction_stream;

-- 使用BROADCAST優化小表連接
CREATE VIEW optimized_risk_scoring AS
SELECT /*+ BROADCAST(user_risk_profile, merchant_risk_profile) */
t.transaction_id,
t.user_id,
t.amount,
u.risk_score,
m.fraud_rate,
-- 計算綜合風險評分
CASE
WHEN t.amount > u.max_single_amount * 2 THEN u.risk_score + 50
WHEN t.amount > u.avg_daily_amount * 5 THEN u.risk_score + 30
ELSE u.risk_score + 10
END as calculated_risk_score
FROM transaction_stream t
LEFT JOIN user_risk_profile FOR SYSTEM_TIME AS OF t.transaction_time AS u
ON t.user_id = u.user_id
LEFT JOIN merchant_risk_profile FOR SYSTEM_TIME AS OF t.transaction_time AS m
ON t.merchant_id = m.merchant_id;

-- 系統健康度監控

-- A decision view that compiles (the seed's comprehensive_risk_decision
-- uses columns and tables that do not exist).
CREATE VIEW comprehensive_risk_decision AS
SELECT
r.transaction_id,
r.user_id,
r.amount,
r.transaction_time,
r.total_risk_score,
CASE
WHEN r.total_risk_score > 100 THEN 'REJECT'
WHEN r.total_risk_score > 70 OR r.user_risk_level = 'HIGH' THEN 'MANUAL_REVIEW'
WHEN r.total_risk_score > 50 OR r.merchant_risk_level = 'HIGH' THEN 'DELAYED_APPROVAL'
ELSE 'APPROVE'
END as final_decision
FROM real_time_risk_scoring r;

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

-- 異常告警觸發
CREATE VIEW alert_triggers AS
SELECT
window_start,
total_transactions,
rejection_rate,
avg_processing_latency_ms,
high_risk_ratio,
-- 告警級別判斷
CASE
WHEN rejection_rate > 0.3 OR avg_processing_latency_ms > 5000 THEN 'CRITICAL'
WHEN rejection_rate > 0.2 OR avg_processing_latency_ms > 3000 THEN 'HIGH'
WHEN rejection_rate > 0.1 OR avg_processing_latency_ms > 1000 THEN 'MEDIUM'
ELSE 'NORMAL'
END as alert_level,
-- 告警消息
CASE
WHEN rejection_rate > 0.3 THEN CONCAT('拒絕率過高: ', CAST(rejection_rate * 100 AS STRING), '%')
WHEN avg_processing_latency_ms > 5000 THEN CONCAT('處理延遲過高: ', CAST(avg_processing_latency_ms AS STRING), 'ms')
WHEN high_risk_ratio > 0.5 THEN CONCAT('高風險交易占比過高: ', CAST(high_risk_ratio * 100 AS STRING), '%')
ELSE 'Normal'
END as alert_message
FROM system_performance_monitoring
WHERE rejection_rate > 0.1 OR avg_processing_latency_ms > 1000 OR high_risk_ratio > 0.3;

-- 實時特征提取

CREATE TABLE decisions_out (
transaction_id BIGINT,
user_id BIGINT,
total_risk_score INT,
final_decision STRING
) WITH ('connector' = 'print', 'print-identifier' = 'decision');

CREATE TABLE behavior_out (
user_id BIGINT,
txn_count_1h BIGINT,
distinct_ip_24h BIGINT,
small_amount_pattern INT
) WITH ('connector' = 'blackhole');

CREATE TABLE features_out (
transaction_id BIGINT,
user_avg_amount_30d DECIMAL(38, 6),
merchant_avg_amount_7d DECIMAL(38, 6),
time_since_last_txn BIGINT,
amount_ratio_to_prev DECIMAL(38, 6)
) WITH ('connector' = 'blackhole');

CREATE TABLE scores_out (
transaction_id BIGINT,
calculated_risk_score INT
) WITH ('connector' = 'blackhole');

CREATE TABLE alerts_out (
window_start TIMESTAMP(3),
alert_level STRING,
alert_message STRING
) WITH ('connector' = 'print');

EXECUTE STATEMENT SET BEGIN
INSERT INTO decisions_out
SELECT transaction_id, user_id, total_risk_score, final_decision
FROM comprehensive_risk_decision;
INSERT INTO behavior_out
SELECT user_id, txn_count_1h, distinct_ip_24h, small_amount_pattern
FROM user_behavior_analysis;
INSERT INTO features_out
SELECT transaction_id, user_avg_amount_30d, merchant_avg_amount_7d,
       time_since_last_txn, amount_ratio_to_prev
FROM ml_feature_extraction;
INSERT INTO scores_out
SELECT transaction_id, calculated_risk_score FROM optimized_risk_scoring;
INSERT INTO alerts_out
SELECT window_start, alert_level, alert_message FROM alert_triggers;
END;
