-- args: -i tests/plan/tables.sql
-- ALL ROWS PER MATCH passes every input column through: a column that
-- the pattern does not use (device_id) is still read, and the outer
-- query gets the right column for each name.
SELECT device_id, location, first_small
FROM transaction_stream
MATCH_RECOGNIZE (
    PARTITION BY user_id
    ORDER BY transaction_time
    MEASURES FIRST(S.amount) AS first_small
    ALL ROWS PER MATCH
    PATTERN (S+ B)
    DEFINE S AS S.amount < 10,
           B AS B.amount > 1000
) AS m;
