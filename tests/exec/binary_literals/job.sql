-- Binary string literals X'..': type BINARY(n), compared, cast to STRING,
-- concatenated, and as a column value written by each sink format.
SELECT X'0a1B' AS b,
       x'' AS empty_b,
       CAST(X'414243' AS STRING) AS abc,
       X'01' = X'01' AS same,
       X'01' < X'02' AS less,
       CHAR_LENGTH(CAST(X'E4B8AD' AS STRING)) AS one_char;
