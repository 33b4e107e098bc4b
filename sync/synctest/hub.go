package synctest

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"sync"

	tapsync "karta/sync"
)

// ErrLost is what a Conn of a Hub returns once its connection is cut.
var ErrLost = errors.New("synctest: connection lost")

// Hub is an MQTT broker in memory, for unit tests of the link: retained
// messages (an empty one clears), the + and # wildcards, wills, and Cut to
// drop every connection at once. Handlers run on the publisher's
// goroutine, as a broker's client would run them on its own: they must not
// block.
type Hub struct {
	mu        sync.Mutex
	retained  map[string][]byte
	conns     map[*hubConn]bool
	delivered map[string]int
}

// NewHub returns an empty hub.
func NewHub() *Hub {
	return &Hub{retained: map[string][]byte{}, conns: map[*hubConn]bool{}, delivered: map[string]int{}}
}

// Dial is a tapsync.Dialer of the hub.
func (h *Hub) Dial(_ context.Context, willTopic string, will []byte) (tapsync.Conn, error) {
	c := &hubConn{h: h, subs: map[string]func(string, []byte){}, lost: make(chan struct{}), willTopic: willTopic, will: will}
	h.mu.Lock()
	h.conns[c] = true
	h.mu.Unlock()
	return c, nil
}

// Conn connects a client without a will: the test's central.
func (h *Hub) Conn() tapsync.Conn {
	c, _ := h.Dial(context.Background(), "", nil)
	return c
}

// Cut drops every connection, as a broker that dies does; the wills are
// published (to no one: every connection is gone) and retained.
func (h *Hub) Cut() {
	h.mu.Lock()
	conns := slices.Collect(maps.Keys(h.conns))
	h.mu.Unlock()
	for _, c := range conns {
		c.drop(true)
	}
}

// Delivered is how many times a message on topic reached a handler.
func (h *Hub) Delivered(topic string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.delivered[topic]
}

// Retained returns the retained message of topic, nil if none.
func (h *Hub) Retained(topic string) []byte {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.retained[topic]
}

type delivery struct {
	handle func(string, []byte)
	topic  string
}

func (h *Hub) publish(topic string, retained bool, payload []byte) {
	payload = slices.Clone(payload)
	h.mu.Lock()
	if retained && len(payload) == 0 {
		delete(h.retained, topic)
	} else if retained {
		h.retained[topic] = payload
	}
	var ds []delivery
	for c := range h.conns {
		for filter, handle := range c.subs {
			if Match(filter, topic) {
				ds = append(ds, delivery{handle, topic})
			}
		}
	}
	h.mu.Unlock()
	h.deliver(ds, payload)
}

func (h *Hub) deliver(ds []delivery, payload []byte) {
	for _, d := range ds {
		h.mu.Lock()
		h.delivered[d.topic]++
		h.mu.Unlock()
		d.handle(d.topic, payload)
	}
}

// Match reports whether an MQTT topic filter matches topic.
func Match(filter, topic string) bool {
	f, t := strings.Split(filter, "/"), strings.Split(topic, "/")
	for i, part := range f {
		switch {
		case part == "#":
			return true
		case i >= len(t):
			return false
		case part != "+" && part != t[i]:
			return false
		}
	}
	return len(f) == len(t)
}

type hubConn struct {
	h         *Hub
	subs      map[string]func(string, []byte) // guarded by h.mu
	lost      chan struct{}
	once      sync.Once
	willTopic string
	will      []byte
}

func (c *hubConn) alive() bool {
	select {
	case <-c.lost:
		return false
	default:
		return true
	}
}

func (c *hubConn) Publish(topic string, _ byte, retained bool, payload []byte) error {
	if !c.alive() {
		return ErrLost
	}
	c.h.publish(topic, retained, payload)
	return nil
}

// Subscribe routes matching messages to handle, the retained ones first.
func (c *hubConn) Subscribe(filter string, _ byte, handle func(string, []byte)) error {
	if !c.alive() {
		return ErrLost
	}
	c.h.mu.Lock()
	c.subs[filter] = handle
	var ds []delivery
	var payloads [][]byte
	for _, topic := range slices.Sorted(maps.Keys(c.h.retained)) {
		if Match(filter, topic) {
			ds, payloads = append(ds, delivery{handle, topic}), append(payloads, c.h.retained[topic])
		}
	}
	c.h.mu.Unlock()
	for i := range ds {
		c.h.deliver(ds[i:i+1], payloads[i])
	}
	return nil
}

func (c *hubConn) Unsubscribe(filter string) error {
	if !c.alive() {
		return ErrLost
	}
	c.h.mu.Lock()
	delete(c.subs, filter)
	c.h.mu.Unlock()
	return nil
}

func (c *hubConn) Lost() <-chan struct{} { return c.lost }

// Close is a clean disconnect: no will.
func (c *hubConn) Close() { c.drop(false) }

func (c *hubConn) drop(will bool) {
	c.once.Do(func() {
		c.h.mu.Lock()
		delete(c.h.conns, c)
		c.h.mu.Unlock()
		close(c.lost)
		if will && c.willTopic != "" {
			c.h.publish(c.willTopic, true, c.will)
		}
	})
}

var _ tapsync.Conn = (*hubConn)(nil)
