-- STR_TO_MAP as Flink's SqlFunctionUtils.strToMap: pairs split at
-- pair_delim with trailing empty pairs removed (Java's String.split),
-- each pair split at the first kv_delim only (split(kv_delim, 2)), so the
-- value keeps any further kv_delim; a pair without kv_delim maps to NULL.
--
-- Expected, derived by hand from in.jsonl:
--   1 'a=b=c,d'     {a=b=c, d=NULL}   (not {a=b, ...}: the value keeps '=c')
--   2 'a=1,'        {a=1}             (the trailing empty pair is dropped)
--   3 'a=1,,b=2,,'  {a=1, =NULL, b=2} (an inner empty pair stays: key '')
--   4 ',a=1'        {=NULL, a=1}      (a leading empty pair stays)
--   5 '=v,k='       {=v, k=}          (empty key, empty value)
--   6 ','           {}                (only empty pairs: all trailing)
--   7 ''            {}
--   8 NULL          NULL
--   kv: STR_TO_MAP(s, ',', '=')['a'] as the two-argument defaults;
--       ';'/':' delimiters: 'x:1:2;y' -> {x=1:2, y=NULL}
CREATE TABLE t (id INT, s STRING)
WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');
SELECT id, STR_TO_MAP(s) AS m, CAST(STR_TO_MAP(s) AS STRING) AS txt,
       STR_TO_MAP(s, ',', '=')['a'] AS a,
       STR_TO_MAP('x:1:2;y', ';', ':') AS other
FROM t;
