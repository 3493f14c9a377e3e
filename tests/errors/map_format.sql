-- A MAP column in a format that cannot hold it (csv), and a MAP with a
-- nested value type: both refused at the column.
CREATE TABLE c (id INT, m MAP<STRING, INT>)
WITH ('connector' = 'filesystem', 'path' = 'x.csv', 'format' = 'csv');
CREATE TABLE n (id INT, m MAP<STRING, MAP<STRING, INT>>)
WITH ('connector' = 'filesystem', 'path' = 'x.jsonl', 'format' = 'json');
