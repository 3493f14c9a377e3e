-- Malformed csv records with 'csv.ignore-parse-errors': too few or too
-- many fields, text after a closing quote, an unterminated quoted field
-- (it runs to the end of the file) are skipped and counted; a value that
-- does not convert reads as NULL.
CREATE TABLE t (id INT, name STRING, amount DECIMAL(5, 2))
WITH ('connector' = 'filesystem', 'path' = 'in.csv', 'format' = 'csv',
      'csv.ignore-parse-errors' = 'true');
SELECT * FROM t;
