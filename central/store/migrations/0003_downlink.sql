-- Version 3: what central sends devices besides acks and lists, and what
-- they answer. Signed commands, each sent once; the config version each
-- device says it runs; and an index for raising an alert only when no
-- open alert of the same kind, device and card is there already.

-- Signed commands (sync.Command), newest per device first. sent_us is 0
-- until an instance claims the command to publish it; result_at_us is 0
-- until the device's status reports how it went.
CREATE TABLE commands (
	id            TEXT    {{bytewise}} PRIMARY KEY,
	device        TEXT    {{bytewise}} NOT NULL,
	kind          TEXT    NOT NULL,
	signed        {{blob}} NOT NULL,
	issued_us     BIGINT  NOT NULL,
	expires_us    BIGINT  NOT NULL,
	sent_us       BIGINT  NOT NULL DEFAULT 0,
	result_at_us  BIGINT  NOT NULL DEFAULT 0,
	result_ok     BOOLEAN NOT NULL DEFAULT FALSE,
	result_detail TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX commands_device ON commands (device, issued_us);
CREATE INDEX commands_unsent ON commands (sent_us, expires_us);

-- The config version the device's status says it runs (0: none from
-- central yet), beside the version central issued.
ALTER TABLE configs ADD COLUMN running BIGINT NOT NULL DEFAULT 0;

-- Open alerts by what they are about, for deduplication.
CREATE INDEX alerts_about ON alerts (kind, device, token, resolved);
