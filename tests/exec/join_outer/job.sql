-- Regular joins (no time bound), with the changelog they emit (Flink's
-- retraction rules, updates as -D/+I): an outer-side row without a
-- partner comes out padded (+I) and is retracted (-D) when its first
-- partner arrives; a NULL key matches nothing.  a.jsonl is read before
-- b.jsonl here (one batch each).  The stats lines: the FULL join keeps
-- every row (no TTL, no time bound); the RIGHT join reads a (bounded, not
-- the outer side) first as a hash table and keeps none of b's rows.
CREATE TABLE a (k INT, a STRING) WITH ('connector' = 'filesystem', 'path' = 'a.jsonl', 'format' = 'json');
CREATE TABLE b (k INT, b STRING) WITH ('connector' = 'filesystem', 'path' = 'b.jsonl', 'format' = 'json');
SET 'fsql.debug.join-stats' = 'true';

SELECT a.k, a.a, b.k AS bk, b.b FROM a FULL JOIN b ON a.k = b.k;
SELECT a.k, a.a, b.b FROM a RIGHT JOIN b ON a.k = b.k AND a.a <> 'a1b';
