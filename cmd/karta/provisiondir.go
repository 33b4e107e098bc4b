package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"karta/internal/atomicfile"
)

// The device directory karta provision writes:
//
//	agent.toml            the config (relative paths: the directory moves as a whole)
//	token.key             the region's token key (0600)
//	list-public-*.pub     the pinned list key
//	mqtt.password         the embedded broker's password (0600), or
//	device.pem/.key, ca.pem  the device's certificate (key 0600) and the fleet CA
//	data/                 lists.db, journal.db, inbox/
//	provision.json        what was provisioned, and whether it finished
const recordFile = "provision.json"

// record is provision.json: a re-run into the same directory resumes an
// unfinished provisioning of the same id and refuses anything else.
type record struct {
	ID          string    `json:"id"`
	Role        string    `json:"role"`
	Route       string    `json:"route,omitempty"`
	School      string    `json:"school,omitempty"`
	ReplaceFrom string    `json:"replace_from,omitempty"`
	Started     time.Time `json:"started"`
	Finished    time.Time `json:"finished,omitzero"`
}

// deviceDir is the directory being provisioned and what this run found
// there.
type deviceDir struct {
	path    string
	created bool // this run makes it: a failure removes it
	resumed bool // it holds an unfinished provisioning of this id
}

// openDeviceDir checks the directory before anything is written: missing,
// empty, or an unfinished provisioning of id.
func openDeviceDir(path, id string) (deviceDir, error) {
	d := deviceDir{path: path}
	entries, err := os.ReadDir(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		d.created = true
		return d, nil
	case err != nil:
		return d, fmt.Errorf("--dir: %w", err)
	case len(entries) == 0:
		return d, nil
	}
	r, err := readRecord(path)
	switch {
	case err != nil:
		return d, fmt.Errorf("--dir %s is not empty and holds no provisioning: provision into an empty directory (nothing is ever written over)", path)
	case !r.Finished.IsZero():
		return d, fmt.Errorf("--dir %s holds device %s, provisioned %s: provision into an empty directory", path, r.ID, r.Finished.Local().Format(time.DateTime))
	case r.ID != id:
		return d, fmt.Errorf("--dir %s holds the unfinished provisioning of %s: run again with --id %s to finish it, or remove it", path, r.ID, r.ID)
	}
	d.resumed = true
	return d, nil
}

func readRecord(dir string) (record, error) {
	var r record
	b, err := os.ReadFile(filepath.Join(dir, recordFile))
	if err == nil {
		err = json.Unmarshal(b, &r)
	}
	if err == nil && r.ID == "" {
		err = errors.New("no id")
	}
	return r, err
}

func (d deviceDir) writeRecord(r record) error {
	b, _ := json.MarshalIndent(r, "", "  ") // a plain struct always marshals
	return atomicfile.WriteBytes(d.join(recordFile), 0o640, append(b, '\n'))
}

func (d deviceDir) join(name ...string) string {
	return filepath.Join(append([]string{d.path}, name...)...)
}

func (d deviceDir) dataDir() string     { return d.join("data") }
func (d deviceDir) journalPath() string { return d.join("data", "journal.db") }

// hasJournal: the directory holds a journal — a carried-over one, or the
// test tap's. It is never removed: it may hold taps central has not got.
func (d deviceDir) hasJournal() bool {
	_, err := os.Stat(d.journalPath())
	return err == nil
}

// cleanUp takes a failed run's directory back to where it started, unless
// it holds a journal; it says which.
func (d deviceDir) cleanUp() (string, error) {
	if d.hasJournal() {
		return fmt.Sprintf("%s is kept: it holds the device's journal; run the same command again to finish", d.path), nil
	}
	if d.created {
		return fmt.Sprintf("%s removed: run the same command again once the cause is fixed", d.path), os.RemoveAll(d.path)
	}
	entries, err := os.ReadDir(d.path)
	if err != nil {
		return "", err
	}
	var errs []error
	for _, e := range entries {
		errs = append(errs, os.RemoveAll(d.join(e.Name())))
	}
	return fmt.Sprintf("%s emptied: run the same command again once the cause is fixed", d.path), errors.Join(errs...)
}
