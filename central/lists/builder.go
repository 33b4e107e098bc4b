package lists

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"karta/central/store"
	"karta/offline"
	"karta/offline/bundle"
)

// Defaults of a Builder.
const (
	DefaultExpires = 720 * time.Hour    // a version's life
	DefaultRenew   = 7 * 24 * time.Hour // rebuild an unchanged list this long before it expires
	ExpiryWarning  = 24 * time.Hour     // the Publisher warns this long before
)

// buildStore is what a Builder needs of the store.
type buildStore interface {
	nameSource
	NewestVersion(ctx context.Context, list string) (store.ListRow, bool, error)
	Stamp(ctx context.Context) (store.RegistryStamp, error)
	ListHead(ctx context.Context, list string) (uint64, error)
	ScanAudience(ctx context.Context, a store.Audience, fn func(*offline.Entry) error) error
	ScanMembers(ctx context.Context, list string, fn func(store.Member) error) error
	SaveBuild(ctx context.Context, b store.ListBuild) error
}

// Builder builds list versions from the registry in the store and signs
// them with Key. It is for one goroutine: it remembers the registry's
// stamp between Builds.
type Builder struct {
	Store   buildStore
	Key     *bundle.SigningKey
	Expires time.Duration    // 0: DefaultExpires
	Renew   time.Duration    // 0: DefaultRenew; at most Expires/4; negative: never renew
	Chunk   int              // inflated bytes per chunk; 0: bundle.DefaultChunkSize
	Now     func() time.Time // nil: time.Now
	Log     *slog.Logger     // nil: slog.Default()

	stamp   *store.RegistryStamp // the registry at the last Build that built every list
	targets []Target             // its lists
}

// Why a list was built, or not.
const (
	First     = "first"     // no version before
	Changed   = "changed"   // the audience changed
	Renewed   = "renewed"   // unchanged, but the latest version expires within Renew
	Refreshed = "refreshed" // unchanged, and Build was asked to refresh
	Unchanged = "unchanged" // nothing built
	Raced     = "raced"     // another central stored this version first; nothing built
)

// Result says what a build did for one list.
type Result struct {
	List           string
	Version        uint64 // the version built, or the latest when nothing was
	Base           uint64 // the delta's base; 0: no delta was built
	Why            string
	Entries        int // in the audience; -1: not scanned (the registry did not change)
	Puts, Deletes  int // of the delta from the version before
	SnapshotBytes  int // compressed chunks
	DeltaBytes     int
	SnapshotChunks int
}

// Built reports whether a version was stored.
func (r Result) Built() bool { return r.Why != Unchanged && r.Why != Raced }

// Build builds every list (Targets) that needs a version; refresh builds
// even the unchanged ones. It goes on past a list that fails and returns
// the errors joined.
//
// While the registry's stamp is the one of the last Build that went
// through, no audience is scanned: only the lists near expiry are built.
func (b *Builder) Build(ctx context.Context, refresh bool) ([]Result, error) {
	stamp, err := b.Store.Stamp(ctx)
	if err != nil {
		return nil, fmt.Errorf("lists: %w", err)
	}
	same := !refresh && b.stamp != nil && *b.stamp == stamp
	ts := b.targets
	if !same {
		if ts, err = Targets(ctx, b.Store, b.log()); err != nil {
			return nil, err
		}
	}
	var res []Result
	var errs []error
	for _, t := range ts {
		build := b.BuildList
		if same {
			build = b.renewList
		}
		r, err := build(ctx, t, refresh)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		res = append(res, r)
	}
	if len(errs) == 0 {
		b.stamp, b.targets = &stamp, ts
	}
	return res, errors.Join(errs...)
}

// renewList builds a list whose audience is known not to have changed
// only if its latest version expires within Renew.
func (b *Builder) renewList(ctx context.Context, t Target, _ bool) (Result, error) {
	latest, err := b.latest(ctx, t.List)
	if err != nil {
		return Result{}, fmt.Errorf("lists: build %s: %w", t.List, err)
	}
	if latest.Version > 0 && !b.expiring(latest) {
		return Result{List: t.List, Version: latest.Version, Why: Unchanged, Entries: -1}, nil
	}
	return b.BuildList(ctx, t, false)
}

