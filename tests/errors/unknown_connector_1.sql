-- A misspelled connector name.
CREATE TABLE tx (id BIGINT) WITH ('connector' = 'kafak', 'topic' = 't');
