-- args: -i tests/errors/tables.sql
SELECT *
FROM orders
MATCH_RECOGNIZE (
    PARTITION BY user_id
    ORDER BY ts
    MEASURES A.amount AS first_amount
    ONE ROW PER MATCH
    PATTERN (A B+)
    DEFINE A AS A.amount > 10, C AS C.amount > 100
);
