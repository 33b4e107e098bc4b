package emv_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"karta/offline/token"
	"karta/readers"
	"karta/readers/emv"
	"karta/readers/readertest"
	"karta/sim"
)

func testKey(t testing.TB) *token.Key {
	t.Helper()
	k, err := token.NewKey("test", []byte("emv-test-secret-0123456789"))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func simCard(t testing.TB, name string) *sim.Card {
	t.Helper()
	c, ok := sim.Lookup(name)
	if !ok {
		t.Fatalf("no sim card %q", name)
	}
	return c
}

// TestFastPathIsThreeExchanges checks the budget and the exchanges
// themselves: SELECT A000000658, GPO with the PDOL filled, READ RECORD 1.
func TestFastPathIsThreeExchanges(t *testing.T) {
	term := fixedTerminal()
	card := simCard(t, "mir-debit").Insert()
	id, err := emv.NewReader(testKey(t), emv.Options{Terminal: &term}).Read(context.Background(), card)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"00A4040005A00000065800",
		"80A8000024832236004000000000000000000000000000064300000000000643261121" + "00C41E570A0000",
		"00B2010C00",
	}
	got := card.Commands()
	if id.APDUs != 3 || len(got) != 3 {
		t.Fatalf("APDUs = %d, commands %X", id.APDUs, got)
	}
	for i, w := range want {
		if !bytes.Equal(got[i], unhex(t, w)) {
			t.Errorf("command %d = %X, want %s", i+1, got[i], w)
		}
	}
}

// TestCoBadgedDirectoryOrder: with no fast path answer, the PPSE order still
// puts Mir first although Maestro has the higher priority.
func TestCoBadgedDirectoryOrder(t *testing.T) {
	c := simCard(t, "mir-maestro")
	inner := c.Insert()
	// Hide the partial-AID answer: some cards only select by full AID.
	card := readertest.NewCard(func(cmd []byte) ([]byte, error) {
		if bytes.Equal(cmd[:5], []byte{0x00, 0xA4, 0x04, 0x00, 0x05}) {
			return []byte{0x6A, 0x82}, nil
		}
		return inner.Transmit(context.Background(), cmd)
	})
	id, err := emv.NewReader(testKey(t), emv.Options{}).Read(context.Background(), card)
	if err != nil {
		t.Fatal(err)
	}
	if id.Scheme != emv.SchemeMir || id.Token != testKey(t).PANToken([]byte(c.Want.PAN)) {
		t.Errorf("co-badged card read as %s %s, want the Mir application", id.Scheme, id.PANMasked)
	}
}

// customGPO shows the GPO step is pluggable: it counts calls and hands over
// to the standard step.
type customGPO struct {
	calls int
	std   emv.StandardGPO
}

func (g *customGPO) ProcessingOptions(ctx context.Context, x emv.Exchanger, app emv.Application) (emv.Processing, error) {
	g.calls++
	return g.std.ProcessingOptions(ctx, x, app)
}

func TestPluggableGPO(t *testing.T) {
	g := &customGPO{std: emv.StandardGPO{Terminal: fixedTerminal()}}
	_, err := emv.NewReader(testKey(t), emv.Options{GPO: g}).Read(context.Background(), simCard(t, "mir-par").Insert())
	if err != nil || g.calls != 1 {
		t.Errorf("read with a custom GPO step: %v, %d calls", err, g.calls)
	}
}

func TestCardRemovedGivesNoIdentity(t *testing.T) {
	for after := 1; after <= 3; after++ {
		card := simCard(t, "mir-debit").Insert()
		card.RemoveAfter = after
		id, err := emv.NewReader(testKey(t), emv.Options{}).Read(context.Background(), card)
		if after < 3 && (!errors.Is(err, readers.ErrCardRemoved) || id.Token != "" || id.Scheme != "") {
			t.Errorf("removed after %d: %+v, %v; want ErrCardRemoved and no identity", after, id, err)
		}
		if after == 3 && err != nil {
			t.Errorf("removed after the third answer: %v; the read had finished", err)
		}
	}
}

func TestCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := emv.NewReader(testKey(t), emv.Options{}).Read(ctx, simCard(t, "mir-debit").Insert())
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// TestHostileCardsAreBounded: cards that answer forever with "more data",
// "wrong length" or nonsense end in an error within the exchange limit.
func TestHostileCardsAreBounded(t *testing.T) {
	tests := []struct {
		name    string
		answer  []byte
		wantErr error
	}{
		{"61xx forever", []byte{0x61, 0x10}, emv.ErrTooManyAPDUs},
		{"6Cxx forever", []byte{0x6C, 0x10}, emv.ErrNoApplication},
		{"garbage FCI", []byte{0x6F, 0x05, 0x84, 0x09, 0x90, 0x00}, emv.ErrMalformed},
		{"empty answer", nil, emv.ErrMalformed},
		{"silent card", []byte{0x6A, 0x82}, emv.ErrNoApplication},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			card := readertest.NewCard(func([]byte) ([]byte, error) { return tt.answer, nil })
			_, err := emv.NewReader(testKey(t), emv.Options{}).Read(context.Background(), card)
			if !errors.Is(err, tt.wantErr) || card.Transmits() > 64 {
				t.Errorf("err = %v after %d exchanges, want %v within 64", err, card.Transmits(), tt.wantErr)
			}
		})
	}
}

func TestReadErrorExplains(t *testing.T) {
	_, err := emv.NewReader(testKey(t), emv.Options{}).Read(context.Background(), simCard(t, "mir-malformed").Insert())
	var re *emv.ReadError
	if !errors.As(err, &re) || !errors.Is(err, emv.ErrNoPAN) || !errors.Is(err, emv.ErrMalformed) {
		t.Fatalf("err = %v, want a *ReadError with ErrNoPAN and ErrMalformed", err)
	}
	msg := err.Error()
	for _, want := range []string{"A0000006582010", "AFL of 3 bytes", "AIDs tried that the card does not have"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
}

func TestSchemeOf(t *testing.T) {
	for aid, want := range map[string]emv.Scheme{
		"A0000006582010": emv.SchemeMir, "A0000006581010": emv.SchemeMir, "A0000000031010": emv.SchemeVisa,
		"A0000000041010": emv.SchemeMastercard, "A0000000043060": emv.SchemeMaestro, "A000000333010101": emv.SchemeUnionPay,
		"A00000002501": emv.SchemeAmex, "A0000000651010": emv.SchemeJCB, "D27600002547410100": emv.SchemeGirocard,
		"A0000000421010": emv.SchemeCB, "F000000001": emv.SchemeUnknown,
	} {
		if got := emv.SchemeOf(unhex(t, aid)); got != want {
			t.Errorf("SchemeOf(%s) = %s, want %s", aid, got, want)
		}
	}
}
