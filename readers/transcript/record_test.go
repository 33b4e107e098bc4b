package transcript_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"

	"karta/readers"
	"karta/readers/readertest"
	"karta/readers/transcript"
)

func TestRecordThenReplay(t *testing.T) {
	boom := errors.New("boom")
	fake := readertest.NewCard(func(cmd []byte) ([]byte, error) {
		if cmd[1] == 0x84 { // GET CHALLENGE fails: not recorded
			return nil, boom
		}
		return append([]byte{cmd[3]}, 0x90, 0x00), nil
	})
	rec := transcript.Record(fake)
	commands := [][]byte{{0x00, 0xB2, 0x01, 0x0C, 0x00}, {0x00, 0x84, 0x00, 0x00, 0x08}, {0x00, 0xB2, 0x01, 0x14, 0x00}}
	for _, cmd := range commands {
		rec.Transmit(t.Context(), cmd)
	}
	commands[0][3] = 0xFF // the recorder keeps its own copy
	tr := rec.Transcript()
	if len(tr.Exchanges) != 2 || tr.Exchanges[0].Command[3] != 0x0C {
		t.Fatalf("recorded %+v; want the two successful exchanges", tr.Exchanges)
	}
	replay := transcript.NewCard(mustParse(t, string(rewrite(t, tr))))
	for _, want := range []string{"149000", "0C9000"} {
		cmd := "00B201" + want[:2] + "00"
		if got := transmit(t, replay, cmd); !bytes.Equal(got, mustHex(t, want)) {
			t.Errorf("replayed %s = %X; want %s", cmd, got, want)
		}
	}
}

func TestRecorderPassesThrough(t *testing.T) {
	fake := readertest.NewCard(nil)
	rec := transcript.Record(fake)
	fake.Remove()
	if err := rec.WaitRemoved(t.Context()); err != nil {
		t.Errorf("WaitRemoved = %v", err)
	}
	if _, err := rec.Transmit(t.Context(), []byte{0x00, 0xB2, 0x01, 0x0C}); !errors.Is(err, readers.ErrCardRemoved) {
		t.Errorf("Transmit after removal = %v; want ErrCardRemoved", err)
	}
	if err := rec.Close(); err != nil {
		t.Errorf("Close = %v", err)
	}
	if _, err := fake.Transmit(t.Context(), []byte{0x00, 0xB2, 0x01, 0x0C}); !errors.Is(err, readers.ErrClosed) {
		t.Errorf("underlying card not closed: Transmit = %v", err)
	}
	if n := len(rec.Transcript().Exchanges); n != 0 {
		t.Errorf("recorded %d exchanges; want 0", n)
	}
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
