-- args: -i tests/plan/tables.sql
-- CEP: three small payments followed by a large one within 10 minutes.
SELECT *
FROM transaction_stream
MATCH_RECOGNIZE (
    PARTITION BY user_id
    ORDER BY transaction_time
    MEASURES
        FIRST(S.transaction_time) AS first_small,
        LAST(B.transaction_time) AS big_time,
        COUNT(S.transaction_id) AS small_count,
        B.amount AS big_amount
    ONE ROW PER MATCH
    AFTER MATCH SKIP PAST LAST ROW
    PATTERN (S{3,} B) WITHIN INTERVAL '10' MINUTE
    DEFINE
        S AS S.amount < 10,
        B AS B.amount > 1000 AND B.amount > 10 * AVG(S.amount)
) AS m;
