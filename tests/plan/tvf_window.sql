-- args: -i tests/plan/tables.sql
-- Window table functions: TUMBLE and CUMULATE, grouped by window_start
-- and window_end.
SELECT window_start, window_end, user_id, COUNT(*) AS n, MAX(amount) AS max_amount
FROM TABLE(TUMBLE(TABLE transaction_stream, DESCRIPTOR(transaction_time), INTERVAL '5' MINUTE))
GROUP BY window_start, window_end, user_id;

SELECT window_start, window_end, SUM(amount) AS total
FROM TABLE(CUMULATE(TABLE transaction_stream, DESCRIPTOR(transaction_time),
                    INTERVAL '1' HOUR, INTERVAL '1' DAY))
GROUP BY window_start, window_end;
