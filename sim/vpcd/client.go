package vpcd

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Responder answers command APDUs the way a card does; every readers.Card
// is one.
type Responder interface {
	Transmit(ctx context.Context, command []byte) ([]byte, error)
}

// Options tune a Client. The zero value is Debian's first vpcd reader, the
// DefaultATR, prompt answers and no logging.
type Options struct {
	Addr string // vpcd's address; "" is DefaultAddr
	ATR  []byte // nil is DefaultATR

	// Faults.
	Delay     time.Duration // every APDU is answered this late: a slow card
	DropAfter int           // after this many APDUs the card leaves mid-exchange (0: never)

	// Connecting: the first retry waits Backoff (default 50 ms), each next
	// one twice as long, up to MaxBackoff (default 2 s).
	Backoff    time.Duration
	MaxBackoff time.Duration

	Log *slog.Logger // what the card does; never APDU data
}

// ErrClosed: the Client was closed.
var ErrClosed = errors.New("vpcd: client closed")

// ErrInserted: Insert was called while a card is in the reader.
var ErrInserted = errors.New("vpcd: a card is already in the reader")

// Client is a virtual card for one vpcd reader. It is safe for concurrent
// use. Each insertion runs on one goroutine the Client owns; Remove and
// Close stop it and wait for it.
type Client struct {
	opts Options
	log  *slog.Logger

	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{} // closed when the current card has left
	closed bool

	answered atomic.Int64
}

// NewClient returns a Client with no card in the reader.
func NewClient(opts Options) *Client {
	if opts.Addr == "" {
		opts.Addr = DefaultAddr
	}
	if opts.ATR == nil {
		opts.ATR = DefaultATR
	}
	opts.Backoff = cmp(opts.Backoff, 50*time.Millisecond)
	opts.MaxBackoff = cmp(opts.MaxBackoff, 2*time.Second)
	log := opts.Log
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Client{opts: opts, log: log}
}

func cmp(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// Insert puts a card in the reader and returns at once: the Client connects
// to vpcd, retrying with backoff until vpcd listens, and answers with
// Responders from present, a fresh one at each power-up. The card stays in
// until Remove or Close, or until it leaves by itself (DropAfter, or a
// Responder failing with readers.ErrCardRemoved); see Removed. When vpcd
// hangs up (pcscd stopped) the Client connects again.
func (c *Client) Insert(present func() Responder) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.closed:
		return ErrClosed
	case c.insertedLocked():
		return ErrInserted
	}
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel, c.done = cancel, make(chan struct{})
	go c.run(ctx, present, c.done)
	return nil
}

func (c *Client) insertedLocked() bool {
	if c.done == nil {
		return false
	}
	select {
	case <-c.done:
		return false
	default:
		return true
	}
}

// Removed returns a channel closed once the card inserted last has left the
// reader, by Remove or by itself. With no card inserted yet it is closed.
func (c *Client) Removed() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done == nil {
		c.done = make(chan struct{})
		close(c.done)
	}
	return c.done
}

// Remove takes the card out: it closes the connection and waits for the
// Client's goroutine to end. Removing an empty reader does nothing.
func (c *Client) Remove() {
	c.mu.Lock()
	cancel, done := c.cancel, c.done
	c.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}

// Close removes the card; Insert fails afterwards. It is idempotent.
func (c *Client) Close() error {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.Remove()
	return nil
}

// Answered returns how many APDUs the Client has answered, in all.
func (c *Client) Answered() int { return int(c.answered.Load()) }
