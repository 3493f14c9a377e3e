SELECT 'ok', 'this string never ends
FROM t;
