-- A row that Kafka refuses (a record too large, a value it cannot take) used to be sent again at the head of every
-- sweep for ever, and a sweep batch that held it never got its other rows marked. Such a row is now set aside:
-- published_at set (so nothing sends it again and the retention deletes it) with the reason in publish_error.
-- publish_attempts counts its failed sends while Kafka took other rows (whmcs.outbox.max-publish-attempts).
ALTER TABLE outbox_event ADD COLUMN publish_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox_event ADD COLUMN publish_error VARCHAR(500);
CREATE INDEX outbox_event_set_aside_idx ON outbox_event (published_at) WHERE publish_error IS NOT NULL;
