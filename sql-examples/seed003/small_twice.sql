-- Seed 003 (Flink fraud detection, "4. 复杂模式检测"):
--   Pattern.begin("first").where(tx.getAmount() < 100)
--          .next("second").within(Time.minutes(10))
--   // 10分钟内连续两笔小额交易: two small transactions in a row within
--   // 10 minutes, keyed by user.
-- The article's Java puts no condition on "second"; its comment (and the
-- question) say both are small, so both are here.  Written without
-- `second AS ...`, the second variable would match any transaction (an
-- undefined pattern variable matches every row, as in Flink).
-- The events arrive out of order in data/transactions.jsonl; rows are
-- matched in event-time order once the watermark passes them.
SELECT user_id, first_id, first_amount, second_id, second_amount,
       first_time, second_time
FROM transactions
MATCH_RECOGNIZE (
    PARTITION BY user_id
    ORDER BY tx_time
    MEASURES
        FIRST(first_tx.transaction_id) AS first_id,
        first_tx.amount AS first_amount,
        second_tx.transaction_id AS second_id,
        second_tx.amount AS second_amount,
        first_tx.tx_time AS first_time,
        second_tx.tx_time AS second_time
    ONE ROW PER MATCH
    AFTER MATCH SKIP PAST LAST ROW
    PATTERN (first_tx second_tx) WITHIN INTERVAL '10' MINUTE
    DEFINE
        first_tx AS first_tx.amount < 100,
        second_tx AS second_tx.amount < 100
) AS alerts;
