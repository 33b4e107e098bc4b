package main

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"karta/central/store"
	"karta/internal/browsertest"
	"karta/readers/readertest"
)

// TestUICardLookup: a card number typed into form#card-lookup shows
// exactly that card's taps; a malformed one a clear error. Then no card
// number, plain or with spaces, is in any page shown, any URL requested,
// central's log or the database's files.
func TestUICardLookup(t *testing.T) {
	c := startUI(t)
	b := c.browser()
	c.login(b, "viewer")
	b.Go("/taps")
	for attr, want := range map[string]string{"autocomplete": "off", "inputmode": "numeric"} {
		if v, _ := b.Attr("form#card-lookup input[name=pan]", attr); v != want {
			t.Errorf("form#card-lookup input[name=pan] has %s=%q, want %q", attr, v, want)
		}
	}
	if m, _ := b.Attr("form#card-lookup", "method"); !strings.EqualFold(m, "post") {
		t.Errorf("form#card-lookup has method %q, want POST", m)
	}

	for _, l := range []struct {
		card  int
		typed string
	}{
		{schoolchild, uiCards[schoolchild].pan},
		{pensioner, spaced(uiCards[pensioner].pan)},
		{stranger, uiCards[stranger].pan}, // not in the registry: its taps all the same
	} {
		b.Go("/taps")
		b.Type("form#card-lookup input[name=pan]", l.typed)
		b.Click("button#lookup-submit")
		u, err := url.Parse(b.Location())
		if err != nil || u.Path != "/taps" || u.Query().Get("token") != c.token(l.card) {
			t.Errorf("looking up card %d (%q typed) led to %s, want /taps?token=%s", l.card, mask(l.typed), b.Location(), c.token(l.card))
		}
		if l.card == schoolchild {
			b.Screenshot("card lookup")
		}
		tok := c.token(l.card)
		checkTapRows(t, allTapRows(t, b), c.where(func(s store.StoredTap) bool { return s.Token == tok }), fmt.Sprint("lookup of card ", l.card))
	}

	malformed := []string{"2200701234567890", "12345", "2200-7012-3456-7896x"}
	for _, m := range malformed {
		b.Go("/taps")
		b.Type("form#card-lookup input[name=pan]", m)
		st := b.Click("button#lookup-submit")
		if msg := b.Text(".error"); strings.TrimSpace(msg) == "" || st < 400 || st >= 500 {
			t.Errorf("the malformed number %q: status %d, .error %q", m, st, msg)
		}
		if strings.Contains(b.HTML(), m) {
			t.Errorf("the page echoes the malformed number %q", m)
		}
	}
	b.Screenshot("malformed card number")

	pans := append([]string(nil), malformed...)
	for _, card := range uiCards {
		pans = append(pans, card.pan, spaced(card.pan))
	}
	checkNoPAN(t, c, b, pans)
	c.stop()
	checkDBFiles(t, c, pans) // again, after central closed the database
}

// mask shows a card number as the UI may: the first 6 and last 4 digits.
func mask(pan string) string { return pan[:6] + "…" + pan[len(pan)-4:] }

// spaced writes a card number in groups of four, as printed on the card.
func spaced(pan string) string {
	var b strings.Builder
	for i, r := range pan {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// checkNoPAN looks for the card numbers in every page the browser showed,
// every URL it requested, its history, central's log and the database's
// files.
func checkNoPAN(t *testing.T, c *uiCentral, b *browsertest.Browser, pans []string) {
	t.Helper()
	pages := b.Pages()
	if len(pages) < 10 {
		t.Fatalf("only %d pages kept; the check would prove little", len(pages))
	}
	for _, p := range pages {
		if leaked := readertest.PANLeaks([]byte(p.URL+"\n"+p.HTML), pans); len(leaked) > 0 {
			t.Errorf("card numbers %v in the page %s", leaked, p.URL)
		}
	}
	for _, u := range append(b.Requests(), b.History()...) {
		if leaked := readertest.PANLeaks([]byte(u), pans); len(leaked) > 0 {
			t.Errorf("card numbers %v in the URL %s", leaked, u)
		}
	}
	if leaked := readertest.PANLeaks([]byte(c.out.String()), pans); len(leaked) > 0 {
		t.Errorf("card numbers %v in central's output:\n%s", leaked, c.out)
	}
	checkDBFiles(t, c, pans)
}

// checkDBFiles reads every file in the database's directory (the
// database, its -wal and -shm) as bytes and looks for the card numbers.
func checkDBFiles(t *testing.T, c *uiCentral, pans []string) {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(c.db))
	if err != nil {
		t.Fatal(err)
	}
	read := 0
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(filepath.Dir(c.db), e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		read += len(data)
		if leaked := readertest.PANLeaks(data, pans); len(leaked) > 0 {
			t.Errorf("card numbers %v in %s", leaked, e.Name())
		}
	}
	if read < 4096 {
		t.Errorf("only %d bytes in the database's directory; the check would prove nothing", read)
	}
}
