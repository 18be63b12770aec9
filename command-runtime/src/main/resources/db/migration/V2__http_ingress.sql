-- Commands accepted over HTTP: the hash of the request tells a client's retry (same id, same request) from a clash.
ALTER TABLE command_log ADD COLUMN request_sha256 VARCHAR(64);
