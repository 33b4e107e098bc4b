-- Version 4: the ops UI's people. Users with a role (viewer, technician,
-- admin) and a password hash (never the password: "pbkdf2-sha256$ITER$
-- SALT$HASH"), and how many logins failed in a row, so that guessing
-- slows down whichever instance is asked. Sessions are kept by the
-- SHA-256 of their id (the id itself lives only in the browser's cookie),
-- each with its own CSRF token.
CREATE TABLE users (
	name       TEXT    {{bytewise}} PRIMARY KEY,
	role       TEXT    NOT NULL,
	hash       TEXT    NOT NULL,
	disabled   BOOLEAN NOT NULL DEFAULT FALSE,
	created_us BIGINT  NOT NULL,
	failures   INTEGER NOT NULL DEFAULT 0, -- failed logins since the last good one
	failed_us  BIGINT  NOT NULL DEFAULT 0  -- the last failure
);

CREATE TABLE sessions (
	id_hash    TEXT   {{bytewise}} PRIMARY KEY, -- hex SHA-256 of the cookie's id
	user_name  TEXT   {{bytewise}} NOT NULL,
	csrf       TEXT   NOT NULL,
	created_us BIGINT NOT NULL,
	seen_us    BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_name);
CREATE INDEX sessions_seen ON sessions (seen_us);
