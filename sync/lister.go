package sync

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"karta/offline"
	"karta/offline/bundle"
)

// lister is the goroutine that turns list offers into installed versions,
// one version at a time across all lists.
type lister struct {
	d       *Downlink
	conn    Conn // nil: offline
	offers  map[string]ListOffer
	plans   map[string][]step // per list, what is left to install, in order
	refused map[[32]byte]bool // signed manifests whose bundle was refused
	f       *fetch            // the version being fetched
}

func newLister(d *Downlink) *lister {
	return &lister{d: d, offers: map[string]ListOffer{}, plans: map[string][]step{}, refused: map[[32]byte]bool{}}
}

func (l *lister) run(ctx context.Context) {
	l.cleanOthers()
	tick := time.NewTicker(l.d.Opts.Stall / 4)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case c := <-l.d.conns:
			l.setConn(c)
		case m := <-l.d.offers:
			l.offer(m)
		case m := <-l.d.chunks:
			l.chunk(m)
		case <-tick.C:
			l.stalled()
		}
		l.next()
	}
}

// setConn moves the fetch to a new connection: its subscriptions went
// with the old one.
func (l *lister) setConn(c Conn) {
	l.conn = c
	if l.f != nil {
		clear(l.f.asked)
		l.ask()
	}
}

func (l *lister) offer(m rawMsg) {
	list := strings.TrimSuffix(strings.TrimPrefix(m.topic, Root+"lists/"), "/manifest")
	o, err := DecodeListOffer(list, m.payload)
	if err != nil {
		l.d.log.Warn("sync: list offer refused", "list", list, "err", err)
		return
	}
	if !slices.Contains(l.d.Lists(), list) {
		return // a list the rules no longer consult
	}
	l.offers[list] = o
	l.replan(list)
}

// replan chooses the versions to fetch of list from its last offer.
func (l *lister) replan(list string) {
	o, ok := l.offers[list]
	if !ok {
		return
	}
	installed := uint64(0)
	if st, ok := l.d.Installed.State(list); ok {
		installed = st.Version
	}
	steps, refused, err := plan(o, installed, l.verify)
	for _, r := range refused {
		l.d.log.Warn("sync: list manifest refused", "list", list, "err", r)
	}
	if err != nil {
		l.d.log.Warn("sync: list offer refused; the installed list stays", "list", list, "installed", installed, "err", err)
	}
	l.plans[list] = steps
	if len(steps) > 0 {
		l.d.log.Info("sync: list update offered", "list", list, "installed", installed, "plan", names(steps))
	}
	if l.f != nil && l.f.m.List == list && (len(steps) == 0 || !l.f.is(steps[0])) {
		l.drop()
	}
	l.clean(list)
}

// verify checks a manifest; one whose bundle was refused before is
// refused again, so that the plan goes another way (a snapshot).
func (l *lister) verify(signed []byte) (*bundle.Manifest, error) {
	m, err := bundle.VerifyManifest(signed, l.d.Ring, l.d.now())
	if err == nil && l.refused[sha256.Sum256(signed)] {
		return nil, fmt.Errorf("sync: %s: its bundle was refused before", m.Name())
	}
	return m, err
}

func names(steps []step) string {
	var s []string
	for _, st := range steps {
		s = append(s, st.m.Name())
	}
	return strings.Join(s, ", ")
}

// next starts fetching the first version planned, when none is fetched.
func (l *lister) next() {
	if l.f != nil {
		return
	}
	lists := make([]string, 0, len(l.plans))
	for list, steps := range l.plans {
		if len(steps) > 0 {
			lists = append(lists, list)
		}
	}
	if len(lists) == 0 {
		return
	}
	slices.Sort(lists)
	s := l.plans[lists[0]][0]
	f, err := openFetch(l.d.Dir, s, l.d.now())
	if err != nil {
		l.d.log.Error("sync: cannot keep a download", "err", err)
		l.plans[lists[0]] = nil
		return
	}
	l.f = f
	l.d.log.Info("sync: fetching list", "version", s.m.Name(), "chunks", len(f.have), "stored", f.stored)
	l.progress()
	l.ask()
	l.finish() // every chunk may be on disk already
}

