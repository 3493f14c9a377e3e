-- A primary key naming a column the table does not have.
CREATE TABLE users (
    id BIGINT,
    name STRING,
    PRIMARY KEY (user_id) NOT ENFORCED
) WITH ('connector' = 'jdbc', 'url' = 'jdbc:sqlite:u.db', 'table-name' = 'users');
