-- Fleet-wide guard state (issue 15): every replica of the service reads and writes these rows. Times are the
-- database's (now()), so the replicas' clocks never need to agree. (V4 is taken by the IN_FLIGHT lease columns.)

-- One authentication circuit per API instance.
--   state       UNVERIFIED: no call answered since the last reset; VERIFIED: a replica's call was answered without an
--               authentication failure; OPEN: an authentication failure, no replica calls until an operator resets it
--   generation  grows with every OPEN and every reset: a verdict reached before one is not applied after it, and a
--               replica trusts its own credentials only for the generation its own probe call verified
--   probe_*     the one replica that may send the fleet's single probe call, until when (renewed while it runs)
CREATE TABLE guard_circuit (
    instance      VARCHAR(100)  PRIMARY KEY,
    state         VARCHAR(16)   NOT NULL,
    reason        VARCHAR(500),
    generation    BIGINT        NOT NULL DEFAULT 0,
    probe_holder  VARCHAR(100),
    probe_until   TIMESTAMPTZ,
    updated_at    TIMESTAMPTZ   NOT NULL
);

-- The live replicas. Each writes its row every heartbeat (seen_at) with the number of replicas it divides the
-- fleet-wide rate limit and cap by (view_size); a replica leaving on SIGTERM deletes its row, a killed one's row
-- stops counting once it is older than the member expiry.
CREATE TABLE fleet_member (
    member_id  VARCHAR(100)  PRIMARY KEY,
    view_size  INTEGER       NOT NULL,
    joined_at  TIMESTAMPTZ   NOT NULL,
    seen_at    TIMESTAMPTZ   NOT NULL
);
