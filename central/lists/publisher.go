package lists

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"karta/central/store"
	tapsync "karta/sync"
)

// DefaultPoll is how often a Publisher looks at the store.
const DefaultPoll = 3 * time.Second

// Conn is what a Publisher needs of an MQTT connection (tapsync.Conn has
// it): Publish waits for the broker's PUBACK at QoS 1.
type Conn interface {
	Publish(topic string, qos byte, retained bool, payload []byte) error
}

// publishStore is what a Publisher reads of the store.
type publishStore interface {
	LatestVersions(ctx context.Context) (map[string]uint64, error)
	ListVersionsFrom(ctx context.Context, list string, min uint64) ([]store.ListRow, error)
	ListChunk(ctx context.Context, list string, version, base uint64, i int) ([]byte, error)
}

// Publisher publishes the stored lists, retained, and keeps them current.
// See the package doc for what it publishes in which order. It is for one
// goroutine: Run, or Publish called in turn.
type Publisher struct {
	Store publishStore
	Conn  Conn
	Poll  time.Duration    // 0: DefaultPoll
	Now   func() time.Time // nil: time.Now
	Log   *slog.Logger     // nil: slog.Default()

	offered map[string]*offer // what is on the broker, by list
	warned  map[string]time.Time
}

// offer is one list's offer as published: the offered versions (the
// snapshot first) and their chunk counts.
type offer struct {
	latest uint64
	rows   []store.ListRow // without chunks
}

