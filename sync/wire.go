package sync

import (
	"encoding/json"
	"time"

	"karta/offline"
)

// V is the version of the wire messages this package speaks.
const V = 1

// Bounds on what a decoder accepts.
const (
	MaxPayload    = 8 << 20 // bytes, after decompression
	MaxBatch      = 5000    // taps in one batch
	CompressAbove = 4096    // bytes of JSON before gzip is worth it
)

// TapBatch is a contiguous run of journaled taps, From..To inclusive.
type TapBatch struct {
	V      int           `json:"v"`
	Device string        `json:"device"`
	From   uint64        `json:"from"`
	To     uint64        `json:"to"`
	Taps   []offline.Tap `json:"taps"`
	Sent   time.Time     `json:"sent"`
}

// SeqRange is an inclusive range of seqs.
type SeqRange struct {
	From uint64 `json:"from"`
	To   uint64 `json:"to"`
}

// Ack says which seqs central has stored durably.
type Ack struct {
	V      int        `json:"v"`
	Device string     `json:"device"`
	Ranges []SeqRange `json:"ranges"`
}

// Status is a device's state, retained, and its last will (Online false).
type Status struct {
	V        int          `json:"v"`
	Device   string       `json:"device"`
	Online   bool         `json:"online"`
	Role     string       `json:"role,omitempty"`
	Boot     uint32       `json:"boot,omitempty"`
	Time     time.Time    `json:"time"`
	Synced   bool         `json:"clock_synced"`
	Backlog  int          `json:"backlog"`
	Capacity int          `json:"capacity,omitempty"`
	NextSeq  uint64       `json:"next_seq,omitempty"`
	Lists    []ListStatus `json:"lists,omitempty"`
	Readers  []Reader     `json:"readers,omitempty"`
	Agent    string       `json:"agent,omitempty"` // software version
}

// ListStatus is an installed list version.
type ListStatus struct {
	List    string    `json:"list"`
	Version uint64    `json:"version"`
	Issued  time.Time `json:"issued"`
	Entries int       `json:"entries"`
}

// Reader is a reader's health.
type Reader struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Errors int    `json:"errors"`
}

// Signed is a payload signed with a list signing key: device config and
// commands. Payload holds the exact signed bytes.
type Signed struct {
	V       int    `json:"v"`
	KeyID   string `json:"key_id"`
	Payload []byte `json:"payload"`
	Sig     []byte `json:"sig"`
}

// Config is a device's configuration from central: its rules, as the
// agent's TOML/JSON rules section.
type Config struct {
	V       int             `json:"v"`
	Device  string          `json:"device"`
	Version uint64          `json:"version"`
	Issued  time.Time       `json:"issued"`
	Rules   json.RawMessage `json:"rules"`
}

// Command asks a device to do something now.
type Command struct {
	V       int       `json:"v"`
	Device  string    `json:"device"`
	ID      string    `json:"id"`
	Kind    string    `json:"kind"` // "resync", "selftest", "diagnostics"
	Issued  time.Time `json:"issued"`
	Expires time.Time `json:"expires"`
}
