-- Audit of every command: one row per command id (the idempotency key).
CREATE TABLE command_log (
    command_id       VARCHAR(200)  PRIMARY KEY,
    type             VARCHAR(200)  NOT NULL,
    action           VARCHAR(120),
    ordering_key     VARCHAR(500),
    source           VARCHAR(500),
    instance         VARCHAR(100),
    status           VARCHAR(16)   NOT NULL,
    params           JSONB,
    result           JSONB,
    result_event_id  VARCHAR(64),
    error_code       VARCHAR(120),
    attempts         INTEGER       NOT NULL DEFAULT 0,
    received_at      TIMESTAMPTZ   NOT NULL,
    updated_at       TIMESTAMPTZ   NOT NULL,
    completed_at     TIMESTAMPTZ,
    kafka_topic      VARCHAR(250),
    kafka_partition  INTEGER,
    kafka_offset     BIGINT,
    trace_id         VARCHAR(64)
);
CREATE INDEX command_log_status_idx ON command_log (status);
CREATE INDEX command_log_received_idx ON command_log (received_at);

-- Transactional outbox in the column names of Debezium's outbox event router
-- (id, aggregatetype, aggregateid, type, payload, tracingspancontext), relayed by the service itself by default.
CREATE TABLE outbox_event (
    id                  UUID          PRIMARY KEY,
    seq                 BIGSERIAL     NOT NULL,
    aggregatetype       VARCHAR(250)  NOT NULL,
    aggregateid         VARCHAR(500)  NOT NULL,
    type                VARCHAR(250)  NOT NULL,
    payload             JSONB         NOT NULL,
    headers             JSONB,
    tracingspancontext  VARCHAR(512),
    command_id          VARCHAR(200)  NOT NULL,
    created_at          TIMESTAMPTZ   NOT NULL,
    published_at        TIMESTAMPTZ
);
CREATE INDEX outbox_event_unpublished_idx ON outbox_event (seq) WHERE published_at IS NULL;
CREATE INDEX outbox_event_command_idx ON outbox_event (command_id);
