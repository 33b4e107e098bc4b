package offline

import (
	"encoding/json"
	"fmt"
	"time"
)

// Tap is one journaled tap: allowed, denied or unreadable. Central gets it
// as is; the token stands for the card, never its number.
type Tap struct {
	Seq         uint64    `json:"seq"`   // monotonic per device, never reused
	Boot        uint32    `json:"boot"`  // which start of the agent wrote it
	Time        time.Time `json:"time"`  // device time
	Clock       string    `json:"clock"` // "synced" or "unsynced"
	Reader      string    `json:"reader,omitempty"`
	Role        string    `json:"role"`
	Token       string    `json:"token,omitempty"` // empty for an unreadable card
	PARToken    string    `json:"par_token,omitempty"`
	Scheme      string    `json:"scheme,omitempty"`
	Allowed     bool      `json:"allowed"`
	Reason      string    `json:"reason"` // stable reason code
	Product     string    `json:"product,omitempty"`
	Fare        int       `json:"fare,omitempty"` // kopecks the person pays (bus)
	List        string    `json:"list,omitempty"`
	ListVersion uint64    `json:"list_version,omitempty"`
	Flags       []string  `json:"flags,omitempty"` // "stale-list", "clock-unsynced", ...
	LatencyUS   int64     `json:"latency_us"`      // card in field to decision
}

// tapRecord is the stored form, versioned for upgrades.
type tapRecord struct {
	V int `json:"v"`
	Tap
}

const tapV1 = 1

func encodeTap(t *Tap) ([]byte, error) { return json.Marshal(tapRecord{V: tapV1, Tap: *t}) }

func decodeTap(b []byte) (Tap, error) {
	var r tapRecord
	if err := json.Unmarshal(b, &r); err != nil {
		return Tap{}, fmt.Errorf("%w: tap record: %v", ErrCorrupt, err)
	}
	if r.V != tapV1 {
		return Tap{}, fmt.Errorf("%w: tap record version %d", ErrCorrupt, r.V)
	}
	return r.Tap, nil
}
