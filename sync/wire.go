package sync

import (
	"time"

	"karta/offline"
)

// V is the version of the wire messages this package speaks.
const V = 1

// Bounds on what a decoder accepts.
const (
	MaxPayload    = 8 << 20 // bytes, after decompression
	MaxBatch      = 5000    // taps in one batch
	MaxOffered    = 16      // manifests in a list offer
	MaxDetail     = 4096    // bytes of a command result's detail
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
	Agent    string       `json:"agent,omitempty"`  // software version
	Config   uint64       `json:"config,omitempty"` // version of the config from central it runs
	// ConfigError says why the last config from central was refused.
	ConfigError string         `json:"config_error,omitempty"`
	Command     *CommandResult `json:"command,omitempty"` // how the last command went
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

// Signed is a message central signs with a list signing key: device
// config and commands. Payload holds the exact signed bytes (the JSON of
// a Config or a Command), verified before they are parsed.
type Signed struct {
	V       int    `json:"v"`
	KeyID   string `json:"key_id"`
	Payload []byte `json:"payload"`
	Sig     []byte `json:"sig"`
}

// Config is a device's configuration from central, retained on
// dev/{id}/config: its rules, as the TOML of an agent config's [rules]
// table (the same keys, without the [rules] header). A device applies a
// version only above the one it runs.
type Config struct {
	V       int       `json:"v"`
	Device  string    `json:"device"`
	Version uint64    `json:"version"`
	Issued  time.Time `json:"issued"`
	Rules   string    `json:"rules"`
}

// Kinds of commands.
const (
	CmdResync      = "resync"      // send the whole unacked journal again, fetch the lists again
	CmdSelftest    = "selftest"    // run the selftest, report it in the status
	CmdDiagnostics = "diagnostics" // report stores, lists, readers and link in the status
)

// Command asks a device to do something now, on dev/{id}/cmd. A device
// runs a command once (by ID), and not after Expires.
type Command struct {
	V       int       `json:"v"`
	Device  string    `json:"device"`
	ID      string    `json:"id"`
	Kind    string    `json:"kind"`
	Issued  time.Time `json:"issued"`
	Expires time.Time `json:"expires"`
}

// CommandResult is how a device's last command went, in its status.
type CommandResult struct {
	ID     string    `json:"id"`
	Kind   string    `json:"kind"`
	OK     bool      `json:"ok"`
	Detail string    `json:"detail,omitempty"` // at most MaxDetail bytes
	At     time.Time `json:"at"`
}

// ListOffer is what central offers of one list, retained on
// lists/{list}/manifest: the signed manifests (offline/bundle) of the
// latest version as a snapshot and as deltas from recent versions. A
// device installs the delta from the version it runs if one is offered,
// else the snapshot, fetching the chunks from ChunkTopic. Each manifest
// is verified on its own: the offer itself is not signed, so a forged
// offer can withhold a version but never install one, and a version at or
// below the installed one is refused (rollback).
type ListOffer struct {
	V         int      `json:"v"`
	List      string   `json:"list"`
	Manifests [][]byte `json:"manifests"`
}
