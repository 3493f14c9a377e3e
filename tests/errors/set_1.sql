-- args: -i tests/errors/tables.sql
SET 'table.exec.state.ttl' = 'one hour';
