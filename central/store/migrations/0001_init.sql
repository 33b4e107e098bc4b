-- Central's schema, version 1. Times are unix microseconds (0: unset),
-- days are YYYYMMDD integers (0: open-ended), lists of words are
-- comma-separated text. No column ever holds a card number: cards appear
-- only as tokens. Text keys compare bytewise whatever the database's
-- collation (PostgreSQL: COLLATE "C"), so that lists come out in the order
-- devices install them, and compares stay cheap.

-- Every tap of every device, exactly once: (device, seq) is the dedupe key.
CREATE TABLE taps (
	device       TEXT    {{bytewise}} NOT NULL,
	seq          BIGINT  NOT NULL,
	boot         BIGINT  NOT NULL,
	at_us        BIGINT  NOT NULL, -- device time
	received_us  BIGINT  NOT NULL, -- when central received the batch
	clock        TEXT    NOT NULL,
	reader       TEXT    NOT NULL,
	role         TEXT    NOT NULL,
	token        TEXT    {{bytewise}} NOT NULL, -- '' for an unreadable card
	par_token    TEXT    NOT NULL,
	scheme       TEXT    NOT NULL,
	allowed      BOOLEAN NOT NULL,
	reason       TEXT    {{bytewise}} NOT NULL,
	product      TEXT    NOT NULL,
	fare         BIGINT  NOT NULL,
	list         TEXT    NOT NULL,
	list_version BIGINT  NOT NULL,
	flags        TEXT    NOT NULL,
	latency_us   BIGINT  NOT NULL,
	PRIMARY KEY (device, seq)
);
CREATE INDEX taps_token_at  ON taps (token, at_us);  -- a card's history
CREATE INDEX taps_device_at ON taps (device, at_us); -- a device's timeline
CREATE INDEX taps_at        ON taps (at_us);         -- time windows
CREATE INDEX taps_reason_at ON taps (reason, at_us); -- exceptions

CREATE TABLE devices (
	id            TEXT    {{bytewise}} PRIMARY KEY,
	role          TEXT    NOT NULL DEFAULT '',
	route         TEXT    NOT NULL DEFAULT '',
	school        TEXT    NOT NULL DEFAULT '',
	created_us    BIGINT  NOT NULL,
	last_seen_us  BIGINT  NOT NULL DEFAULT 0,
	boot          BIGINT  NOT NULL DEFAULT 0,
	backlog       BIGINT  NOT NULL DEFAULT 0,
	online        BOOLEAN NOT NULL DEFAULT FALSE,
	clock_skew_us BIGINT  NOT NULL DEFAULT 0, -- device clock minus central's
	lists         TEXT    NOT NULL DEFAULT '[]', -- JSON, sync.ListStatus
	readers       TEXT    NOT NULL DEFAULT '[]', -- JSON, sync.Reader
	agent         TEXT    NOT NULL DEFAULT '',
	revoked       BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE alerts (
	id       {{serial}},
	kind     TEXT    NOT NULL,
	device   TEXT    NOT NULL,
	token    TEXT    NOT NULL,
	detail   TEXT    NOT NULL,
	at_us    BIGINT  NOT NULL,
	resolved BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX alerts_open ON alerts (resolved, at_us);

-- The registry: what each card token is entitled to, one column per field
-- so that SQL can select a list's audience. A NULL right is no right.
CREATE TABLE entitlements (
	token         TEXT    {{bytewise}} PRIMARY KEY,
	category      TEXT    NOT NULL,
	valid_from    INTEGER NOT NULL,
	valid_to      INTEGER NOT NULL,
	bus_discount  INTEGER,          -- NULL: no bus right
	monthly_limit INTEGER,
	school        TEXT    {{bytewise}}, -- NULL: no school pass
	role          TEXT,
	grade         INTEGER,
	schedule      TEXT,
	meals_school  TEXT    {{bytewise}}, -- NULL: no meal right
	meals         TEXT,
	stop_reason   TEXT,             -- NULL: not stopped
	stop_since    INTEGER,
	updated_us    BIGINT  NOT NULL
);
CREATE INDEX entitlements_school ON entitlements (school);
CREATE INDEX entitlements_meals_school ON entitlements (meals_school);
CREATE INDEX entitlements_stop ON entitlements (stop_reason);

-- Signed list versions: a snapshot (base 0) or a delta base -> version,
-- each with its signed manifest and chunks.
CREATE TABLE lists (
	list       TEXT    NOT NULL,
	version    BIGINT  NOT NULL,
	base       BIGINT  NOT NULL,
	issued_us  BIGINT  NOT NULL,
	expires_us BIGINT  NOT NULL,
	ops        BIGINT  NOT NULL,
	signed     {{blob}} NOT NULL,
	chunks     INTEGER NOT NULL,
	created_us BIGINT  NOT NULL,
	PRIMARY KEY (list, version, base)
);
CREATE TABLE list_chunks (
	list    TEXT    NOT NULL,
	version BIGINT  NOT NULL,
	base    BIGINT  NOT NULL,
	i       INTEGER NOT NULL,
	data    {{blob}} NOT NULL,
	PRIMARY KEY (list, version, base, i)
);

-- Each device's current signed config.
CREATE TABLE configs (
	device     TEXT    {{bytewise}} PRIMARY KEY,
	version    BIGINT  NOT NULL,
	signed     {{blob}} NOT NULL,
	updated_us BIGINT  NOT NULL
);
