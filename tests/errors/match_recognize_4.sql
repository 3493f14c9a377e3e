-- args: -i tests/errors/tables.sql
-- COUNT(v.*) must name a variable of PATTERN (or a SUBSET), and only
-- COUNT takes v.*.
SELECT * FROM orders MATCH_RECOGNIZE (
    PARTITION BY user_id ORDER BY ts
    MEASURES COUNT(C.*) AS n, SUM(A.*) AS s
    AFTER MATCH SKIP PAST LAST ROW
    PATTERN (A+ B)
    DEFINE A AS amount < 10
) m;
