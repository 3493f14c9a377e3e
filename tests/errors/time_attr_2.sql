-- args: -i tests/errors/tables.sql
SELECT COUNT(*) FROM clicks GROUP BY TUMBLE(ts, INTERVAL '1' MINUTE);
