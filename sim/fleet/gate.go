package fleet

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	tapsync "karta/sync"
)

// errCut is what a device's dialer says during an outage.
var errCut = errors.New("fleet: link cut (simulated outage)")

// gate wraps a device's dialer so that an outage can close its connection
// and refuse new ones until the outage ends. It counts the fleet's
// connected devices.
type gate struct {
	dial      tapsync.Dialer
	connected *atomic.Int64

	mu   sync.Mutex
	cut  bool
	conn *gatedConn
}

func (g *gate) Dial(ctx context.Context, willTopic string, will []byte) (tapsync.Conn, error) {
	if g.isCut() {
		return nil, errCut
	}
	c, err := g.dial(ctx, willTopic, will)
	if err != nil {
		return nil, err
	}
	gc := &gatedConn{Conn: c, g: g}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.cut {
		c.Close()
		return nil, errCut
	}
	g.conn = gc
	g.connected.Add(1)
	return gc, nil
}

func (g *gate) isCut() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.cut
}

// Cut starts an outage: the connection, if any, is closed.
func (g *gate) Cut() {
	g.mu.Lock()
	g.cut = true
	c := g.conn
	g.mu.Unlock()
	if c != nil {
		c.Close()
	}
}

// Restore ends the outage; the link reconnects after its backoff.
func (g *gate) Restore() {
	g.mu.Lock()
	g.cut = false
	g.mu.Unlock()
}

// gatedConn is a connection the gate can close; Close is idempotent.
type gatedConn struct {
	tapsync.Conn
	g    *gate
	once sync.Once
}

func (c *gatedConn) Close() {
	c.once.Do(func() {
		c.Conn.Close()
		c.g.connected.Add(-1)
		c.g.mu.Lock()
		if c.g.conn == c {
			c.g.conn = nil
		}
		c.g.mu.Unlock()
	})
}
