package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"karta/central/store"
	"karta/offline/bundle"
)

// listRow is one version of a list: its snapshot, its deltas from older
// versions, and the devices that say they run it.
type listRow struct {
	List            string
	Version         uint64
	Issued, Expires time.Time
	Expired, Latest bool
	HasSnapshot     bool
	Entries, Chunks int
	SnapshotBytes   int
	Deltas          []listDelta
	Devices         []string
}

type listDelta struct {
	Base       uint64
	Ops, Bytes int
}

// lists is GET /lists: every stored version, newest first per list.
func (s *server) lists(w http.ResponseWriter, r *http.Request, c *call) {
	rows, unknown, err := s.listRows(r.Context())
	if err != nil {
		s.Log.Error("web: lists", "err", err)
		s.fail(w, c, http.StatusInternalServerError, "error.internal")
		return
	}
	s.render(w, c, http.StatusOK, "lists", view{Title: "title.lists", Nav: "lists",
		D: struct {
			Rows    []listRow
			Unknown []string
		}{rows, unknown}})
}

// listRows reads the versions and which devices run each; unknown are
// the "list vN" devices report that the database does not hold.
func (s *server) listRows(ctx context.Context) (rows []listRow, unknown []string, err error) {
	ds, err := s.Store.Devices(ctx)
	if err != nil {
		return nil, nil, err
	}
	running := map[string][]string{} // "list vN" → devices
	for _, d := range ds {
		for _, l := range d.Lists {
			k := fmt.Sprintf("%s v%d", l.List, l.Version)
			running[k] = append(running[k], d.ID)
		}
	}
	names, err := s.Store.ListNames(ctx)
	if err != nil {
		return nil, nil, err
	}
	now := s.now()
	for _, name := range names {
		vs, err := s.Store.ListVersions(ctx, name)
		if err != nil {
			return nil, nil, err
		}
		rows = append(rows, versionRows(vs, now)...)
	}
	for i := range rows {
		k := fmt.Sprintf("%s v%d", rows[i].List, rows[i].Version)
		rows[i].Devices = running[k]
		delete(running, k)
	}
	for k := range running {
		unknown = append(unknown, k)
	}
	slices.Sort(unknown)
	return rows, unknown, nil
}

// versionRows groups one list's stored rows (newest first, a snapshot
// and deltas per version) by version.
func versionRows(vs []store.ListRow, now time.Time) []listRow {
	var rows []listRow
	for _, v := range vs {
		if len(rows) == 0 || rows[len(rows)-1].Version != v.Version {
			rows = append(rows, listRow{List: v.List, Version: v.Version, Issued: v.Issued, Expires: v.Expires,
				Expired: now.After(v.Expires), Latest: len(rows) == 0})
		}
		row := &rows[len(rows)-1]
		size := manifestBytes(v.Signed)
		if v.Base == 0 {
			row.HasSnapshot, row.Entries, row.Chunks, row.SnapshotBytes = true, v.Ops, v.NChunks, size
		} else {
			row.Deltas = append(row.Deltas, listDelta{Base: v.Base, Ops: v.Ops, Bytes: size})
		}
	}
	return rows
}

// manifestBytes is the size of a version's chunks, as its manifest says;
// 0 if it cannot be read.
func manifestBytes(signed []byte) int {
	m, err := bundle.PeekManifest(signed)
	if err != nil {
		return 0
	}
	n := 0
	for _, c := range m.Chunks {
		n += c.Size
	}
	return n
}
