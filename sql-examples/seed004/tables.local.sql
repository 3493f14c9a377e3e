-- Seed 004 tables on local files (no servers).  The account entries (one
-- per debit or credit of a payment) come from a JSON-lines file, the
-- customers' alert settings - one row per customer, account, alert type
-- and channel - from a CSV file read once at start (a bounded table,
-- joined as a broadcast hash side); the alerts go to one file per channel
-- (production: one Kafka topic per channel), plus an audit file that two
-- statements write.

CREATE TABLE account_entries (
    entry_id BIGINT,
    account STRING,
    entry_type STRING,            -- DEBIT or CREDIT
    amount DECIMAL(15, 2),
    balance_after DECIMAL(15, 2),
    currency STRING,
    entry_time TIMESTAMP(3),
    WATERMARK FOR entry_time AS entry_time - INTERVAL '5' SECOND
) WITH (
    'connector' = 'filesystem',
    'path' = 'data/account_entries.jsonl',
    'format' = 'json'
);

CREATE TABLE alert_settings (
    customer_id BIGINT,
    account STRING,
    alert_type STRING,            -- BALANCE_ABOVE, BALANCE_BELOW,
                                  -- CREDITED_ABOVE, DEBITED_ABOVE
    threshold DECIMAL(15, 2),
    channel STRING,               -- EMAIL, SMS, PUSH
    address STRING
) WITH (
    'connector' = 'filesystem',
    'path' = 'data/alert_settings.csv',
    'format' = 'csv'
);

CREATE TABLE email_alerts (customer_id BIGINT, address STRING, alert_type STRING,
    account STRING, amount DECIMAL(15, 2), balance DECIMAL(15, 2), entry_time TIMESTAMP(3))
WITH ('connector' = 'filesystem', 'path' = 'out/email.jsonl', 'format' = 'json');

CREATE TABLE sms_alerts (customer_id BIGINT, address STRING, alert_type STRING,
    account STRING, amount DECIMAL(15, 2), balance DECIMAL(15, 2), entry_time TIMESTAMP(3))
WITH ('connector' = 'filesystem', 'path' = 'out/sms.jsonl', 'format' = 'json');

CREATE TABLE push_alerts (customer_id BIGINT, address STRING, alert_type STRING,
    account STRING, amount DECIMAL(15, 2), balance DECIMAL(15, 2), entry_time TIMESTAMP(3))
WITH ('connector' = 'filesystem', 'path' = 'out/push.jsonl', 'format' = 'json');

CREATE TABLE audit_log (entry_id BIGINT, what STRING, amount DECIMAL(15, 2))
WITH ('connector' = 'filesystem', 'path' = 'out/audit.csv', 'format' = 'csv');
