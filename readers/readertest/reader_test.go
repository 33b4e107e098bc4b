package readertest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"karta/readers"
	"karta/readers/readertest"
)

func TestReaderWaitCard(t *testing.T) {
	a, b := readertest.NewCard(echo), readertest.NewCard(echo)
	tests := []struct {
		name    string
		prepare func(r *readertest.Reader)
		ctx     func() context.Context
		want    []readers.Card
		wantErr error
	}{
		{name: "in order", prepare: func(r *readertest.Reader) { r.Present(a); r.Present(b) },
			want: []readers.Card{a, b}},
		{name: "unplugged", prepare: func(r *readertest.Reader) { r.Present(a); r.Unplug() },
			wantErr: readers.ErrReaderGone},
		{name: "no card", prepare: func(*readertest.Reader) {}, wantErr: context.DeadlineExceeded},
		{name: "context done", prepare: func(r *readertest.Reader) { r.Present(a) }, ctx: canceled,
			wantErr: context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := readertest.NewReader("fake")
			tt.prepare(r)
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
			defer cancel()
			if tt.ctx != nil {
				ctx = tt.ctx()
			}
			for _, want := range tt.want {
				if got, err := r.WaitCard(ctx); got != want || err != nil {
					t.Fatalf("WaitCard = %v, %v; want %v", got, err, want)
				}
			}
			if tt.wantErr == nil {
				return
			}
			if got, err := r.WaitCard(ctx); got != nil || !errors.Is(err, tt.wantErr) {
				t.Fatalf("WaitCard = %v, %v; want error %v", got, err, tt.wantErr)
			}
		})
	}
}

func TestReaderName(t *testing.T) {
	if got := readertest.NewReader("ACS ACR122U 00 00").Name(); got != "ACS ACR122U 00 00" {
		t.Errorf("Name = %q", got)
	}
}

func TestReaderWakesPending(t *testing.T) {
	tests := []struct {
		name    string
		act     func(r *readertest.Reader, c readers.Card)
		wantErr error
	}{
		{"present", (*readertest.Reader).Present, nil},
		{"unplug", func(r *readertest.Reader, _ readers.Card) { r.Unplug() }, readers.ErrReaderGone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, c := readertest.NewReader("fake"), readertest.NewCard(echo)
			type result struct {
				card readers.Card
				err  error
			}
			done := make(chan result)
			go func() {
				card, err := r.WaitCard(t.Context())
				done <- result{card, err}
			}()
			tt.act(r, c)
			got := <-done
			if !errors.Is(got.err, tt.wantErr) || tt.wantErr == nil && got.card != c {
				t.Fatalf("WaitCard = %v, %v; want error %v", got.card, got.err, tt.wantErr)
			}
		})
	}
}
