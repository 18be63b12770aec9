-- A Kafka record key has no practical length limit; the ordering key (and the result's key) must fit whatever
-- arrives, or a long key would make the command's insert fail forever.
ALTER TABLE command_log ALTER COLUMN ordering_key TYPE TEXT;
ALTER TABLE outbox_event ALTER COLUMN aggregateid TYPE TEXT;
