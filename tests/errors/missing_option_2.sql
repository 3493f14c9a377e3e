-- A table without any connector.
CREATE TABLE tx (id BIGINT) WITH ('format' = 'json');
