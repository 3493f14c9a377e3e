-- Seed 004, Rabobank's four alerts from one stream of account entries:
-- balance above / below a threshold, credited / debited above a
-- threshold, each routed to the channel the customer chose.  One
-- statement set: the entries are read once, the alerts view is computed
-- once, and each channel's INSERT writes its own sink.
--   fsql run -i tables.local.sql alerts.sql

CREATE VIEW alerts AS
SELECT
    s.customer_id,
    s.channel,
    s.address,
    s.alert_type,
    e.account,
    e.amount,
    e.balance_after AS balance,
    e.entry_time
FROM account_entries e
JOIN alert_settings s ON e.account = s.account
WHERE (s.alert_type = 'BALANCE_ABOVE' AND e.balance_after > s.threshold)
   OR (s.alert_type = 'BALANCE_BELOW' AND e.balance_after < s.threshold)
   OR (s.alert_type = 'CREDITED_ABOVE' AND e.entry_type = 'CREDIT'
       AND e.amount > s.threshold)
   OR (s.alert_type = 'DEBITED_ABOVE' AND e.entry_type = 'DEBIT'
       AND e.amount > s.threshold);

EXECUTE STATEMENT SET
BEGIN
    INSERT INTO email_alerts
    SELECT customer_id, address, alert_type, account, amount, balance, entry_time
    FROM alerts WHERE channel = 'EMAIL';

    INSERT INTO sms_alerts
    SELECT customer_id, address, alert_type, account, amount, balance, entry_time
    FROM alerts WHERE channel = 'SMS';

    INSERT INTO push_alerts
    SELECT customer_id, address, alert_type, account, amount, balance, entry_time
    FROM alerts WHERE channel = 'PUSH';

    -- two statements writing one file: one shared writer, whole lines
    INSERT INTO audit_log SELECT entry_id, 'debit', amount
    FROM account_entries WHERE entry_type = 'DEBIT';

    INSERT INTO audit_log SELECT entry_id, 'credit', amount
    FROM account_entries WHERE entry_type = 'CREDIT';
END;
