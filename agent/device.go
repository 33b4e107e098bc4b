package agent

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"karta/offline"
	"karta/readers"
	"karta/readers/emv"
)

// What the pipeline consumes, each as small as it can be.
type (
	// Identifier reads who a card belongs to (readers/emv.Reader).
	Identifier interface {
		Read(ctx context.Context, card readers.Card) (emv.Identity, error)
	}
	// ListStore finds entries (offline.Lists).
	ListStore interface {
		State(list string) (offline.ListState, bool)
		Get(list, token string) (*offline.Entry, error)
	}
	// Journal persists taps with the counters they change (offline.Journal).
	Journal interface {
		Append(t *offline.Tap, key string, c *offline.Counters) (uint64, error)
		Counters(token string) offline.Counters
	}
	// Clock tells the time and whether it can be trusted.
	Clock interface {
		Now() time.Time
		Synced() bool
	}
)

// Device is one device's tap pipeline: identify → decide → journal →
// signal. Taps of all its readers pass one at a time through decide and
// journal (a card's counters must not race), never through the network.
// Engine decides until SetEngine swaps in other rules (a config from
// central); each tap is decided by one engine from start to end.
type Device struct {
	Engine   *Engine
	Identify Identifier
	Lists    ListStore
	Journal  Journal
	Out      Output
	Clock    Clock
	Log      *slog.Logger
	Metrics  *Metrics
	Record   *Recorder // nil: no transcripts
	// Journaled, if set, is called after each tap is on disk (the sync
	// link's Kick); it must not block.
	Journaled func()

	mu      sync.Mutex
	swapped atomic.Pointer[Engine]
}

// CurrentEngine is the engine deciding taps now.
func (d *Device) CurrentEngine() *Engine {
	if e := d.swapped.Load(); e != nil {
		return e
	}
	return d.Engine
}

// SetEngine makes e decide the taps from now on; a tap being decided
// finishes with the engine it started with.
func (d *Device) SetEngine(e *Engine) { d.swapped.Store(e) }

// Result is how one tap went.
type Result struct {
	Decision Decision
	Seq      uint64 // journal seq; 0 when the tap could not be journaled
	Token    string
}

// Tap handles one card presented at a reader with a direction ("in",
// "out" or ""). It returns once the person has been signalled.
func (d *Device) Tap(ctx context.Context, card readers.Card, reader, direction string) Result {
	start := d.Clock.Now()
	id, err := d.Identify.Read(ctx, card)
	if ctx.Err() != nil {
		return Result{} // shutting down: no decision, nothing to journal
	}
	if err != nil {
		d.Metrics.readError(reader, err)
		d.Log.Info("agent: card not read", "reader", reader, "err", err)
	}
	e := d.CurrentEngine()
	res := d.decideAndJournal(e, start, reader, direction, identityOrNil(id, err))
	d.signal(res.Decision)
	d.Metrics.tap(e.Role(), res.Decision, d.Clock.Now().Sub(start))
	return res
}

func identityOrNil(id emv.Identity, err error) *emv.Identity {
	if err != nil {
		return nil
	}
	return &id
}

func (d *Device) decideAndJournal(e *Engine, start time.Time, reader, direction string, id *emv.Identity) Result {
	d.mu.Lock()
	defer d.mu.Unlock()
	in := Input{Now: start, ClockSynced: d.Clock.Synced(), Identity: id, Direction: direction}
	listName := d.lookup(e, &in)
	dec, ctr := e.Decide(in)
	tap := d.tapRecord(e, in, dec, reader, listName)
	seq, err := d.Journal.Append(tap, counterKey(in.Identity), ctr)
	if err != nil {
		dec = d.unjournaled(err)
	} else if d.Journaled != nil {
		d.Journaled()
	}
	res := Result{Decision: dec, Seq: seq}
	if id != nil {
		res.Token = id.Token
	}
	d.Log.Info("agent: tap", "seq", seq, "reader", reader, "token", res.Token, "allowed", dec.Allowed,
		"reason", dec.Reason, "product", dec.Product, "flags", dec.Flags)
	return res
}

// unjournaled: a tap that cannot be recorded is not granted. The person is
// told, ops see the alarm.
func (d *Device) unjournaled(err error) Decision {
	d.Log.Error("agent: tap not journaled", "err", err)
	d.Metrics.journalError()
	if errors.Is(err, offline.ErrJournalFull) {
		return refuse(ReasonJournalFull)
	}
	return refuse(ReasonStorage)
}

// lookup finds the card's entry in the rules' lists, first match wins, and
// the card's counters; it returns the name of the list consulted.
func (d *Device) lookup(e *Engine, in *Input) string {
	var name string
	for _, list := range e.Lists() {
		st, ok := d.Lists.State(list)
		if !ok {
			continue
		}
		if in.List == nil {
			in.List, name = &st, list
		}
		if e := d.find(list, in.Identity); e != nil {
			in.List, in.Entry, name = &st, e, list
			break
		}
	}
	if key := counterKey(in.Identity); key != "" {
		in.Counters = d.Journal.Counters(key)
	}
	return name
}

// find looks the card up by its PAN token, then by its PAR token: a Mir Pay
// phone and the plastic it stands for share the PAR.
func (d *Device) find(list string, id *emv.Identity) *offline.Entry {
	if id == nil {
		return nil
	}
	for _, tok := range []string{id.Token, id.PARToken} {
		if tok == "" {
			continue
		}
		e, err := d.Lists.Get(list, tok)
		if err != nil {
			d.Log.Error("agent: list lookup failed", "list", list, "err", err)
			continue
		}
		if e != nil {
			return e
		}
	}
	return nil
}

// counterKey is whom counters count for: the person behind the PAR when the
// card has one (phone and plastic share a monthly limit), else the card.
func counterKey(id *emv.Identity) string {
	switch {
	case id == nil:
		return ""
	case id.PARToken != "":
		return id.PARToken
	}
	return id.Token
}

func (d *Device) tapRecord(e *Engine, in Input, dec Decision, reader, list string) *offline.Tap {
	t := &offline.Tap{Time: in.Now, Clock: clockState(in.ClockSynced), Reader: reader, Role: e.Role(),
		Allowed: dec.Allowed, Reason: string(dec.Reason), Product: dec.Product, Fare: dec.Fare,
		List: list, Flags: dec.Flags, LatencyUS: d.Clock.Now().Sub(in.Now).Microseconds()}
	if in.List != nil {
		t.ListVersion = in.List.Version
	}
	if id := in.Identity; id != nil {
		t.Token, t.PARToken, t.Scheme = id.Token, id.PARToken, string(id.Scheme)
	}
	return t
}

func clockState(synced bool) string {
	if synced {
		return "synced"
	}
	return "unsynced"
}

func (d *Device) signal(dec Decision) {
	if err := d.Out.Signal(dec); err != nil {
		d.Log.Error("agent: signal failed", "err", err)
		d.Metrics.signalError()
	}
}
