-- args: -i sub/tables.sql
-- A relative 'path' is resolved against the directory of the script that
-- declares the table (sub/), not the working directory.
SELECT * FROM t;
