-- args: -i tests/errors/tables.sql
-- one closing parenthesis too many
SELECT (amount + 1)) AS a FROM orders;
