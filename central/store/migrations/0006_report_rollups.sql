-- Version 6: the report counts at the grain each report reads. Measured
-- with 10 million taps (docs/BENCHMARKS.md), tap_days of version 5 (per
-- day, device, product and category) still left a month's rides report
-- at 160 ms and a year's at 1.4 s on SQLite, and the overview's taps per
-- hour read 27,000 taps a day (200 ms). So:
--
--   ride_months  allowed privileged rides (bus:free, bus:discount-N) per
--                month (YYYYMM in UTC+2, Kaliningrad), device and the
--                card's category: a month is a few rows per bus.
--   meal_days    allowed meals (meal:NAME) per day (days since 1970-01-01
--                in UTC+2), device, meal and category.
--   tap_hours    every tap per hour (hours since 1970-01-01 UTC), role and
--                decision: six rows an hour for the whole region.
--
-- The category is the card's in the registry when its tap was stored (''
-- for a card not in it). SaveTaps adds to all three in the transaction
-- that stores the taps; Store.RebuildReports counts them again. Here they
-- are counted from the taps stored so far.
DROP TABLE tap_days;

CREATE TABLE ride_months (
	month    INTEGER NOT NULL,
	device   TEXT    {{bytewise}} NOT NULL,
	category TEXT    {{bytewise}} NOT NULL,
	rides    BIGINT  NOT NULL,
	fare     BIGINT  NOT NULL,
	PRIMARY KEY (month, device, category)
);
CREATE TABLE meal_days (
	day      INTEGER NOT NULL,
	device   TEXT    {{bytewise}} NOT NULL,
	meal     TEXT    {{bytewise}} NOT NULL,
	category TEXT    {{bytewise}} NOT NULL,
	meals    BIGINT  NOT NULL,
	PRIMARY KEY (day, device, meal, category)
);
CREATE TABLE tap_hours (
	hour    INTEGER NOT NULL,
	role    TEXT    {{bytewise}} NOT NULL,
	allowed BOOLEAN NOT NULL,
	taps    BIGINT  NOT NULL,
	PRIMARY KEY (hour, role, allowed)
);

{{rebuild_reports}}
