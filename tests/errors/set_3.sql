-- The shell's table.dml-sync is a boolean (issue 9).
SET 'table.dml-sync' = 'sometimes';
