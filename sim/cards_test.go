package sim_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"karta/offline/token"
	"karta/readers/emv"
	"karta/sim"
)

func testKey(t testing.TB) *token.Key {
	t.Helper()
	k, err := token.NewKey("test", []byte("sim-test-secret-0123456789"))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestCatalogue reads every virtual card and checks it against its Want.
func TestCatalogue(t *testing.T) {
	key := testKey(t)
	r := emv.NewReader(key, emv.Options{})
	for _, c := range sim.Cards() {
		t.Run(c.Name, func(t *testing.T) {
			id, err := r.Read(context.Background(), c.Insert())
			checkReading(t, key, c.Want, id, err)
		})
	}
}

func checkReading(t *testing.T, key *token.Key, want sim.Want, id emv.Identity, err error) {
	t.Helper()
	if want.Err != nil {
		if !errors.Is(err, want.Err) {
			t.Fatalf("err = %v, want %v", err, want.Err)
		}
		if id.Token != "" {
			t.Errorf("failed read returned an identity with token %q", id.Token)
		}
		return
	}
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	if got, w := id.Token, key.PANToken([]byte(want.PAN)); got != w {
		t.Errorf("token = %q, want the token of the card's PAN %q", got, w)
	}
	if id.Scheme != want.Scheme || id.Expiry != want.Expiry || id.PSN != want.PSN || id.APDUs != want.APDUs {
		t.Errorf("got scheme %s expiry %q psn %q apdus %d; want %s %q %q %d",
			id.Scheme, id.Expiry, id.PSN, id.APDUs, want.Scheme, want.Expiry, want.PSN, want.APDUs)
	}
	if id.PANMasked != emv.Mask(want.PAN) {
		t.Errorf("masked %q, want %q", id.PANMasked, emv.Mask(want.PAN))
	}
	if id.PARPresent != (want.PAR != "") || want.PAR != "" && id.PARToken != key.PARToken([]byte(want.PAR)) {
		t.Errorf("PAR present %v token %q; want PAR %q", id.PARPresent, id.PARToken, want.PAR)
	}
}

func TestExpiredCard(t *testing.T) {
	c, ok := sim.Lookup("mir-expired")
	if !ok {
		t.Fatal("mir-expired missing from the catalogue")
	}
	id, err := emv.NewReader(testKey(t), emv.Options{}).Read(context.Background(), c.Insert())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	if !id.Expired(now) {
		t.Errorf("card with expiry %s not expired at %v", id.Expiry, now)
	}
}

// TestMirPayLinksToPlastic: the phone and the plastic share a PAR, so their
// PAR tokens match while their PAN tokens differ.
func TestMirPayLinksToPlastic(t *testing.T) {
	r := emv.NewReader(testKey(t), emv.Options{})
	read := func(name string) emv.Identity {
		c, _ := sim.Lookup(name)
		id, err := r.Read(context.Background(), c.Insert())
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return id
	}
	plastic, phone := read("mir-par"), read("mir-pay")
	if plastic.PARToken == "" || plastic.PARToken != phone.PARToken || plastic.Token == phone.Token {
		t.Errorf("plastic %+v and phone %+v should share the PAR token only", plastic, phone)
	}
}
