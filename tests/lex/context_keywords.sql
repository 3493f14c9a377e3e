-- DATE/TIME/TIMESTAMP/INTERVAL are keywords only before a string,
-- POSITION only before '(', FINAL/RUNNING only before a call.
SELECT DATE '2024-01-01', date, DATE(ts), TIME '10:00:00', time,
       TIMESTAMP '2024-01-01 00:00:00', timestamp, TIMESTAMP(3),
       INTERVAL '1' DAY, INTERVAL -'1' DAY, interval, POSITION('a' IN s),
       position, FINAL LAST(A.x), final, RUNNING COUNT(*), running;