// BuildList builds version N+1 of one list if its audience changed since
// N (or N expires within Renew, or refresh): a snapshot, and a delta from
// N when the store holds N's members.
func (b *Builder) BuildList(ctx context.Context, t Target, refresh bool) (Result, error) {
	r, err := b.buildList(ctx, t, refresh)
	if err != nil {
		return r, fmt.Errorf("lists: build %s: %w", t.List, err)
	}
	return r, nil
}

func (b *Builder) buildList(ctx context.Context, t Target, refresh bool) (Result, error) {
	latest, err := b.latest(ctx, t.List)
	if err != nil {
		return Result{}, err
	}
	head, err := b.Store.ListHead(ctx, t.List)
	if err != nil {
		return Result{}, err
	}
	m, err := b.merge(ctx, t, latest.Version+1, head, head > 0 && head == latest.Version)
	if err != nil {
		return Result{}, err
	}
	why := b.why(latest, m, refresh)
	r := Result{List: t.List, Version: latest.Version, Why: why, Entries: m.snap.Len()}
	if why == Unchanged {
		return r, nil
	}
	return b.save(ctx, m, r)
}

// latest returns the list's newest stored version (the snapshot if there
// is one); Version 0 if none.
func (b *Builder) latest(ctx context.Context, list string) (store.ListRow, error) {
	l, _, err := b.Store.NewestVersion(ctx, list)
	return l, err
}

func (b *Builder) expiring(latest store.ListRow) bool {
	return b.renew() >= 0 && latest.Expires.Sub(b.now()) < b.renew()
}

func (b *Builder) why(latest store.ListRow, m *merged, refresh bool) string {
	switch {
	case latest.Version == 0:
		return First
	case m.changes() > 0 || m.delta == nil:
		return Changed
	case refresh:
		return Refreshed
	case b.expiring(latest):
		return Renewed
	}
	return Unchanged
}

// save signs the snapshot and the delta, issued now, and stores them with
// the member changes.
func (b *Builder) save(ctx context.Context, m *merged, r Result) (Result, error) {
	issued := b.now()
	expires := issued.Add(b.expires())
	snap, err := m.snap.Sign(b.Key, issued, expires)
	if err != nil {
		return r, err
	}
	build := store.ListBuild{Head: m.head, Snapshot: row(snap, m.version, 0, r.List, issued, expires, m.snap.Len()),
		Put: m.put, Delete: m.del}
	r.Version, r.SnapshotBytes, r.SnapshotChunks = m.version, size(snap), len(snap.Chunks)
	if m.delta != nil {
		d, err := m.delta.Sign(b.Key, issued, expires)
		if err != nil {
			return r, err
		}
		dr := row(d, m.version, m.head, r.List, issued, expires, m.delta.Len())
		build.Delta, r.Base, r.DeltaBytes = &dr, m.head, size(d)
		r.Puts, r.Deletes = m.puts, len(m.del)
	}
	err = b.Store.SaveBuild(ctx, build)
	if errors.Is(err, store.ErrExists) {
		b.log().Info("lists: another central built this version first", "list", r.List, "version", m.version)
		return Result{List: r.List, Version: m.version, Why: Raced}, nil
	}
	return r, err
}

func row(bd *bundle.Bundle, version, base uint64, list string, issued, expires time.Time, ops int) store.ListRow {
	return store.ListRow{List: list, Version: version, Base: base, Issued: issued.UTC().Truncate(time.Second),
		Expires: expires.UTC().Truncate(time.Second), Ops: ops, Signed: bd.Signed, Chunks: bd.Chunks, NChunks: len(bd.Chunks)}
}

func size(bd *bundle.Bundle) int {
	n := 0
	for _, c := range bd.Chunks {
		n += len(c)
	}
	return n
}

func (b *Builder) now() time.Time {
	if b.Now == nil {
		return time.Now()
	}
	return b.Now()
}

func (b *Builder) expires() time.Duration {
	if b.Expires <= 0 {
		return DefaultExpires
	}
	return b.Expires
}

// renew is at most a quarter of the life of a version, so that a short
// --expires does not make every build a renewal.
func (b *Builder) renew() time.Duration {
	r := b.Renew
	if r == 0 {
		r = DefaultRenew
	}
	return min(r, b.expires()/4)
}

func (b *Builder) log() *slog.Logger {
	if b.Log == nil {
		return slog.Default()
	}
	return b.Log
}
