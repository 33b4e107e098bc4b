package gpio_test

import (
	"testing"

	kgpio "karta/hardware/gpio"
)

func TestTranslit(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Проезд оплачен", "Proezd oplachen"},
		{"Льготный проезд", "Lgotnyy proezd"},
		{"абвгдеёжзийклмнопрстуфхцчшщъыьэюя", "abvgdeezhziyklmnoprstufkhtschshshchyeyuya"},
		{"Щука, Юля и Яна", "Shchuka, Yulya i Yana"},
		{"ЖД ВОКЗАЛ", "ZHD VOKZAL"},
		{"ОПЛАЧ", "OPLACH"},
		{"Объезд", "Obezd"},
		{"Цена 45 ₽", "Tsena 45 rub."},
		{"«Школа №39» — вход", `"Shkola N39" - vkhod`},
		{"Bus 7\tok", "Bus 7 ok"},
		{"Ǉ🚌", "??"},
	}
	for _, tt := range tests {
		if got := string(kgpio.Translit.Encode(tt.in)); got != tt.want {
			t.Errorf("Translit(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// romAlphabet is the Cyrillic ROM's code for each letter А…я, in Unicode
// order, as module datasheets list it.
var romAlphabet = [64]byte{
	0x41, 0xA0, 0x42, 0xA1, 0xE0, 0x45, 0xA3, 0xA4, 0xA5, 0xA6, 0x4B, 0xA7, 0x4D, 0x48, 0x4F, 0xA8, // А–П
	0x50, 0x43, 0x54, 0xA9, 0xAA, 0x58, 0xE1, 0xAB, 0xAC, 0xE2, 0xAD, 0xAE, 0x62, 0xAF, 0xB0, 0xB1, // Р–Я
	0x61, 0xB2, 0xB3, 0xB4, 0xE3, 0x65, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xBB, 0xBC, 0xBD, 0x6F, 0xBE, // а–п
	0x70, 0x63, 0xBF, 0x79, 0xE4, 0x78, 0xE5, 0xC0, 0xC1, 0xE6, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7, // р–я
}

func TestCyrillicROM(t *testing.T) {
	for i, want := range romAlphabet {
		r := 'А' + rune(i)
		if got := kgpio.CyrillicROM.Encode(string(r)); len(got) != 1 || got[0] != want {
			t.Errorf("%c: %X, want %02X", r, got, want)
		}
	}
	tests := []struct{ in, want string }{
		{"Ёё", "\xA2\xB5"},
		{"Проезд оплачен", "\xA8poe\xB7\xE3 o\xBE\xBBa\xC0e\xBD"},
		{"АВЕКМНОРСТХ", "ABEKMHOPCTX"}, // Latin look-alikes
		{"«№5»", "\xC8\xCC5\xC9"},
		{"45 ₽ — ok", "45 py\xB2. - ok"},
		{"Ǉ", "?"},
	}
	for _, tt := range tests {
		if got := string(kgpio.CyrillicROM.Encode(tt.in)); got != tt.want {
			t.Errorf("CyrillicROM(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestCharsetsCoverRussian checks that no Russian letter becomes '?'.
func TestCharsetsCoverRussian(t *testing.T) {
	for _, cs := range []kgpio.Charset{kgpio.Translit, kgpio.CyrillicROM} {
		for r := 'А'; r <= 'я'; r++ {
			for _, c := range cs.Encode(string(r)) {
				if c == '?' {
					t.Errorf("%v: %c has no code", cs, r)
				}
			}
		}
	}
}
