-- args: -i tests/plan/tables.sql
-- LEAD over event time (rows wait for the watermark and for the next 2
-- rows of their partition) and over processing time; a state TTL.
SET 'table.exec.state.ttl' = '1 h';
SELECT
    payment_id,
    LEAD(status) OVER (PARTITION BY user_id ORDER BY paid_at) AS next_status,
    LEAD(payment_id, 2, -1) OVER (PARTITION BY user_id ORDER BY paid_at) AS next2,
    LAG(status) OVER (PARTITION BY user_id ORDER BY paid_at) AS prev_status,
    LEAD(payment_id) OVER (PARTITION BY status ORDER BY proc) AS next_by_status
FROM payments;
