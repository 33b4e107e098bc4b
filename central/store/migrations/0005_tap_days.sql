-- Version 5: pages of taps in the order they are shown, and the report
-- counts per day.

-- Pages of taps are ordered by device time, device and seq, newest first:
-- with the time alone indexed, SQLite sorted every tap to break ties
-- (143 ms for the first page of 30,000 taps, a full sort of 10 million).
DROP INDEX taps_at;
CREATE INDEX taps_at ON taps (at_us, device, seq);

-- Reports over a month of a
-- region's taps (some 830,000 of 10 million a year) read this table, a
-- few rows per device and day, instead of the taps.
--
-- tap_days counts the allowed taps the reports count — privileged bus
-- rides (bus:free, bus:discount-N) and meals (meal:NAME) — per day in
-- the region's zone (UTC+2, Kaliningrad: day is days since 1970-01-01
-- there), device, product and the card's category as the registry said
-- when the tap was stored ('' for a card not in it). SaveTaps adds to it
-- in the transaction that stores the taps; Store.RebuildTapDays counts it
-- again from the taps. Here it is counted from the taps stored so far.
CREATE TABLE tap_days (
	day      INTEGER NOT NULL,
	device   TEXT    {{bytewise}} NOT NULL,
	product  TEXT    {{bytewise}} NOT NULL,
	category TEXT    {{bytewise}} NOT NULL,
	taps     BIGINT  NOT NULL,
	fare     BIGINT  NOT NULL,
	PRIMARY KEY (day, device, product, category)
);
INSERT INTO tap_days (day, device, product, category, taps, fare)
SELECT (t.at_us + 7200000000) / 86400000000, t.device, t.product, COALESCE(e.category, ''), COUNT(*), SUM(t.fare)
FROM taps t LEFT JOIN entitlements e ON e.token = t.token
WHERE t.allowed = TRUE AND (t.product = 'bus:free' OR t.product LIKE 'bus:discount-%' OR t.product LIKE 'meal:%')
GROUP BY (t.at_us + 7200000000) / 86400000000, t.device, t.product, COALESCE(e.category, '');
