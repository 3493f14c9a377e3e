-- Constant rows: VALUES into a sink, and a SELECT without FROM.
CREATE TABLE out (id INT, name STRING, price DECIMAL(5, 2))
WITH ('connector' = 'print', 'print-identifier' = 'v');

INSERT INTO out VALUES (1, 'one', 1.50), (2, CAST(NULL AS STRING), 2), (3, 'three', NULL);

SELECT 1 AS one, 'two' AS two, 3.0 AS three, TRUE AS yes, CAST(NULL AS INT) AS nothing,
       DATE '2024-02-29' AS d, TIMESTAMP '2024-01-01 10:00:00.000' AS ts;
