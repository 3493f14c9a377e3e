-- args: -i tests/errors/tables.sql
-- CREATE TABLE ... LIKE is parsed but not carried out
CREATE TABLE orders_copy (note STRING) WITH ('connector' = 'print') LIKE orders;
