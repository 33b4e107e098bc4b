package api

import (
	"time"

	"karta/central/store"
	tapsync "karta/sync"
)

// The JSON shapes of the API: stable names in snake_case, times in RFC 3339
// UTC, durations in milliseconds.

type deviceView struct {
	ID          string               `json:"id"`
	Role        string               `json:"role"`
	Route       string               `json:"route,omitempty"`
	School      string               `json:"school,omitempty"`
	Online      bool                 `json:"online"`
	LastSeen    *time.Time           `json:"last_seen,omitempty"`
	Boot        uint32               `json:"boot"`
	Backlog     int                  `json:"backlog"`
	ClockSkewMS int64                `json:"clock_skew_ms"`
	Lists       []tapsync.ListStatus `json:"lists"`
	Readers     []tapsync.Reader     `json:"readers"`
	Agent       string               `json:"agent,omitempty"`
	Revoked     bool                 `json:"revoked"`
}

func deviceViews(ds ...store.Device) []deviceView {
	out := make([]deviceView, len(ds))
	for i, d := range ds {
		out[i] = deviceView{ID: d.ID, Role: d.Role, Route: d.Route, School: d.School, Online: d.Online,
			LastSeen: optTime(d.LastSeen), Boot: d.Boot, Backlog: d.Backlog, ClockSkewMS: d.ClockSkew.Milliseconds(),
			Lists: nonNil(d.Lists), Readers: nonNil(d.Readers), Agent: d.Agent, Revoked: d.Revoked}
	}
	return out
}

type tapView struct {
	Device      string    `json:"device"`
	Seq         uint64    `json:"seq"`
	Boot        uint32    `json:"boot"`
	Time        time.Time `json:"time"`
	Received    time.Time `json:"received"`
	Clock       string    `json:"clock"`
	Reader      string    `json:"reader"`
	Role        string    `json:"role"`
	Token       string    `json:"token,omitempty"`
	PARToken    string    `json:"par_token,omitempty"`
	Scheme      string    `json:"scheme,omitempty"`
	Allowed     bool      `json:"allowed"`
	Reason      string    `json:"reason"`
	Product     string    `json:"product,omitempty"`
	Fare        int       `json:"fare"`
	List        string    `json:"list,omitempty"`
	ListVersion uint64    `json:"list_version,omitempty"`
	Flags       []string  `json:"flags"`
	LatencyUS   int64     `json:"latency_us"`
}

func tapViews(ts []store.StoredTap) []tapView {
	out := make([]tapView, len(ts))
	for i, t := range ts {
		out[i] = tapView{Device: t.Device, Seq: t.Seq, Boot: t.Boot, Time: t.Time.UTC(), Received: t.Received.UTC(),
			Clock: t.Clock, Reader: t.Reader, Role: t.Role, Token: t.Token, PARToken: t.PARToken, Scheme: t.Scheme,
			Allowed: t.Allowed, Reason: t.Reason, Product: t.Product, Fare: t.Fare, List: t.List,
			ListVersion: t.ListVersion, Flags: nonNil(t.Flags), LatencyUS: t.LatencyUS}
	}
	return out
}

type alertView struct {
	ID       int64     `json:"id"`
	Kind     string    `json:"kind"`
	Device   string    `json:"device,omitempty"`
	Token    string    `json:"token,omitempty"`
	Detail   string    `json:"detail"`
	At       time.Time `json:"at"`
	Resolved bool      `json:"resolved"`
}

func alertViews(as []store.Alert) []alertView {
	out := make([]alertView, len(as))
	for i, a := range as {
		out[i] = alertView{ID: a.ID, Kind: a.Kind, Device: a.Device, Token: a.Token, Detail: a.Detail, At: a.At.UTC(), Resolved: a.Resolved}
	}
	return out
}

type listView struct {
	List    string    `json:"list"`
	Version uint64    `json:"version"`
	Base    uint64    `json:"base"` // 0: a snapshot
	Issued  time.Time `json:"issued"`
	Expires time.Time `json:"expires"`
	Ops     int       `json:"ops"`
	Chunks  int       `json:"chunks"`
	Created time.Time `json:"created"`
}

func listViews(ls []store.ListRow) []listView {
	out := make([]listView, len(ls))
	for i, l := range ls {
		out[i] = listView{List: l.List, Version: l.Version, Base: l.Base, Issued: l.Issued.UTC(), Expires: l.Expires.UTC(),
			Ops: l.Ops, Chunks: l.NChunks, Created: l.Created.UTC()}
	}
	return out
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// nonNil makes an empty list [] in JSON, not null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
