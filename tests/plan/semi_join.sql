-- args: -i tests/plan/tables.sql
-- IN (SELECT ...) in WHERE: a semi join (a lookup when the subquery reads
-- a jdbc table); NOT IN: an anti join; IN inside CASE: a mark join.
SELECT transaction_id FROM transaction_stream
WHERE user_id IN (SELECT user_id FROM blacklist_users WHERE reason <> 'test');

SELECT transaction_id FROM transaction_stream
WHERE transaction_id NOT IN (SELECT transaction_id FROM payments WHERE status = 'OK');

SELECT transaction_id,
  CASE WHEN user_id IN (SELECT user_id FROM blacklist_users) THEN 'BLACKLIST_USER'
       ELSE 'NOT_BLACKLISTED' END AS blacklist_status
FROM transaction_stream;
