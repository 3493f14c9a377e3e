-- two columns each declared PRIMARY KEY
CREATE TABLE limits (
    user_id BIGINT PRIMARY KEY NOT ENFORCED,
    card_id BIGINT PRIMARY KEY NOT ENFORCED,
    daily_limit DECIMAL(15, 2)
) WITH ('connector' = 'print');
