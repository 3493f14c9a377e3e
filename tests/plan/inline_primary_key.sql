-- A primary key declared on the column itself.
CREATE TABLE user_limits (
    user_id BIGINT PRIMARY KEY NOT ENFORCED,
    daily_limit DECIMAL(15, 2)
) WITH (
    'connector' = 'jdbc',
    'url' = 'jdbc:sqlite:limits.db',
    'table-name' = 'user_limits'
);
CREATE TABLE payments (
    user_id BIGINT,
    amount DECIMAL(15, 2),
    pt AS PROCTIME()
) WITH ('connector' = 'datagen', 'number-of-rows' = '10');
SELECT p.user_id, p.amount, l.daily_limit
FROM payments AS p
JOIN user_limits FOR SYSTEM_TIME AS OF p.pt AS l ON l.user_id = p.user_id;
