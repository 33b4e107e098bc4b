package bundle_test

import (
	"errors"
	"testing"

	"karta/offline/bundle"
)

func TestKeyRingVerify(t *testing.T) {
	k1, _ := bundle.NewSigningKey("k1", make([]byte, 32))
	other, _ := bundle.NewSigningKey("k1", append(make([]byte, 31), 1))
	ring, err := bundle.NewKeyRing(k1.Public())
	if err != nil {
		t.Fatal(err)
	}
	msg := []byte(`{"v":1}`)
	tests := []struct {
		name string
		id   string
		msg  []byte
		sig  []byte
		want error
	}{
		{"good", "k1", msg, k1.Sign(msg), nil},
		{"unknown key", "k2", msg, k1.Sign(msg), bundle.ErrUnknownKey},
		{"other key under the id", "k1", msg, other.Sign(msg), bundle.ErrBadSignature},
		{"changed message", "k1", []byte(`{"v":2}`), k1.Sign(msg), bundle.ErrBadSignature},
		{"short signature", "k1", msg, k1.Sign(msg)[:10], bundle.ErrBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ring.Verify(tt.id, tt.msg, tt.sig)
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
}
