-- args: -i tests/plan/tables.sql
-- A statement set whose INSERTs share one view: the view is planned once
-- and printed once (reuse_id), then referenced as Reused.
CREATE VIEW scored AS
SELECT t.user_id, t.amount, u.risk_score,
       CASE WHEN t.amount > u.max_single_amount * 2 THEN 50 ELSE 0 END AS anomaly
FROM transaction_stream t
LEFT JOIN user_risk_profile FOR SYSTEM_TIME AS OF t.transaction_time AS u
  ON t.user_id = u.user_id;

EXECUTE STATEMENT SET BEGIN
INSERT INTO alerts SELECT user_id, 'HIGH', risk_score + anomaly FROM scored WHERE anomaly > 0;
INSERT INTO counts SELECT user_id, CAST(amount AS BIGINT) FROM scored;
END;
