package fleet

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"sync/atomic"
	"time"

	tapsync "karta/sync"
)

// Options describe a fleet and how it runs. Zero values get the defaults
// in brackets.
type Options struct {
	Devices int
	Prefix  string   // device ids are {Prefix}-{role}-{n}, n from 1 ["sim"]
	Roles   []string // devices take them in turn [bus, turnstile, canteen]
	// Dial returns the dialer of a device: its client id and credentials
	// (DialMQTT). Required.
	Dial func(device string) tapsync.Dialer

	Journal string // JournalMemory or JournalBbolt [memory]
	Dir     string // where bbolt journals live (one directory per device)
	MaxTaps int    // unacked taps a journal holds before it refuses [500,000]
	Backlog int    // taps each journal holds before the links start

	Rate     float64       // taps per second per device; 0: no tapping
	Jitter   float64       // spread of the interval between taps, 0..1
	Duration time.Duration // tapping ends after it...
	Taps     int           // ...or when each device made this many

	Stagger     time.Duration // links start within it [1s]
	OutageEvery time.Duration // 0: no outages
	OutageFor   time.Duration
	OutageShare float64 // share of the devices an outage cuts [0.2]

	DrainTimeout  time.Duration // after tapping, wait this long at most for the backlogs [2m]
	ProgressEvery time.Duration // [5s]
	Progress      func(Progress)

	// Link tunes every device's link; zero fields get the link's defaults
	// except [Poll 100ms, MinBackoff 250ms, MaxBackoff 5s], so that
	// devices back from an outage reconnect within seconds.
	Link tapsync.LinkOptions
	// Downlink, if set, gives a device its downlink (lists, config,
	// commands): its own list store and install path.
	Downlink func(d *Device) *tapsync.Downlink
	Seed     uint64
	Log      *slog.Logger
}

// Errors of New.
var ErrOptions = errors.New("fleet: bad options")

func (o *Options) check() error {
	switch {
	case o.Devices <= 0:
		return fmt.Errorf("%w: %d devices", ErrOptions, o.Devices)
	case o.Dial == nil:
		return fmt.Errorf("%w: no dialer", ErrOptions)
	case o.Rate < 0 || o.Jitter < 0 || o.Jitter > 1:
		return fmt.Errorf("%w: rate %g, jitter %g (0..1)", ErrOptions, o.Rate, o.Jitter)
	case o.Rate > 0 && o.Duration <= 0 && o.Taps <= 0:
		return fmt.Errorf("%w: tapping needs a duration or a tap count to end", ErrOptions)
	case (o.OutageEvery > 0) != (o.OutageFor > 0) || o.OutageShare < 0 || o.OutageShare > 1:
		return fmt.Errorf("%w: outages need both every and for, and a share of 0..1", ErrOptions)
	case o.Journal == JournalBbolt && o.Dir == "":
		return fmt.Errorf("%w: bbolt journals need a directory", ErrOptions)
	}
	for _, r := range o.Roles {
		if !ValidRole(r) {
			return fmt.Errorf("%w: role %q (bus, turnstile, canteen)", ErrOptions, r)
		}
	}
	return nil
}

func (o *Options) defaults() {
	def := func(v *time.Duration, d time.Duration) {
		if *v == 0 {
			*v = d
		}
	}
	if o.Prefix == "" {
		o.Prefix = "sim"
	}
	if len(o.Roles) == 0 {
		o.Roles = []string{RoleBus, RoleTurnstile, RoleCanteen}
	}
	if o.OutageShare == 0 {
		o.OutageShare = 0.2
	}
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	def(&o.Stagger, time.Second)
	def(&o.DrainTimeout, 2*time.Minute)
	def(&o.ProgressEvery, 5*time.Second)
	def(&o.Link.Poll, 100*time.Millisecond)
	def(&o.Link.MinBackoff, 250*time.Millisecond)
	def(&o.Link.MaxBackoff, 5*time.Second)
}

// Fleet is a set of simulated devices; it runs once.
type Fleet struct {
	opts    Options
	devices []*Device
	total   counters

	connected, cut, outages, maxBacklog atomic.Int64
	started                             atomic.Int64 // Run's start, unix ns
}

// New opens the devices' journals and fills each with Options.Backlog
// taps.
func New(o Options) (*Fleet, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	o.defaults()
	f := &Fleet{opts: o}
	r := rand.New(rand.NewPCG(o.Seed, 0))
	for i := range o.Devices {
		d, err := f.newDevice(i, r)
		if err != nil {
			f.close()
			return nil, err
		}
		f.devices = append(f.devices, d)
	}
	return f, nil
}

func (f *Fleet) newDevice(i int, r *rand.Rand) (*Device, error) {
	o := &f.opts
	role := o.Roles[i%len(o.Roles)]
	id := ID(o.Prefix, role, i+1)
	if !tapsync.ValidDeviceID(id) {
		return nil, fmt.Errorf("%w: device id %q (a-z, 0-9, -; at most 64)", ErrOptions, id)
	}
	j, err := openJournal(o.Journal, o.Dir, id, o.MaxTaps)
	if err != nil {
		return nil, err
	}
	d := &Device{ID: id, Role: role, index: i, journal: j, fleet: &f.total,
		gate: &gate{dial: o.Dial(id), connected: &f.connected}}
	// A bbolt journal may hold taps of an earlier run: they count as
	// journaled, so that backlog = journaled − acked holds.
	d.own.journaled.Add(int64(j.Backlog()))
	d.fleet.journaled.Add(int64(j.Backlog()))
	d.link = &tapsync.Link{Device: id, Dial: d.gate.Dial, Outbox: d, Status: d.status, Log: o.Log, Opts: o.Link}
	if o.Downlink != nil {
		d.link.Down = o.Downlink(d)
	}
	// The backlog is what the device journaled before: one tap every
	// backlogEvery up to now.
	now := time.Now()
	for k := range o.Backlog {
		if err := d.tap(now.Add(-time.Duration(o.Backlog-k)*backlogEvery), r); err != nil {
			j.Close()
			return nil, fmt.Errorf("fleet: fill the backlog of %s: %w", id, err)
		}
	}
	return d, nil
}

// backlogEvery is the time between two taps of a prefilled backlog: a
// busy bus door.
const backlogEvery = 5 * time.Second

// ID is the id of the fleet's nth device (from 1), of role.
func ID(prefix, role string, n int) string { return fmt.Sprintf("%s-%s-%05d", prefix, role, n) }

// Devices are the fleet's devices, in id order.
func (f *Fleet) Devices() []*Device { return f.devices }

func (f *Fleet) close() error {
	var errs []error
	for _, d := range f.devices {
		if err := d.journal.Close(); err != nil {
			errs = append(errs, fmt.Errorf("fleet: close the journal of %s: %w", d.ID, err))
		}
	}
	return errors.Join(errs...)
}
