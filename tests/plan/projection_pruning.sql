-- args: -i tests/plan/tables.sql
-- The scan reads only the fields the job uses (here 2 of 9); filters on a
-- subquery merge into one Calc.
SELECT user_id, big FROM (
    SELECT user_id, amount > 1000 AS big, device_id FROM transaction_stream
) WHERE user_id > 0;
