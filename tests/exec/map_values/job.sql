-- MAP values (issue 5): a MAP<STRING, INT> column read from JSON objects,
-- m[key], CARDINALITY, CAST(m AS STRING), IS NULL and the MAP[...]
-- constructor, in jsonl output (maps as JSON objects).
--
-- Expected, derived by hand from in.jsonl:
--   m:       1 {x=1, y=2}; 2 {"y":5,"x":3,"y":6} -> y keeps its first
--            position and its last value: {y=6, x=3}; 3 {} (empty, not
--            NULL); 4 NULL; 5 {x=NULL, é=7} (\u00e9 unescaped)
--   mx:      m['x'] = 1, 3, NULL (absent), NULL (NULL map), NULL (NULL value)
--   by_tag:  m[tag]: 1 m['y'] = 2; 2 m['x'] = 3; 3 tag NULL -> NULL;
--            4 NULL map; 5 m['x'] is NULL
--   n:       CARDINALITY = 2, 2, 0, NULL, 2
--   s:       CAST(m AS STRING): {x=1, y=2}, {y=6, x=3}, {}, NULL,
--            {x=NULL, é=7}
--   nul:     m IS NULL only for 4
--   built:   MAP['id', id, 'twice', id * 2, 'id', id + 100]: 'id' first,
--            with the last value id + 100: {"id":101,"twice":2}, ...
--   dup:     CARDINALITY(MAP['a', 1, 'a', 2]) = 1 (a constant)
--   kb:      MAP[...BYTES][key] is BYTES; CAST to STRING gives the text "v1"
--   parsed:  STR_TO_MAP('id=<id>,tag=<tag>;x'): pairs at ',', key/value
--            at '='; 'tag=y;x' keeps 'y;x' as the value; NULL tag (3)
--            makes the CONCAT and so the map NULL
CREATE TABLE t (id INT, tag STRING, m MAP<STRING, INT>)
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');
SELECT id, m, m['x'] AS mx, m[tag] AS by_tag, CARDINALITY(m) AS n,
       CAST(m AS STRING) AS s, m IS NULL AS nul,
       MAP['id', id, 'twice', id * 2, 'id', id + 100] AS built,
       CARDINALITY(MAP['a', 1, 'a', 2]) AS dup,
       CAST(MAP['k', CAST(CONCAT('v', CAST(id AS STRING)) AS BYTES)]['k'] AS STRING) AS kb,
       STR_TO_MAP(CONCAT('id=', CAST(id AS STRING), ',tag=', tag, ';x')) AS parsed
FROM t;
