CREATE TABLE tx (transaction_id BIGINT, user_id BIGINT, amount DECIMAL(15,2), merchant_id BIGINT,
  transaction_type STRING, transaction_time TIMESTAMP(3), ip_address STRING, device_id STRING, location STRING,
  WATERMARK FOR transaction_time AS transaction_time - INTERVAL '5' SECOND)
WITH ('connector'='filesystem','path'='tx.jsonl','format'='json');
CREATE TABLE out (transaction_id BIGINT, user_id BIGINT, amount DECIMAL(15,2), transaction_type STRING, transaction_time TIMESTAMP(3))
WITH ('connector'='filesystem','path'='out.jsonl','format'='json');
INSERT INTO out SELECT transaction_id, user_id, amount, transaction_type, transaction_time FROM tx WHERE amount > 1000 AND transaction_type <> 'REFUND';
