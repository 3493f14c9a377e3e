-- MATCH_RECOGNIZE: every clause and every pattern form.
-- Flink documentation example: a falling-then-rising ticker price.
SELECT *
FROM Ticker
    MATCH_RECOGNIZE (
        PARTITION BY symbol
        ORDER BY rowtime
        MEASURES
            START_ROW.rowtime AS start_tstamp,
            LAST(PRICE_DOWN.rowtime) AS bottom_tstamp,
            LAST(PRICE_UP.rowtime) AS end_tstamp
        ONE ROW PER MATCH
        AFTER MATCH SKIP TO LAST PRICE_UP
        PATTERN (START_ROW PRICE_DOWN+ PRICE_UP)
        DEFINE
            PRICE_DOWN AS
                (LAST(PRICE_DOWN.price, 1) IS NULL AND PRICE_DOWN.price < START_ROW.price) OR
                    PRICE_DOWN.price < LAST(PRICE_DOWN.price, 1),
            PRICE_UP AS
                PRICE_UP.price > LAST(PRICE_DOWN.price, 1)
    ) MR;
-- Seed 000: a large transaction followed by one from another location
-- within five minutes.
SELECT user_id, first_location, second_location
FROM transactions
MATCH_RECOGNIZE (
    PARTITION BY user_id
    ORDER BY event_time
    MEASURES
        F.location AS first_location,
        S.location AS second_location,
        FINAL LAST(S.amount) AS second_amount,
        RUNNING COUNT(S.amount) AS n,
        MATCH_ROWTIME() AS match_time
    ONE ROW PER MATCH
    AFTER MATCH SKIP PAST LAST ROW
    PATTERN (F S) WITHIN INTERVAL '5' MINUTE
    DEFINE
        F AS F.amount > 10000,
        S AS S.location <> F.location
) AS alerts;
-- Seed 003: two consecutive small transactions within ten minutes.
SELECT * FROM tx MATCH_RECOGNIZE (
    PARTITION BY user_id ORDER BY ts
    MEASURES A.ts AS a_ts, B.ts AS b_ts
    AFTER MATCH SKIP TO NEXT ROW
    PATTERN (A B) WITHIN INTERVAL '10' MINUTE
    DEFINE A AS A.amount < 10, B AS B.amount < 10
);
-- Quantifiers, greedy and reluctant, alternation, grouping, anchors,
-- PERMUTE, exclusion, SUBSET and the ROWS PER MATCH / SKIP variants.
SELECT * FROM t MATCH_RECOGNIZE (
    ORDER BY ts
    MEASURES FIRST(A.v) AS fa, AVG(U.v) AS avg_u
    ALL ROWS PER MATCH
    AFTER MATCH SKIP TO FIRST B
    PATTERN (^ A* B+ C? D{2} E{2,} F{,3} G{1,4} $)
    SUBSET U = (A, B), W = (C)
    DEFINE A AS A.v > 0
);
SELECT * FROM t MATCH_RECOGNIZE (
    ORDER BY ts
    MEASURES A.v AS av
    ALL ROWS PER MATCH SHOW EMPTY MATCHES
    AFTER MATCH SKIP TO B
    PATTERN (A*? B+? C?? D{2}? E{2,}? F{1,3}?)
    DEFINE A AS A.v > 0
);
SELECT * FROM t MATCH_RECOGNIZE (
    ORDER BY ts
    MEASURES A.v AS av
    ALL ROWS PER MATCH OMIT EMPTY MATCHES
    PATTERN ((A | B C) (D E)+ | PERMUTE(X, Y, Z) {- M -} N)
    DEFINE A AS TRUE
);
SELECT * FROM t MATCH_RECOGNIZE (
    ORDER BY ts
    MEASURES A.v AS av
    ALL ROWS PER MATCH WITH UNMATCHED ROWS
    PATTERN ((A+)* ())
    DEFINE A AS PREV(A.v) < A.v AND NEXT(A.v, 2) > 0
) AS r (x);
-- COUNT(A.*): the rows mapped to a variable; COUNT(*): every row.
SELECT *
FROM t
MATCH_RECOGNIZE (
    ORDER BY ts
    MEASURES COUNT(A.*) AS na, FINAL COUNT(*) AS n
    PATTERN (A+ B)
    DEFINE A AS COUNT(A.*) < 3
) m;
