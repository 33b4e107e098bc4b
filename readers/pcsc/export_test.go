package pcsc

// Exported for the external tests.
var (
	Match = match
	Wrap  = wrap
)
