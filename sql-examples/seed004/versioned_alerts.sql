-- Seed 004, "debited above a threshold" against the settings valid at
-- each entry's booking time (an event-time temporal join).
--   fsql run -i tables.versioned.sql versioned_alerts.sql
-- Entry 1 (09:00:01, 25.00 from NL01) meets the 20.00 limit set at 08:00;
-- entry 3 (09:05, 900.00) comes after the 09:02 change to 1000.00 and
-- raises nothing; entry 6 (09:10, 1500.00 from NL04) is booked exactly
-- when NL04's limit drops to 1000.00 and uses the new one; entry 8
-- (09:20, NL05) precedes NL05's first setting (09:30): no alert.
INSERT INTO debit_alerts
SELECT e.entry_id, s.customer_id, s.channel, s.address, e.account,
       e.amount, s.debit_limit, s.changed_at, e.entry_time
FROM account_entries AS e
JOIN debit_limits FOR SYSTEM_TIME AS OF e.entry_time AS s
  ON e.account = s.account
WHERE e.entry_type = 'DEBIT' AND e.amount > s.debit_limit;
