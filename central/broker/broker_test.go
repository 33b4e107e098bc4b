package broker_test

import (
	"context"
	"testing"
	"time"

	"karta/central/broker"
	tapsync "karta/sync"
)

var pw = broker.Passwords{Secret: []byte("central-secret-for-tests-0123456")}

func start(t *testing.T) *broker.Broker {
	t.Helper()
	b, err := broker.Start(broker.Options{Addr: "127.0.0.1:0", Passwords: pw, Revoked: func(id string) bool { return id == "bus-0666" }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func dial(b *broker.Broker, id, user, pass string) (tapsync.Conn, error) {
	return tapsync.DialMQTT(tapsync.MQTTOptions{URL: "tcp://" + b.Addr(), ClientID: id, Username: user, Password: pass, Timeout: 3 * time.Second})(context.Background(), "", nil)
}

func TestAuthentication(t *testing.T) {
	b := start(t)
	tests := []struct {
		name, id, user, pass string
		ok                   bool
	}{
		{"right password", "bus-0042", "bus-0042", pw.For("bus-0042"), true},
		{"another device's password", "bus-0042", "bus-0042", pw.For("bus-0043"), false},
		{"username not the client id", "bus-0042", "bus-0043", pw.For("bus-0043"), false},
		{"no password", "bus-0042", "bus-0042", "", false},
		{"client id with a wildcard", "bus+", "bus+", pw.For("bus+"), false},
		{"revoked device", "bus-0666", "bus-0666", pw.For("bus-0666"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := dial(b, tt.id, tt.user, tt.pass)
			if (err == nil) != tt.ok {
				t.Errorf("connect: %v, want ok=%v", err, tt.ok)
			}
			if c != nil {
				c.Close()
			}
		})
	}
}

// TestACL: a device's publish under another device's topics never reaches
// central, and it cannot read another device's acks.
func TestACL(t *testing.T) {
	b := start(t)
	central := b.Conn()
	got := make(chan string, 16)
	if err := central.Subscribe("karta/v1/dev/+/taps", 1, func(topic string, p []byte) { got <- topic + " " + string(p) }); err != nil {
		t.Fatal(err)
	}
	dev, err := dial(b, "bus-0042", "bus-0042", pw.For("bus-0042"))
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	dev.Publish(tapsync.TapsTopic("bus-0043"), 1, false, []byte("forged"))
	select { // the broker drops the forged publish and the offender
	case <-dev.Lost():
	case <-time.After(5 * time.Second):
		t.Fatal("a device publishing another device's taps stayed connected")
	}
	dev, err = dial(b, "bus-0042", "bus-0042", pw.For("bus-0042"))
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	if err := dev.Publish(tapsync.TapsTopic("bus-0042"), 1, false, []byte("own")); err != nil {
		t.Fatal(err)
	}
	// The forged publish was handled before the disconnect, which came
	// before this connection: had it passed, it would be here first.
	select {
	case m := <-got:
		if m != "karta/v1/dev/bus-0042/taps own" {
			t.Fatalf("central got %q first", m)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the device's own taps did not arrive")
	}
	acks := make(chan string, 4)
	dev.Subscribe(tapsync.AckTopic("bus-0043"), 1, func(topic string, _ []byte) { acks <- topic })
	if err := dev.Subscribe(tapsync.AckTopic("bus-0042"), 1, func(topic string, _ []byte) { acks <- topic }); err != nil {
		t.Fatal(err)
	}
	central.Publish(tapsync.AckTopic("bus-0043"), 1, false, []byte("x"))
	central.Publish(tapsync.AckTopic("bus-0042"), 1, false, []byte("x"))
	select {
	case topic := <-acks:
		if topic != tapsync.AckTopic("bus-0042") {
			t.Errorf("the device read %s", topic)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the device's own ack did not arrive")
	}
}
