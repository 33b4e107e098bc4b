-- What the latest built version of each list holds, so that the next
-- version's delta is one merge of two sorted streams (the audience and
-- the members) instead of a second copy of the list: each member's token
-- and a 64-bit hash of its entry's encoding. list_heads names the version
-- list_members holds; a build moves it from N to N+1 in the transaction
-- that stores N+1, and only if it is still N.
CREATE TABLE list_members (
	list  TEXT   {{bytewise}} NOT NULL,
	token TEXT   {{bytewise}} NOT NULL,
	hash  BIGINT NOT NULL,
	PRIMARY KEY (list, token)
);
CREATE TABLE list_heads (
	list     TEXT   {{bytewise}} PRIMARY KEY,
	version  BIGINT NOT NULL,
	built_us BIGINT NOT NULL
);
