package transcript_test

import (
	"context"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"karta/readers"
	"karta/readers/transcript"
)

// replayTranscript exercises every matching rule; each response names its
// exchange so a test can tell which one answered.
const replayTranscript = `
# PPSE, then a card application by its full AID
C: 00A404000E325041592E5359532E444446303100
R: 01 9000
C: 00A4040007A000000003101000
R: 02 9000
C: 80A80000048302112200
R: 03 9000
C: 00C0000033
R: 04 9000
C: 00B2010C00
R: 05 9000
C: 00B2010C00
R: 06 9000
C: 80AE800005000000001000
R: 07 9000
C: 80CA9F1700
R: 08 9000
C: 00A4000C02
R: 09 9000
`

func TestCardReplay(t *testing.T) {
	tests := []struct {
		name     string
		commands []string // sent in order; the last one's answer is checked
		want     string
	}{
		{"exact SELECT", []string{"00A404000E325041592E5359532E444446303100"}, "019000"},
		{"SELECT with a partial AID", []string{"00A4040005A000000003"}, "029000"},
		{"SELECT with a longer AID", []string{"00A4040008A00000000310109900"}, "029000"},
		{"SELECT other P2", []string{"00A4040207A000000003101000"}, "6A82"},
		{"SELECT unknown AID", []string{"00A4040007A000000004101000"}, "6A82"},
		{"SELECT used up", []string{"00A4040005A000000003", "00A4040005A000000003"}, "6A82"},
		{"GPO with other data", []string{"80A80000048302998800"}, "039000"},
		{"GPO without data", []string{"80A80000"}, "039000"},
		{"GPO other P1", []string{"80A80100048302112200"}, "6D00"},
		{"GENERATE AC with other data", []string{"80AE80000300000000"}, "079000"},
		{"GENERATE AC other P1", []string{"80AE400005000000001000"}, "6D00"},
		{"GET RESPONSE other length", []string{"00C0000010"}, "049000"},
		{"GET RESPONSE other CLA and P1 P2", []string{"80C0010200"}, "049000"},
		{"Le differs", []string{"00B2010C10"}, "059000"},
		{"Le absent", []string{"00B2010C"}, "059000"},
		{"used once, in order", []string{"00B2010C00", "00B2010C00"}, "069000"},
		{"all used", []string{"00B2010C00", "00B2010C00", "00B2010C00"}, "6D00"},
		{"other record", []string{"00B2020C00"}, "6D00"},
		{"other CLA", []string{"00CA9F1700"}, "6D00"},
		{"data mismatch", []string{"80CA9F3600"}, "6D00"},
		{"case 3 with data", []string{"00A4000C02"}, "099000"},
		{"malformed: Lc too long", []string{"00B2010C05AA"}, "6D00"},
		{"malformed: too short", []string{"00"}, "6D00"},
		{"malformed: empty", []string{""}, "6D00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			card := transcript.NewCard(mustParse(t, replayTranscript))
			var got []byte
			for _, cmd := range tt.commands {
				got = transmit(t, card, cmd)
			}
			if hex.EncodeToString(got) != strings.ToLower(tt.want) {
				t.Fatalf("answer = %X; want %s", got, tt.want)
			}
		})
	}
}

func TestCardAny(t *testing.T) {
	card := transcript.NewCard(mustParse(t, "C: 00B2010C00\nR: 019000\nC: *\nR: 029000\nC: *\nR: 6A82\n"))
	for _, step := range []struct{ cmd, want string }{
		{"00A4040005A00000065800", "6A82"}, // a probe before the C: * is reached
		{"00B2010C00", "019000"},           // the exact exchange comes first in the file
		{"00B2010C00", "029000"},           // then the first C: * takes anything
		{"00A4040002325000", "6A82"},
		{"00A4040002325000", "6A82"}, // nothing left: unmatched SELECT
		{"80A8000002830000", "6D00"},
		{"0084000008", "6D00"},
	} {
		if got := transmit(t, card, step.cmd); !strings.EqualFold(hex.EncodeToString(got), step.want) {
			t.Fatalf("%s: answer = %X; want %s", step.cmd, got, step.want)
		}
	}
	if card.Used() != 3 || len(card.Unused()) != 0 {
		t.Errorf("Used = %d, Unused = %v; want 3 and none", card.Used(), card.Unused())
	}
}

