package emv_test

import (
	"bytes"
	"context"
	"testing"

	"karta/readers/emv"
	"karta/readers/readertest"
	"karta/sim"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{"5A082202456789012347", "7006 5F2403271130", "00FF5A0122", "708000", "9F", "BF0C0561034F0100"} {
		f.Add(unhex(f, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		objs, err := emv.Parse(b)
		if err != nil {
			return
		}
		// Whatever parses re-encodes to something that parses the same.
		var again []byte
		for _, o := range objs {
			again = append(again, emv.Encode(o.Tag, o.Value)...)
		}
		objs2, err := emv.Parse(again)
		if err != nil || flat(objs) != flat(objs2) {
			t.Fatalf("re-encoded %X parsed as %s, %v; want %s", again, flat(objs2), err, flat(objs))
		}
	})
}

func FuzzParseDOL(f *testing.F) {
	f.Add(unhex(f, "9F66049F02069F03069F1A0295055F2A029A039C019F3704DF7001"))
	f.Add(unhex(f, "DF0181FF"))
	f.Fuzz(func(t *testing.T, b []byte) {
		dol, err := emv.ParseDOL(b)
		if err != nil {
			return
		}
		data, err := fixedTerminal().FillDOL(dol)
		if err == nil && len(data) > 250 {
			t.Fatalf("filled %d bytes", len(data))
		}
	})
}

func FuzzParseProcessing(f *testing.F) {
	for _, s := range []string{"80061980 08010100", "770A82021980940408010100", "7703820119", "8001FF", "77039403080101"} {
		f.Add(unhex(f, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := emv.ParseProcessing(b)
		if err != nil {
			return
		}
		for _, e := range p.AFL {
			if e.SFI < 1 || e.SFI > 30 || e.First < 1 || e.Last < e.First {
				t.Fatalf("invalid AFL entry accepted: %+v", e)
			}
		}
	})
}

// FuzzRead drives a whole read with a card whose answers come from the
// fuzzer: each answer is a length byte and that many bytes.
func FuzzRead(f *testing.F) {
	for _, c := range sim.Cards() {
		f.Add(recordAnswers(f, c))
	}
	f.Add([]byte{2, 0x61, 0x05, 3, 0x01, 0x90, 0x00})
	r := emv.NewReader(testKey(f), emv.Options{})
	f.Fuzz(func(t *testing.T, script []byte) {
		card := readertest.NewCard(scripted(script))
		id, err := r.Read(context.Background(), card)
		if card.Transmits() > 64 {
			t.Fatalf("%d exchanges", card.Transmits())
		}
		if err == nil && (id.Token == "" || id.PANMasked == "") {
			t.Fatalf("identity without a token: %+v", id)
		}
	})
}

func scripted(script []byte) func([]byte) ([]byte, error) {
	return func([]byte) ([]byte, error) {
		if len(script) == 0 {
			return []byte{0x6A, 0x82}, nil
		}
		n := min(int(script[0]), len(script)-1)
		answer := script[1 : 1+n]
		script = script[1+n:]
		return answer, nil
	}
}

// recordAnswers turns a sim card's read into a fuzz seed.
func recordAnswers(f *testing.F, c *sim.Card) []byte {
	inner := c.Insert()
	var seed bytes.Buffer
	card := readertest.NewCard(func(cmd []byte) ([]byte, error) {
		resp, err := inner.Transmit(context.Background(), cmd)
		if err == nil && len(resp) < 256 {
			seed.WriteByte(byte(len(resp)))
			seed.Write(resp)
		}
		return resp, err
	})
	_, _ = emv.NewReader(testKey(f), emv.Options{}).Read(context.Background(), card) // seeds only
	return seed.Bytes()
}
