-- Checkpoint settings (issue 10): num-retained must be positive, tolerable failures 0 or more.
SET 'state.checkpoints.num-retained' = '0';
SET 'execution.checkpointing.tolerable-failed-checkpoints' = '-1';
SET 'execution.checkpointing.tolerable-failed-checkpoints' = '0';
