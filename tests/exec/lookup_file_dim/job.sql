-- Lookup join against a bounded filesystem table (loaded once, indexed by
-- the key): non-unique keys give one row per match, composite keys, NULL
-- keys match nothing, LEFT pads misses with NULLs and INNER drops them, a
-- condition on the dim row alone and a residual over both sides.
CREATE TABLE orders (
    id BIGINT, uid BIGINT, region STRING, amount INT, ts TIMESTAMP(3),
    WATERMARK FOR ts AS ts
) WITH ('connector' = 'filesystem', 'path' = 'orders.jsonl', 'format' = 'json');

CREATE TABLE tags (uid BIGINT, region STRING, tag STRING, weight INT)
WITH ('connector' = 'filesystem', 'path' = 'tags.jsonl', 'format' = 'json');

CREATE TABLE left_out (id BIGINT, tag STRING) WITH ('connector' = 'print', 'print-identifier' = 'left');
CREATE TABLE inner_out (id BIGINT, tag STRING, weight INT) WITH ('connector' = 'print', 'print-identifier' = 'inner');
CREATE TABLE comp_out (id BIGINT, tag STRING) WITH ('connector' = 'print', 'print-identifier' = 'composite');
CREATE TABLE filt_out (id BIGINT, tag STRING) WITH ('connector' = 'print', 'print-identifier' = 'filtered');

-- One key, non-unique: uid 1 has three tags.
INSERT INTO left_out
SELECT o.id, t.tag FROM orders o
LEFT JOIN tags FOR SYSTEM_TIME AS OF o.ts AS t ON o.uid = t.uid;

INSERT INTO inner_out
SELECT o.id, t.tag, t.weight FROM orders o
JOIN tags FOR SYSTEM_TIME AS OF o.ts AS t ON o.uid = t.uid;

-- Composite key (uid, region); a NULL region matches nothing.
INSERT INTO comp_out
SELECT o.id, t.tag FROM orders o
LEFT JOIN tags FOR SYSTEM_TIME AS OF o.ts AS t
    ON o.uid = t.uid AND o.region = t.region;

-- A dim-only condition and a residual over both sides.
INSERT INTO filt_out
SELECT o.id, t.tag FROM orders o
LEFT JOIN tags FOR SYSTEM_TIME AS OF o.ts AS t
    ON o.uid = t.uid AND t.weight > 0 AND o.amount > t.weight * 10;
