-- Nesting deeper than 1024 levels in a field no column reads fails the
-- job with file:line (the skipper keeps a bit stack, so this input cannot
-- overflow the C stack).
CREATE TABLE t (id INT)
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');
SELECT * FROM t;
