-- A SET applies to the statements after it, not to those before it
-- (Flink's SQL client and scripts behave the same way); RESET returns to
-- the default for the statements after it.
SELECT CAST(TO_TIMESTAMP_LTZ(0, 3) AS STRING) AS utc_default;
SET 'table.local-time-zone' = 'Asia/Shanghai';
SELECT CAST(TO_TIMESTAMP_LTZ(0, 3) AS STRING) AS shanghai;
SET 'table.local-time-zone' = 'America/New_York';
SELECT CAST(TO_TIMESTAMP_LTZ(0, 3) AS STRING) AS new_york;
RESET 'table.local-time-zone';
SELECT CAST(TO_TIMESTAMP_LTZ(0, 3) AS STRING) AS reset_to_utc;