func TestCardUnused(t *testing.T) {
	card := transcript.NewCard(mustParse(t, replayTranscript))
	transmit(t, card, "00B2010C00")
	unused := card.Unused()
	if len(unused) != 8 || unused[4].Line != 13 {
		t.Fatalf("Unused = %+v; want 8 exchanges, the 5th from line 13", unused)
	}
	unused[0].Response[0] = 0xFF
	if got := transmit(t, card, "00A404000E325041592E5359532E444446303100"); got[0] != 0x01 {
		t.Errorf("changing Unused's result changed the card: answer %X", got)
	}
}

func TestCardResponseIsACopy(t *testing.T) {
	tr := mustParse(t, "C: *\nR: 019000\nC: *\nR: 029000\n")
	card := transcript.NewCard(tr)
	tr.Exchanges[1].Response[0] = 0xEE // the card keeps its own copy
	transmit(t, card, "00")[0] = 0xFF
	if got := transmit(t, card, "00"); got[0] != 0x02 {
		t.Errorf("answer = %X; want 029000", got)
	}
}

func TestCardLifecycle(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	tests := []struct {
		name       string
		prepare    func(c *transcript.Card)
		ctx        context.Context
		wantErr    error
		wantRemove error
	}{
		{"present", func(*transcript.Card) {}, t.Context(), nil, context.DeadlineExceeded},
		{"closed", func(c *transcript.Card) { c.Close(); c.Close() }, t.Context(), readers.ErrClosed, nil},
		{"removed", (*transcript.Card).Remove, t.Context(), readers.ErrCardRemoved, nil},
		{"context done", func(*transcript.Card) {}, ctx, context.Canceled, context.Canceled},
		{"remove after 1", func(c *transcript.Card) { c.RemoveAfter = 1; transmit(t, c, "00") },
			t.Context(), readers.ErrCardRemoved, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			card := transcript.NewCard(mustParse(t, replayTranscript))
			tt.prepare(card)
			if _, err := card.Transmit(tt.ctx, []byte{0x00, 0xB2, 0x01, 0x0C}); !errors.Is(err, tt.wantErr) {
				t.Errorf("Transmit = %v; want %v", err, tt.wantErr)
			}
			wctx, cancel := context.WithTimeout(tt.ctx, 20*time.Millisecond)
			defer cancel()
			if err := card.WaitRemoved(wctx); !errors.Is(err, tt.wantRemove) {
				t.Errorf("WaitRemoved = %v; want %v", err, tt.wantRemove)
			}
		})
	}
}

// transmit sends the hex command cmd to card and fails the test on error.
func transmit(t *testing.T, card readers.Card, cmd string) []byte {
	t.Helper()
	b, err := hex.DecodeString(cmd)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := card.Transmit(t.Context(), b)
	if err != nil {
		t.Fatalf("Transmit(%s): %v", cmd, err)
	}
	return resp
}

// TestUnansweredExchange: a C: whose response was not recorded stays in the
// transcript, round-trips, and never answers; the next matching exchange does.
func TestUnansweredExchange(t *testing.T) {
	const src = "C: 80A8000002830000\n# (no response recorded)\nC: 80A8000002830000\nR: 80061980080101009000\nC: 00B2010C00\n"
	tr, err := transcript.Parse(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Exchanges) != 3 || tr.Exchanges[0].Answered() || !tr.Exchanges[1].Answered() || tr.Exchanges[2].Answered() {
		t.Fatalf("exchanges %+v: want unanswered, answered, unanswered", tr.Exchanges)
	}
	card := transcript.NewCard(tr)
	got, err := card.Transmit(t.Context(), []byte{0x80, 0xA8, 0x00, 0x00, 0x02, 0x83, 0x00, 0x00})
	if err != nil || strings.ToUpper(hex.EncodeToString(got)) != "80061980080101009000" {
		t.Errorf("GPO = %X, %v; want the recorded answer", got, err)
	}
	got, err = card.Transmit(t.Context(), []byte{0x00, 0xB2, 0x01, 0x0C, 0x00})
	if err != nil || string(got) != "\x6D\x00" {
		t.Errorf("READ RECORD = %X, %v; an unanswered exchange must not answer", got, err)
	}
	var b strings.Builder
	if _, err := tr.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	if again := mustParse(t, b.String()); !sameExchanges(again.Exchanges, tr.Exchanges) {
		t.Errorf("round trip changed the exchanges:\n%s", b.String())
	}
}
