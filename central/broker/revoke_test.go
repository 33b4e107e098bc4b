package broker_test

import (
	"sync/atomic"
	"testing"
	"time"

	"karta/central/broker"
)

// TestRevokeConnected: a device revoked while connected is dropped by
// Disconnect and refused when it comes back; others stay.
func TestRevokeConnected(t *testing.T) {
	var revoked atomic.Bool
	b, err := broker.Start(broker.Options{Addr: "127.0.0.1:0", Passwords: pw,
		Revoked: func(id string) bool { return id == "bus-0042" && revoked.Load() }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	dev, err := dial(b, "bus-0042", "bus-0042", pw.For("bus-0042"))
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	other, err := dial(b, "bus-0043", "bus-0043", pw.For("bus-0043"))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	revoked.Store(true)
	if !b.Disconnect("bus-0042") || b.Disconnect("bus-0044") {
		t.Fatal("Disconnect: want true for a connected device, false for one never seen")
	}
	select {
	case <-dev.Lost():
	case <-time.After(5 * time.Second):
		t.Fatal("the revoked device stayed connected")
	}
	if c, err := dial(b, "bus-0042", "bus-0042", pw.For("bus-0042")); err == nil {
		c.Close()
		t.Fatal("the revoked device connected again")
	}
	select {
	case <-other.Lost():
		t.Fatal("another device was dropped")
	default:
	}
}
