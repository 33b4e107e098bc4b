package offline

import "errors"

// Sentinel errors of the device stores. Messages name the list or the seq
// they concern; callers test with errors.Is.
var (
	// ErrRollback: an install would not raise the list's version.
	ErrRollback = errors.New("offline: list version is not newer than the installed one")
	// ErrWrongBase: a delta's base is not the installed version.
	ErrWrongBase = errors.New("offline: delta does not apply onto the installed version")
	// ErrExpired: the list version's manifest has expired.
	ErrExpired = errors.New("offline: list version expired")
	// ErrNoList: the list is not installed.
	ErrNoList = errors.New("offline: list not installed")
	// ErrJournalFull: the journal holds as many unsynced taps as it may; no
	// tap is overwritten, the new one is refused.
	ErrJournalFull = errors.New("offline: journal full of unsynced taps")
	// ErrStorage: the disk refused a write (full, read-only, failing).
	ErrStorage = errors.New("offline: storage write failed")
	// ErrNoJournal: a journal opened read-only has never been written.
	ErrNoJournal = errors.New("offline: no journal yet")
	// ErrCorrupt: a store failed its integrity check.
	ErrCorrupt = errors.New("offline: store corrupt")
)
