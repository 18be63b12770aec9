-- An IN_FLIGHT row names the replica holding the call and until when (a lease, renewed while the call runs), so
-- another replica that reads the same command (after a rebalance) waits for the holder's outcome instead of
-- declaring the call interrupted. Only an expired lease (the holder died) means UNKNOWN.
ALTER TABLE command_log ADD COLUMN lease_holder VARCHAR(100);
ALTER TABLE command_log ADD COLUMN lease_until TIMESTAMPTZ;
