-- A format name nobody knows.
CREATE TABLE tx (id BIGINT) WITH (
    'connector' = 'filesystem',
    'path' = 'tx.jsonl',
    'format' = 'jsonn'
);
