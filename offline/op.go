package offline

import "time"

// Op is one change of a list: put an entry under its token, or delete the
// token (Entry nil). A snapshot is a run of puts; a delta mixes both.
type Op struct {
	Token string
	Entry *Entry // nil deletes Token
}

// ListVersion names what an install brings: which list, which version, onto
// which base (0 for a snapshot), and until when it may be used.
type ListVersion struct {
	List    string
	Version uint64
	Base    uint64 // a delta applies only onto exactly this version
	Issued  time.Time
	Expires time.Time
	Ops     int // entries of a snapshot, changes of a delta
}

// Snapshot reports whether the version replaces the list whole.
func (v ListVersion) Snapshot() bool { return v.Base == 0 }

// OpSource yields the ops of one verified bundle in order. Next returns
// io.EOF after the last op; any other error aborts the install and leaves
// the current list as it was.
type OpSource interface {
	Next() (Op, error)
}
