package readers_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"karta/readers"
)

func TestPresence(t *testing.T) {
	tests := []struct {
		name    string
		act     func(p *readers.Presence)
		wantErr error
		wantWR  error // WaitRemoved with a short deadline
	}{
		{"in the field", func(*readers.Presence) {}, nil, context.DeadlineExceeded},
		{"removed", (*readers.Presence).Remove, readers.ErrCardRemoved, nil},
		{"closed", func(p *readers.Presence) { p.Close() }, readers.ErrClosed, nil},
		{"removed then closed", func(p *readers.Presence) { p.Remove(); p.Close(); p.Close() }, readers.ErrClosed, nil},
		{"removed twice", func(p *readers.Presence) { p.Remove(); p.Remove() }, readers.ErrCardRemoved, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p readers.Presence
			tt.act(&p)
			if err := p.Err(); !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Errorf("Err() = %v, want %v", err, tt.wantErr)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
			defer cancel()
			if err := p.WaitRemoved(ctx); !errors.Is(err, tt.wantWR) || (tt.wantWR == nil) != (err == nil) {
				t.Errorf("WaitRemoved = %v, want %v", err, tt.wantWR)
			}
		})
	}
}

func TestPresenceWakesWaiter(t *testing.T) {
	var p readers.Presence
	done := make(chan error)
	go func() { done <- p.WaitRemoved(context.Background()) }()
	p.Remove()
	if err := <-done; err != nil {
		t.Fatalf("WaitRemoved = %v after Remove", err)
	}
}
