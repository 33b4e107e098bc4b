package broker

import (
	"testing"
	"time"
)

// TestRetainedKept: retained messages outlive mochi's default day. The
// broker's expiry sweep is driven by the wall clock, so the test asks
// the server what it enforces rather than waiting a day.
func TestRetainedKept(t *testing.T) {
	b, err := Start(Options{Addr: "127.0.0.1:0", Passwords: Passwords{Secret: []byte("retain-test-secret-0123456789abc")}})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Conn().Publish("karta/v1/lists/bus-fleet/manifest", 1, true, []byte("offer")); err != nil {
		t.Fatal(err)
	}
	if got := b.srv.Options.Capabilities.MaximumMessageExpiryInterval; got != 0 {
		t.Fatalf("retained messages are dropped after %v", time.Duration(got)*time.Second)
	}
	if pk, ok := b.srv.Topics.Retained.GetAll()["karta/v1/lists/bus-fleet/manifest"]; !ok || string(pk.Payload) != "offer" {
		t.Fatalf("the offer is not retained: %v", ok)
	}
}
