-- What was re-driven from the dead-letter topic, by whom and when: one row per re-drive of one DLQ record (the same
-- record re-driven twice has two rows). A listing shows each record's re-drives; a re-drive by reason skips records
-- re-driven before. Rows are small and kept: they are the audit of operator actions.
CREATE TABLE dlq_redrive (
    id             BIGSERIAL     PRIMARY KEY,
    dlq_topic      VARCHAR(250)  NOT NULL,
    dlq_partition  INTEGER       NOT NULL,
    dlq_offset     BIGINT        NOT NULL,
    command_id     VARCHAR(200),
    reason         VARCHAR(40)   NOT NULL,
    reason_text    VARCHAR(500),
    action         VARCHAR(30)   NOT NULL,
    detail         VARCHAR(300),
    redriven_by    VARCHAR(200)  NOT NULL,
    replica        VARCHAR(200),
    redriven_at    TIMESTAMPTZ   NOT NULL
);
CREATE INDEX dlq_redrive_record_idx ON dlq_redrive (dlq_topic, dlq_partition, dlq_offset);
