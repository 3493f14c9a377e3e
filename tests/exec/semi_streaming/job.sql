-- IN / NOT IN / EXISTS against a streaming subquery (a file table, read
-- after t here): results change as subquery rows arrive, so the output
-- is a changelog.  NOT IN follows SQL's NULL rules: rows pass while the
-- subquery is empty (even a NULL u), a NULL u stops passing as soon as
-- the subquery has a row, and once the subquery holds a NULL no row
-- passes at all.  IN inside CASE is a MarkJoin (TRUE / FALSE / NULL,
-- updated with -U/+U).
CREATE TABLE t (id INT, u INT) WITH ('connector' = 'filesystem', 'path' = 't.jsonl', 'format' = 'json');
CREATE TABLE bl (u INT) WITH ('connector' = 'filesystem', 'path' = 'bl.jsonl', 'format' = 'json');
SET 'fsql.debug.join-stats' = 'true';

SELECT 'in' AS q, id FROM t WHERE u IN (SELECT u FROM bl);
SELECT 'not in' AS q, id FROM t WHERE u NOT IN (SELECT u FROM bl);
SELECT 'exists' AS q, id FROM t WHERE EXISTS (SELECT u FROM bl WHERE u > 30);
SELECT 'mark' AS q, id,
  CASE WHEN u IN (SELECT u FROM bl) THEN 'listed'
       WHEN NOT (u IN (SELECT u FROM bl)) THEN 'clear'
       ELSE 'unknown' END AS status
FROM t;
