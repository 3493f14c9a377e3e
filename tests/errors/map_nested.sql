-- fsql's MAP values hold scalar keys and values: a map inside a map (or an
-- ARRAY/ROW element) is refused by fsql validate, not only at run time.
SELECT MAP['a', MAP['x', 1]] AS m;
SELECT MAP[MAP['x', 1], 'a'] AS m;
SELECT MAP['a', ARRAY[1, 2]] AS m;
SELECT CAST(NULL AS MAP<STRING, MAP<STRING, INT>>) AS m;
-- the hint's way out is accepted
SELECT MAP['a', CAST(MAP['x', 1] AS STRING)] AS m;
