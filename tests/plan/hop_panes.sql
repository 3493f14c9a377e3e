-- args: -i tests/plan/tables.sql
-- HOP on panes (runtime/op_window.c, "HOP and CUMULATE with panes"):
-- EXPLAIN says when a window aggregate keeps one accumulator per slide
-- pane and merges them when a window fires, and when its table function
-- sends each row once, as its pane.  Not on panes: an aggregate that
-- cannot merge (COUNT DISTINCT), a size that is no multiple of the slide,
-- and late rows re-firing windows ('table.exec.late-data' = 'emit').
SELECT merchant_id, window_start, SUM(amount) AS total, COUNT(*) AS n
FROM TABLE(HOP(TABLE transaction_stream, DESCRIPTOR(transaction_time),
               INTERVAL '1' MINUTE, INTERVAL '5' MINUTE))
GROUP BY merchant_id, window_start, window_end;

SELECT merchant_id, window_start, COUNT(DISTINCT user_id) AS users
FROM TABLE(HOP(TABLE transaction_stream, DESCRIPTOR(transaction_time),
               INTERVAL '1' MINUTE, INTERVAL '5' MINUTE))
GROUP BY merchant_id, window_start, window_end;

SELECT merchant_id, SUM(amount) AS total
FROM transaction_stream
GROUP BY merchant_id, HOP(transaction_time, INTERVAL '3' MINUTE, INTERVAL '10' MINUTE);

SET 'table.exec.late-data' = 'emit';
SELECT merchant_id, SUM(amount) AS total
FROM transaction_stream
GROUP BY merchant_id, HOP(transaction_time, INTERVAL '1' MINUTE, INTERVAL '10' MINUTE);
