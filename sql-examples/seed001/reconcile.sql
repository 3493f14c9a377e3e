-- Seed 001, two-stream reconciliation: an order that was paid must see
-- its money arrive (a receipt event) within 5 seconds; a receipt may
-- also come first, up to 3 seconds before the pay event (the two streams
-- are not in step).  Every pay event and every receipt comes out exactly
-- once:
--   MATCHED              both arrived within the interval;
--   PAID_NOT_RECEIVED    no receipt 5 s after the payment (alert);
--   RECEIVED_NOT_PAID    no pay event within 3 s after the receipt (alert).
-- The alerts come out as soon as the watermarks pass the interval, not
-- at the end of the input (the FULL OUTER interval join pads unmatched
-- rows with NULLs when their interval closes).
--   fsql run -i tables.local.sql reconcile.sql

CREATE VIEW payments AS
SELECT userId, orId, event_time
FROM order_events
WHERE action = 'pay';

CREATE VIEW reconciliation AS
SELECT
    COALESCE(p.orId, r.orId) AS order_id,
    p.userId AS user_id,
    p.event_time AS paid_at,
    r.payEquipment AS pay_equipment,
    r.event_time AS received_at,
    CASE
        WHEN p.orId IS NOT NULL AND r.orId IS NOT NULL THEN 'MATCHED'
        WHEN r.orId IS NULL THEN 'PAID_NOT_RECEIVED'
        ELSE 'RECEIVED_NOT_PAID'
    END AS status
FROM payments p
FULL OUTER JOIN receipt_events r
  ON p.orId = r.orId
 AND r.event_time BETWEEN p.event_time - INTERVAL '3' SECOND
                      AND p.event_time + INTERVAL '5' SECOND;

SELECT order_id, user_id, paid_at, pay_equipment, received_at, status
FROM reconciliation;
