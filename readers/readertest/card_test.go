package readertest_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"karta/readers"
	"karta/readers/readertest"
)

var selectPPSE = []byte{0x00, 0xA4, 0x04, 0x00, 0x02, 0x32, 0x50, 0x00}

func echo(cmd []byte) ([]byte, error) { return append(cmd, 0x90, 0x00), nil }

func TestCardTransmit(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name    string
		card    *readertest.Card
		prepare func(c *readertest.Card)
		ctx     func() context.Context
		want    []byte
		wantErr error
	}{
		{name: "answers through Respond", card: readertest.NewCard(echo),
			want: append(bytes.Clone(selectPPSE), 0x90, 0x00)},
		{name: "nil Respond answers 9000", card: &readertest.Card{}, want: []byte{0x90, 0x00}},
		{name: "Respond error", card: readertest.NewCard(func([]byte) ([]byte, error) { return nil, boom }),
			wantErr: boom},
		{name: "closed", card: readertest.NewCard(echo),
			prepare: func(c *readertest.Card) { c.Close() }, wantErr: readers.ErrClosed},
		{name: "removed", card: readertest.NewCard(echo),
			prepare: func(c *readertest.Card) { c.Remove() }, wantErr: readers.ErrCardRemoved},
		{name: "closed wins over removed", card: readertest.NewCard(echo),
			prepare: func(c *readertest.Card) { c.Remove(); c.Close() }, wantErr: readers.ErrClosed},
		{name: "context done", card: readertest.NewCard(echo), ctx: canceled, wantErr: context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.prepare != nil {
				tt.prepare(tt.card)
			}
			ctx := t.Context()
			if tt.ctx != nil {
				ctx = tt.ctx()
			}
			got, err := tt.card.Transmit(ctx, selectPPSE)
			if !errors.Is(err, tt.wantErr) || !bytes.Equal(got, tt.want) {
				t.Fatalf("Transmit = %X, %v; want %X, %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func canceled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

func TestCardRemoveAfter(t *testing.T) {
	for _, n := range []int{1, 2, 5} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			c := readertest.NewCard(echo)
			c.RemoveAfter = n
			for i := range n {
				if _, err := c.Transmit(t.Context(), []byte{0x00, 0xB2, byte(i), 0x0C}); err != nil {
					t.Fatalf("Transmit %d: %v", i, err)
				}
			}
			if _, err := c.Transmit(t.Context(), selectPPSE); !errors.Is(err, readers.ErrCardRemoved) {
				t.Fatalf("Transmit after %d = %v; want ErrCardRemoved", n, err)
			}
			if err := c.WaitRemoved(t.Context()); err != nil {
				t.Fatalf("WaitRemoved = %v", err)
			}
			if got := c.Transmits(); got != n {
				t.Fatalf("Transmits = %d; want %d", got, n)
			}
		})
	}
}

func TestCardCopies(t *testing.T) {
	resp := []byte{0x6F, 0x00, 0x90, 0x00}
	c := readertest.NewCard(func([]byte) ([]byte, error) { return resp, nil })
	cmd := bytes.Clone(selectPPSE)
	got, err := c.Transmit(t.Context(), cmd)
	if err != nil {
		t.Fatal(err)
	}
	got[0], cmd[0] = 0xFF, 0xFF
	if resp[0] != 0x6F {
		t.Errorf("caller's write to the response reached Respond's slice")
	}
	c.Commands()[0][1] = 0xFF
	if cmds := c.Commands(); len(cmds) != 1 || !bytes.Equal(cmds[0], selectPPSE) {
		t.Errorf("Commands = %X; want [%X]", cmds, selectPPSE)
	}
}

func TestCardWaitRemoved(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(c *readertest.Card)
		want    error
	}{
		{"removed", (*readertest.Card).Remove, nil},
		{"closed", func(c *readertest.Card) { c.Close() }, nil},
		{"still there", func(*readertest.Card) {}, context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := readertest.NewCard(echo)
			tt.prepare(c)
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
			defer cancel()
			if err := c.WaitRemoved(ctx); !errors.Is(err, tt.want) {
				t.Fatalf("WaitRemoved = %v; want %v", err, tt.want)
			}
		})
	}
}

func TestCardRemoveUnblocksWaitRemoved(t *testing.T) {
	c := readertest.NewCard(echo)
	done := make(chan error)
	go func() { done <- c.WaitRemoved(t.Context()) }()
	c.Remove()
	c.Remove() // idempotent
	if err := <-done; err != nil {
		t.Fatalf("WaitRemoved = %v", err)
	}
}

func TestCardCloseIdempotent(t *testing.T) {
	c := readertest.NewCard(echo)
	for i := range 3 {
		if err := c.Close(); err != nil {
			t.Fatalf("Close #%d = %v", i, err)
		}
	}
}

func TestCardConcurrent(t *testing.T) {
	const workers, each, limit = 8, 20, 100
	c := readertest.NewCard(echo)
	c.RemoveAfter = limit
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range each {
				c.Transmit(t.Context(), selectPPSE)
			}
		})
	}
	wg.Wait()
	if got := c.Transmits(); got != limit {
		t.Errorf("Transmits = %d; want %d", got, limit)
	}
	if got := len(c.Commands()); got != limit {
		t.Errorf("len(Commands) = %d; want %d", got, limit)
	}
}