// ask subscribes to the next missing chunks, up to the window.
func (l *lister) ask() {
	if l.f == nil || l.conn == nil {
		return
	}
	for _, i := range l.f.next(l.d.Opts.Window) {
		if err := l.conn.Subscribe(ChunkTopic(l.f.m.List, l.f.m.Version, l.f.m.Base, i), 1, l.d.onChunk); err != nil {
			l.d.log.Warn("sync: ask for a chunk", "version", l.f.m.Name(), "chunk", i+1, "err", err)
			return // the connection is going: the next one asks again
		}
		l.f.asked[i] = true
	}
	l.f.latest = l.d.now()
}

func (l *lister) unask(i int) {
	if l.conn != nil {
		l.conn.Unsubscribe(ChunkTopic(l.f.m.List, l.f.m.Version, l.f.m.Base, i)) // a subscription left over ends with the connection
	}
	delete(l.f.asked, i)
}

func (l *lister) chunk(m rawMsg) {
	list, version, base, i, err := parseChunkTopic(m.topic)
	f := l.f
	if err != nil || f == nil || f.m.List != list || f.m.Version != version || f.m.Base != base {
		return // a chunk of a version no longer fetched
	}
	if f.asked[i] {
		l.unask(i)
	}
	fresh, err := f.store(i, m.payload, l.d.now())
	if err != nil {
		l.d.log.Warn("sync: chunk refused; it is asked for again later", "err", err)
		return
	}
	if fresh {
		l.progress()
	}
	l.ask()
	l.finish()
}

// stalled asks again for the chunks of a fetch that has brought nothing
// for a while: one dropped (corrupt, or the handler was busy) comes again
// only when asked again.
func (l *lister) stalled() {
	f := l.f
	if f == nil || l.conn == nil || l.d.now().Sub(f.latest) < l.d.Opts.Stall {
		return
	}
	l.d.log.Info("sync: no chunk for a while; asking again", "version", f.m.Name(), "stored", f.stored, "chunks", len(f.have))
	for i := range f.asked {
		l.unask(i)
	}
	l.ask()
}

// finish installs a fetch whose chunks are all stored.
func (l *lister) finish() {
	f := l.f
	if f == nil || !f.complete() {
		return
	}
	for i := range f.asked {
		l.unask(i)
	}
	list := f.m.List
	b, err := f.bundle()
	var v offline.ListVersion
	if err == nil {
		v, err = l.d.Install.InstallBundle(b)
	}
	l.f = nil
	os.RemoveAll(f.dir)
	l.progress()
	if err == nil {
		l.d.log.Info("sync: list installed", "list", v.List, "version", v.Version, "base", v.Base, "ops", v.Ops)
		l.plans[list] = l.plans[list][1:]
		return
	}
	l.d.log.Warn("sync: list refused; the installed list stays", "version", f.m.Name(), "err", err)
	l.plans[list] = nil
	if !slices.ContainsFunc([]error{offline.ErrWrongBase, offline.ErrRollback, offline.ErrStorage}, func(e error) bool { return errors.Is(err, e) }) {
		l.refused[sha256.Sum256(f.signed)] = true // the bundle itself is bad: not again
	}
	l.replan(list) // another install may have moved the list; else nothing is left to try
}

// drop abandons the fetch; its chunks go with the next clean.
func (l *lister) drop() {
	for i := range l.f.asked {
		l.unask(i)
	}
	l.d.log.Info("sync: download abandoned: no longer offered", "version", l.f.m.Name())
	l.f = nil
	l.progress()
}

// clean removes the downloads of list that no plan needs.
func (l *lister) clean(list string) {
	keep := map[string]bool{}
	for _, s := range l.plans[list] {
		keep[fetchDir(l.d.Dir, s.m)] = true
	}
	dirs, _ := filepath.Glob(filepath.Join(listsDir(l.d.Dir), list, "*-*"))
	for _, dir := range dirs {
		if !keep[dir] {
			os.RemoveAll(dir)
		}
	}
}

// cleanOthers removes the downloads of lists the rules no longer consult.
func (l *lister) cleanOthers() {
	dirs, _ := filepath.Glob(filepath.Join(listsDir(l.d.Dir), "*"))
	for _, dir := range dirs {
		if !slices.Contains(l.d.Lists(), filepath.Base(dir)) {
			os.RemoveAll(dir)
		}
	}
}

func (l *lister) progress() {
	if l.f == nil {
		l.d.setProgress(nil)
		return
	}
	f := l.f
	l.d.setProgress([]Download{{List: f.m.List, Version: f.m.Version, Base: f.m.Base, Stored: f.stored,
		Chunks: len(f.have), Started: f.started, Latest: f.latest}})
}
