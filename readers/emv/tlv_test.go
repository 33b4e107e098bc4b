package emv_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"karta/readers/emv"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatalf("bad hex in test: %v", err)
	}
	return b
}

// flat renders parsed objects as "tag=value" with children in brackets.
func flat(objs []emv.TLV) string {
	var b strings.Builder
	for i, o := range objs {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(o.Tag.String())
		if o.Children != nil {
			b.WriteString("[" + flat(o.Children) + "]")
		} else {
			b.WriteString("=" + strings.ToUpper(hex.EncodeToString(o.Value)))
		}
	}
	return b.String()
}

func TestParse(t *testing.T) {
	long := strings.Repeat("AB", 200)
	tests := []struct {
		name, in, want string
	}{
		{"one primitive", "5A082202456789012347", "5A=2202456789012347"},
		{"two-byte tag", "9F6B03112233", "9F6B=112233"},
		{"three-byte tag", "DF810102AABB", "DF8101=AABB"},
		{"long form 81", "50 81 03 414243", "50=414243"},
		{"long form 82", "50 82 00C8 " + long, "50=" + long},
		{"constructed nested", "70 06 5F24 03 271130", "70[5F24=271130]"},
		{"padding between and after", "00 5A 01 22 00 00 57 01 33 00", "5A=22 57=33"},
		{"FF padding", "FF 5A 01 22 FF", "5A=22"},
		{"empty value", "5000", "50="},
		{"empty input", "", ""},
		{"deep but fine", "70 06 77 04 A5 02 50 00", "70[77[A5[50=]]]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs, err := emv.Parse(unhex(t, tt.in))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := flat(objs); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	deep := emv.Encode(0x50, nil)
	for range 20 {
		deep = emv.Encode(0x70, deep)
	}
	tests := []struct {
		name, in, wantMsg string
	}{
		{"truncated value", "5A08220245", "overruns"},
		{"missing length", "5A", "missing length"},
		{"truncated multi-byte tag", "9F", "truncated tag"},
		{"tag longer than 4 bytes", "DF8181818101", "tag longer"},
		{"indefinite length", "708000", "unsupported length form 80"},
		{"length of 5 bytes", "50850000000001", "unsupported length form 85"},
		{"truncated long length", "508200", "truncated length"},
		{"child overruns parent", "70035A0522", "inside tag 70"},
		{"nested too deep", hex.EncodeToString(deep), "deeper than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := emv.Parse(unhex(t, tt.in))
			if !errors.Is(err, emv.ErrMalformed) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("err = %v, want ErrMalformed mentioning %q", err, tt.wantMsg)
			}
		})
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, 127, 128, 255, 256, 70000} {
		v := bytes.Repeat([]byte{0x42}, n)
		for _, tag := range []emv.Tag{0x50, 0x9F6B, 0xDF8101} {
			objs, err := emv.Parse(emv.Encode(tag, v))
			if err != nil || len(objs) != 1 || objs[0].Tag != tag || !bytes.Equal(objs[0].Value, v) {
				t.Errorf("tag %s len %d: round trip gave %v, %v", tag, n, objs, err)
			}
		}
	}
}

func TestFindDepthFirst(t *testing.T) {
	objs, err := emv.Parse(unhex(t, "77 0A 94 04 08010100 70 02 5A 00 5A 01 11"))
	if err != nil {
		t.Fatal(err)
	}
	if o, ok := emv.Find(objs, emv.TagPAN); !ok || len(o.Value) != 0 {
		t.Errorf("Find(5A) = %v %v, want the nested, empty one first", o, ok)
	}
	if _, ok := emv.Find(objs, emv.TagPAR); ok {
		t.Error("Find found a tag that is not there")
	}
}

func TestTagForm(t *testing.T) {
	for tag, want := range map[emv.Tag]bool{0x70: true, 0x77: true, 0xBF0C: true, 0x5A: false, 0x9F6B: false, 0x61: true} {
		if tag.Constructed() != want {
			t.Errorf("%s.Constructed() = %v", tag, !want)
		}
	}
}
