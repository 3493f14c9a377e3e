-- MAP values in sinks (issue 5): the print connector (Flink's
-- Row.toString: {k=v}, BYTES as [97, 98], NULL as null), the json format
-- (an object; BYTES as base64), and GROUP BY a map.
--
-- Expected, derived by hand from in.jsonl:
--   print: +I[id, m, MAP['t', CAST(tag AS BYTES), 'n', NULL]]:
--     1 {x=1, y=2} {t=[97, 98], n=null}; 2 ... {t=[99], n=null};
--     3 {y=2, x=1} {t=null, n=null}; 4 null {t=[100], n=null}
--   out/m.jsonl: the same maps as JSON objects, 'ab' = YWI=, 'c' = Yw==,
--     'd' = ZA==
--   g (print, GROUP BY m): maps group by their entries in order, so
--     {x=1, y=2} (ids 1, 2: +I count 1, then -U/+U count 2) and
--     {y=2, x=1} (id 3) are two groups, and NULL (id 4) is a third.
CREATE TABLE t (id INT, tag STRING, m MAP<STRING, INT>)
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');
CREATE TABLE p (id INT, m MAP<STRING, INT>, h MAP<STRING, BYTES>)
WITH ('connector' = 'print');
CREATE TABLE o (id INT, h MAP<STRING, BYTES>)
WITH ('connector' = 'filesystem', 'path' = 'out/m.jsonl', 'format' = 'json');
CREATE TABLE g (m MAP<STRING, INT>, n BIGINT, ids INT)
WITH ('connector' = 'print');

BEGIN STATEMENT SET;
INSERT INTO p
SELECT id, m, MAP['t', CAST(tag AS BYTES), 'n', CAST(NULL AS BYTES)] FROM t;
INSERT INTO o
SELECT id, MAP['t', CAST(tag AS BYTES), 'n', CAST(NULL AS BYTES)] FROM t;
INSERT INTO g SELECT m, COUNT(*), SUM(id) FROM t GROUP BY m;
END;
