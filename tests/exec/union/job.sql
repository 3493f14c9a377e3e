-- UNION ALL of two file sources and a filtered branch of one of them.
CREATE TABLE a (id INT, v STRING)
WITH ('connector' = 'filesystem', 'path' = 'a.jsonl', 'format' = 'json');
CREATE TABLE b (v STRING, id INT)
WITH ('connector' = 'filesystem', 'path' = 'b.csv', 'format' = 'csv');

SELECT id, v, 'a' AS src FROM a
UNION ALL
SELECT id, v, 'b' AS src FROM b
UNION ALL
SELECT id * 100, v, 'a2' AS src FROM a WHERE id > 1;
