package leaktest_test

import (
	"testing"
	"time"

	"karta/internal/leaktest"
)

func park(stop chan struct{}) { <-stop }

func TestGoroutines(t *testing.T) {
	stop := make(chan struct{})
	go park(stop)
	time.Sleep(time.Millisecond) // let it start; polling below decides
	deadline := time.Now().Add(time.Second)
	for len(leaktest.Goroutines("leaktest_test.park")) != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the parked goroutine was not found")
		}
		time.Sleep(time.Millisecond)
	}
	close(stop)
	for len(leaktest.Goroutines("leaktest_test.park")) != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the stopped goroutine is still listed")
		}
		time.Sleep(time.Millisecond)
	}
}