// Run publishes at once and then whenever the store has a newer version,
// until ctx ends. A round that fails is logged and tried again at the next
// look.
func (p *Publisher) Run(ctx context.Context) error {
	t := time.NewTicker(p.poll())
	defer t.Stop()
	for {
		if err := p.Publish(ctx); err != nil && ctx.Err() == nil {
			p.log().Warn("lists: publishing failed; trying again", "err", err, "in", p.poll())
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Publish makes one round: each list whose newest version is not the one
// on the broker gets its chunks, its offer, and its old chunks cleared.
// Lists already current cost nothing beyond one query for all of them.
func (p *Publisher) Publish(ctx context.Context) error {
	latest, err := p.Store.LatestVersions(ctx)
	if err != nil {
		return fmt.Errorf("lists: publish: %w", err)
	}
	if p.offered == nil {
		p.offered, p.warned = map[string]*offer{}, map[string]time.Time{}
	}
	var errs []error
	for _, list := range sortedKeys(latest) {
		if o := p.offered[list]; o != nil && o.latest == latest[list] {
			p.warnExpiry(o)
			continue
		}
		if err := p.publishList(ctx, list, latest[list]); err != nil {
			errs = append(errs, fmt.Errorf("lists: publish %s: %w", list, err))
		}
	}
	return errors.Join(errs...)
}

// window is how many versions below the newest a Publisher reads: those
// it may offer and those whose chunks it may have to clear.
const window = 3 * tapsync.MaxOffered

// publishList publishes one list's latest snapshot and recent deltas.
func (p *Publisher) publishList(ctx context.Context, list string, latest uint64) error {
	vs, err := p.Store.ListVersionsFrom(ctx, list, max(latest, window)-window)
	if err != nil {
		return err
	}
	o := offerOf(vs)
	if o == nil {
		return fmt.Errorf("no snapshot of v%d is stored", vs[0].Version)
	}
	old := p.offered[list]
	for _, r := range o.rows {
		if old == nil || !old.has(r) {
			if err := p.publishChunks(ctx, &r); err != nil {
				return err
			}
		}
	}
	if err := p.publishOffer(list, o); err != nil {
		return err
	}
	p.offered[list] = o
	p.log().Info("lists: published", "list", list, "version", o.latest, "deltas", len(o.rows)-1,
		"chunks", o.rows[0].NChunks)
	p.warnExpiry(o)
	return p.clear(list, stale(vs, old, o))
}

// offerOf picks what to offer of a list's versions (newest first): the
// newest version's snapshot and the chain of deltas below it. nil when
// the newest version has no snapshot.
func offerOf(vs []store.ListRow) *offer {
	if len(vs) == 0 || vs[0].Base != 0 {
		return nil
	}
	o := &offer{latest: vs[0].Version, rows: []store.ListRow{vs[0]}}
	for v := o.latest; v > 1 && len(o.rows) < tapsync.MaxOffered; v-- {
		i := slices.IndexFunc(vs, func(r store.ListRow) bool { return r.Version == v && r.Base == v-1 })
		if i < 0 {
			break
		}
		o.rows = append(o.rows, vs[i])
	}
	return o
}

func (o *offer) has(r store.ListRow) bool {
	return slices.ContainsFunc(o.rows, func(x store.ListRow) bool { return x.Version == r.Version && x.Base == r.Base })
}

// stale returns the versions whose chunks may be on the broker and are
// offered no more: those old offered, or, when nothing was published in
// this process, the 2×MaxOffered versions just below those offered.
func stale(vs []store.ListRow, old, cur *offer) []store.ListRow {
	var out []store.ListRow
	lowest := cur.rows[len(cur.rows)-1].Version
	for _, r := range vs {
		switch {
		case cur.has(r):
		case old != nil && old.has(r):
			out = append(out, r)
		case old == nil && r.Version+2*tapsync.MaxOffered >= lowest:
			out = append(out, r)
		}
	}
	return out
}

func (p *Publisher) publishChunks(ctx context.Context, r *store.ListRow) error {
	for i := range r.NChunks {
		c, err := p.Store.ListChunk(ctx, r.List, r.Version, r.Base, i)
		if err != nil {
			return err
		}
		if err := p.Conn.Publish(tapsync.ChunkTopic(r.List, r.Version, r.Base, i), 1, true, c); err != nil {
			return fmt.Errorf("chunk %d of v%d base %d: %w", i, r.Version, r.Base, err)
		}
	}
	return nil
}

func (p *Publisher) publishOffer(list string, o *offer) error {
	lo := tapsync.ListOffer{V: tapsync.V, List: list}
	for _, r := range o.rows {
		lo.Manifests = append(lo.Manifests, r.Signed)
	}
	b, err := tapsync.Encode(lo)
	if err != nil {
		return err
	}
	if err := p.Conn.Publish(tapsync.ManifestTopic(list), 1, true, b); err != nil {
		return fmt.Errorf("offer: %w", err)
	}
	return nil
}

// clear publishes an empty retained message on every chunk topic of rs,
// which removes the retained chunk.
func (p *Publisher) clear(list string, rs []store.ListRow) error {
	for _, r := range rs {
		for i := range r.NChunks {
			if err := p.Conn.Publish(tapsync.ChunkTopic(list, r.Version, r.Base, i), 1, true, nil); err != nil {
				return fmt.Errorf("clear chunk %d of v%d base %d: %w", i, r.Version, r.Base, err)
			}
		}
	}
	return nil
}

// warnExpiry logs, at most once an hour per list, that the offered
// version expires within ExpiryWarning (or has expired): devices will
// refuse it then, and only a build makes a new one.
func (p *Publisher) warnExpiry(o *offer) {
	r, now := &o.rows[0], p.now()
	if left := r.Expires.Sub(now); left > ExpiryWarning || now.Sub(p.warned[r.List]) < time.Hour {
		return
	}
	p.warned[r.List] = now
	p.log().Warn("lists: the latest version expires soon; build a new one (karta-central lists build --refresh)",
		"list", r.List, "version", r.Version, "expires", r.Expires.Format(time.RFC3339), "left", r.Expires.Sub(now).Round(time.Minute))
}

func sortedKeys(m map[string]uint64) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func (p *Publisher) poll() time.Duration {
	if p.Poll <= 0 {
		return DefaultPoll
	}
	return p.Poll
}

func (p *Publisher) now() time.Time {
	if p.Now == nil {
		return time.Now()
	}
	return p.Now()
}

func (p *Publisher) log() *slog.Logger {
	if p.Log == nil {
		return slog.Default()
	}
	return p.Log
}
