package emv_test

import (
	"bytes"
	"context"
	"testing"

	"karta/readers/emv"
	"karta/readers/readertest"
)

// answers is a card that answers by command prefix (hex), first match wins.
func answers(t *testing.T, table [][2]string) *readertest.Card {
	t.Helper()
	return readertest.NewCard(func(cmd []byte) ([]byte, error) {
		for _, row := range table {
			if p := unhex(t, row[0]); len(cmd) >= len(p) && string(cmd[:len(p)]) == string(p) {
				return unhex(t, row[1]), nil
			}
		}
		return []byte{0x6D, 0x00}, nil
	})
}

const (
	fciMir = "6F0F8407A0000006582010A5045002" + "4D49" + "9000"
)

func TestStatusWords(t *testing.T) {
	tests := []struct {
		name       string
		table      [][2]string
		wantScheme emv.Scheme
		wantPAN    string
		wantAPDUs  int
	}{
		{
			name: "6A83: a missing record is stepped over",
			table: [][2]string{
				{"00A4040005A000000658", fciMir},
				{"80A8", "770A820219809404080103009000"},
				{"00B2010C", "6A83"},
				{"00B2020C", "70145A0822024567890123475F24032711305F3401019000"},
			},
			wantScheme: emv.SchemeMir, wantPAN: "2202456789012347", wantAPDUs: 4,
		},
		{
			name: "63C1 warning with data on a record is data",
			table: [][2]string{
				{"00A4040005A000000658", fciMir},
				{"80A8", "80061980080101009000"},
				{"00B2010C", "70145A0822024567890123475F24032711305F340101" + "63C1"},
			},
			wantScheme: emv.SchemeMir, wantPAN: "2202456789012347", wantAPDUs: 3,
		},
	}
	key := testKey(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			card := answers(t, tt.table)
			id, err := emv.NewReader(key, emv.Options{}).Read(context.Background(), card)
			if err != nil {
				t.Fatal(err)
			}
			if id.Scheme != tt.wantScheme || id.Token != key.PANToken([]byte(tt.wantPAN)) || id.APDUs != tt.wantAPDUs {
				t.Errorf("got %s %s in %d exchanges", id.Scheme, id.PANMasked, id.APDUs)
			}
		})
	}
}

// TestMirRefusedFallsBack: when the Mir application of a co-badged card
// refuses GPO (6985), the reader reads the card's next application.
func TestMirRefusedFallsBack(t *testing.T) {
	c := simCard(t, "mir-maestro")
	inner := c.Insert()
	mirSelected := false
	card := readertest.NewCard(func(cmd []byte) ([]byte, error) {
		if cmd[1] == 0xA4 {
			mirSelected = bytes.Contains(cmd, emv.MirRID)
		}
		if cmd[1] == 0xA8 && mirSelected {
			return []byte{0x69, 0x85}, nil
		}
		return inner.Transmit(context.Background(), cmd)
	})
	id, err := emv.NewReader(testKey(t), emv.Options{}).Read(context.Background(), card)
	if err != nil {
		t.Fatal(err)
	}
	if id.Scheme != emv.SchemeMaestro || id.IsMir() {
		t.Errorf("read as %s; want the Maestro application after Mir refused", id.Scheme)
	}
}
