-- args: -i tests/errors/tables.sql
-- UNNEST of an array column
CREATE TABLE baskets (id BIGINT, items ARRAY<STRING>) WITH ('connector' = 'datagen');
SELECT b.id, i.item FROM baskets AS b CROSS JOIN UNNEST(b.items) AS i (item);
