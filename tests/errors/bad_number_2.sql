-- args: -i tests/errors/tables.sql
-- a DECIMAL precision that does not fit
CREATE TABLE t (a DECIMAL(99999999999, 2)) WITH ('connector' = 'print');
