package broker

import (
	"sync"
	"sync/atomic"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"

	tapsync "karta/sync"
)

// Conn is central's connection through the inline client: a tapsync.Conn
// without a network.
func (b *Broker) Conn() tapsync.Conn { return &inline{b: b, lost: make(chan struct{})} }

type inline struct {
	b    *Broker
	once sync.Once
	lost chan struct{}
	mu   sync.Mutex
	ids  map[string]int // filter → the subscription id it was made with
}

var subID atomic.Int32

func (c *inline) Publish(topic string, qos byte, retained bool, payload []byte) error {
	return c.b.srv.Publish(topic, payload, retained, qos)
}

func (c *inline) Subscribe(filter string, _ byte, handle func(string, []byte)) error {
	id := int(subID.Add(1))
	c.mu.Lock()
	if c.ids == nil {
		c.ids = map[string]int{}
	}
	c.ids[filter] = id
	c.mu.Unlock()
	return c.b.srv.Subscribe(filter, id, func(_ *mqtt.Client, _ packets.Subscription, pk packets.Packet) {
		handle(pk.TopicName, pk.Payload)
	})
}

func (c *inline) Unsubscribe(filter string) error {
	c.mu.Lock()
	id, ok := c.ids[filter]
	delete(c.ids, filter)
	c.mu.Unlock()
	if !ok {
		return nil
	}
	return c.b.srv.Unsubscribe(filter, id)
}

func (c *inline) Lost() <-chan struct{} { return c.lost }

func (c *inline) Close() { c.once.Do(func() { close(c.lost) }) }
