package sync

import (
	"context"
	"crypto/tls"
	"fmt"
	"sync"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
)

// MQTTOptions say how to reach the broker.
type MQTTOptions struct {
	URL      string // tcp://host:1883, ssl://host:8883
	ClientID string // the device id: the broker binds it to the identity
	Username string
	Password string
	TLS      *tls.Config // client certificate for mTLS brokers
	Timeout  time.Duration
}

// DialMQTT returns a Dialer over paho. paho's own reconnect is off and its
// store is memory: the link owns reconnects, and delivery rests on the
// journal and acks, not on the broker's or paho's state.
func DialMQTT(o MQTTOptions) Dialer {
	if o.Timeout == 0 {
		o.Timeout = 10 * time.Second
	}
	return func(ctx context.Context, willTopic string, will []byte) (Conn, error) {
		c := &pahoConn{lost: make(chan struct{}), timeout: o.Timeout}
		opts := mqtt.NewClientOptions().AddBroker(o.URL).SetClientID(o.ClientID).
			SetUsername(o.Username).SetPassword(o.Password).SetTLSConfig(o.TLS).
			SetCleanSession(true).SetAutoReconnect(false).SetConnectRetry(false).
			SetConnectTimeout(o.Timeout).SetWriteTimeout(o.Timeout).SetOrderMatters(false).
			SetConnectionLostHandler(func(mqtt.Client, error) { c.markLost() })
		if willTopic != "" {
			opts.SetBinaryWill(willTopic, will, 1, true)
		}
		c.client = mqtt.NewClient(opts)
		if err := c.wait(ctx, c.client.Connect()); err != nil {
			return nil, fmt.Errorf("sync: mqtt connect %s: %w", o.URL, err)
		}
		return c, nil
	}
}

type pahoConn struct {
	client  mqtt.Client
	timeout time.Duration
	once    sync.Once
	lost    chan struct{}
}

func (c *pahoConn) markLost() { c.once.Do(func() { close(c.lost) }) }

func (c *pahoConn) Lost() <-chan struct{} { return c.lost }

func (c *pahoConn) Publish(topic string, qos byte, retained bool, payload []byte) error {
	return c.wait(context.Background(), c.client.Publish(topic, qos, retained, payload))
}

func (c *pahoConn) Subscribe(filter string, qos byte, handle func(string, []byte)) error {
	t := c.client.Subscribe(filter, qos, func(_ mqtt.Client, m mqtt.Message) { handle(m.Topic(), m.Payload()) })
	return c.wait(context.Background(), t)
}

func (c *pahoConn) Unsubscribe(filter string) error {
	return c.wait(context.Background(), c.client.Unsubscribe(filter))
}

func (c *pahoConn) Close() {
	c.client.Disconnect(250)
	c.markLost()
}

// wait waits for a paho token within the timeout or ctx.
func (c *pahoConn) wait(ctx context.Context, t mqtt.Token) error {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	select {
	case <-t.Done():
		return t.Error()
	case <-ctx.Done():
		return fmt.Errorf("sync: mqtt: %w", ctx.Err())
	}
}
