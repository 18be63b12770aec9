-- Read-back reconciliation of uncertain writes (issue 17). A non-idempotent call whose answer was lost, of an action
-- that declares a read-back, waits as RECONCILING (no result yet) instead of ending UNKNOWN; any replica takes it
-- up under the IN_FLIGHT lease columns. What the bound of tries and the backoff need lives here, so it survives a
-- restart and is shared by the replicas.
ALTER TABLE command_log ADD COLUMN reconcile_reads INTEGER NOT NULL DEFAULT 0;
-- when the next read-back is due
ALTER TABLE command_log ADD COLUMN reconcile_next_at TIMESTAMPTZ;
-- the latest moment the uncertain call can have left: a "not applied" is certain only a settle time after it
ALTER TABLE command_log ADD COLUMN reconcile_settle_from TIMESTAMPTZ;
-- the write was sent a second time (after a certain "not applied"): never a third
ALTER TABLE command_log ADD COLUMN reconcile_sent_again BOOLEAN NOT NULL DEFAULT FALSE;
-- the uncertain outcome (its error and attempts) the command ends with if nothing can be decided
ALTER TABLE command_log ADD COLUMN reconcile_uncertain JSONB;
CREATE INDEX command_log_reconciling_idx ON command_log (reconcile_next_at) WHERE status = 'RECONCILING';
