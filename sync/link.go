package sync

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"karta/offline"
)

// Conn is what the link needs of an MQTT connection: paho in production
// (DialMQTT), an in-memory broker in tests (synctest).
type Conn interface {
	// Publish sends and, for QoS 1, waits for the broker's PUBACK.
	Publish(topic string, qos byte, retained bool, payload []byte) error
	// Subscribe routes messages matching filter to handle, which must not
	// block.
	Subscribe(filter string, qos byte, handle func(topic string, payload []byte)) error
	// Unsubscribe ends a subscription made with exactly filter; messages
	// already on their way may still reach its handler.
	Unsubscribe(filter string) error
	// Lost is closed when the connection drops.
	Lost() <-chan struct{}
	Close()
}

// Dialer connects; the last will it registers is will on willTopic.
type Dialer func(ctx context.Context, willTopic string, will []byte) (Conn, error)

// Outbox is the device's journal as the link sees it.
type Outbox interface {
	Range(from uint64, max int) ([]offline.Tap, error)
	Ack(from, to uint64) (int, error)
}

// Link is a device's link to central: it sends the journal up in batches
// until central acks them, and keeps its retained status current; with a
// Downlink it also takes lists, config and commands (see the package doc).
// The device never waits on it: taps are journaled whether or not it is
// connected.
type Link struct {
	Device string
	Dial   Dialer
	Outbox Outbox
	Status func() Status // the device's state, for the retained status
	Log    *slog.Logger
	Opts   LinkOptions
	// Down, if set, receives lists, config and commands from central.
	Down *Downlink

	once                             sync.Once
	kick, resync, relist, statusKick chan struct{}
	mu                               sync.Mutex
	state                            linkState
}

// linkState is what diagnostics say of the connection.
type linkState struct {
	up       bool
	since    time.Time
	inflight int
	next     uint64
}

// LinkOptions tune the link; zero values get defaults.
type LinkOptions struct {
	Batch       int           // taps per batch; 0: 500
	Window      int           // batches sent and not yet acked; 0: 4
	AckTimeout  time.Duration // resend what is not acked after it; 0: 15s
	StatusEvery time.Duration // 0: 30s
	Poll        time.Duration // look at the journal at least this often; 0: 1s
	MinBackoff  time.Duration // reconnect backoff, doubled up to MaxBackoff, with jitter; 0: 1s
	MaxBackoff  time.Duration // 0: 1m
}

func (o *LinkOptions) defaults() {
	def := func(v *time.Duration, d time.Duration) {
		if *v == 0 {
			*v = d
		}
	}
	if o.Batch == 0 {
		o.Batch = 500
	}
	if o.Window == 0 {
		o.Window = 4
	}
	def(&o.AckTimeout, 15*time.Second)
	def(&o.StatusEvery, 30*time.Second)
	def(&o.Poll, time.Second)
	def(&o.MinBackoff, time.Second)
	def(&o.MaxBackoff, time.Minute)
}

func (l *Link) init() {
	l.once.Do(func() {
		l.kick, l.resync, l.relist, l.statusKick = make(chan struct{}, 1), make(chan struct{}, 1), make(chan struct{}, 1), make(chan struct{}, 1)
	})
}

// Kick tells the link a tap was journaled; it never blocks.
func (l *Link) Kick() {
	l.init()
	poke(l.kick)
}

// resyncNow, relistNow and statusNow ask the connection's loop to send
// the journal again from its first unacked tap (and fetch the list offers
// again), to follow the lists the rules consult, and to publish the status.
func (l *Link) resyncNow() { poke(l.resync) }
func (l *Link) relistNow() { poke(l.relist) }
func (l *Link) statusNow() { poke(l.statusKick) }

func poke(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// Run keeps the link up until ctx ends: connect, serve, and on any failure
// reconnect after a backoff with jitter.
func (l *Link) Run(ctx context.Context) error {
	l.Opts.defaults()
	l.init()
	if l.Down != nil {
		l.Down.init(l.Log)
		done := make(chan struct{})
		go func() { l.Down.run(ctx, l); close(done) }()
		defer func() { <-done }()
	}
	backoff := l.Opts.MinBackoff
	for ctx.Err() == nil {
		err := l.connectAndServe(ctx)
		if ctx.Err() != nil {
			return nil
		}
		l.Log.Warn("sync: link down", "err", err, "retry_in", backoff)
		sleep(ctx, jitter(backoff))
		backoff = min(2*backoff, l.Opts.MaxBackoff)
		if errors.Is(err, errServed) {
			backoff = l.Opts.MinBackoff
		}
	}
	return nil
}

// errServed: the connection worked for a while before it dropped.
var errServed = errors.New("sync: connection lost")

func jitter(d time.Duration) time.Duration {
	return d/2 + time.Duration(rand.Int64N(int64(d)/2+1))
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
