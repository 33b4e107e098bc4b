package sim

import (
	"bytes"
	"fmt"

	"karta/readers/emv"
	"karta/readers/readertest"
)

// App is one payment application on a virtual card.
type App struct {
	AID      []byte
	Label    string
	Priority byte
	PDOL     []byte             // data object list, as on the card
	GPO      []byte             // GPO answer data: an 80 or 77 template
	Records  map[[2]byte][]byte // {SFI, record} → record data (a 70 template)
}

// Card describes a virtual contactless card.
type Card struct {
	Name  string
	About string
	PPSE  bool  // answers SELECT 2PAY.SYS.DDF01 with a directory
	Apps  []App // in the card's order; partial SELECT walks them

	// Faults and quirks.
	VanishAfter int    // leaves the field after this many APDUs (0: never)
	SplitSelect bool   // answers SELECT with 61xx; the data comes by GET RESPONSE
	WrongLe     bool   // answers a SELECT whose Le is not exact with 6Cxx
	RecordSW    uint16 // status word of READ RECORD answers (0: 9000)
	ShortAnswer bool   // answers READ RECORD with a single byte and no status

	// Want is what a correct reader makes of the card: the identity, or the
	// error it must fail with. Tests read it; a reader never does.
	Want Want
}

// Want is a card's expected reading.
type Want struct {
	PAN    string // the test number the identity must be a token of
	PAR    string
	Scheme emv.Scheme
	Expiry string
	PSN    string
	APDUs  int
	Err    error // the sentinel errors.Is must match, or nil
}

// Insert presents the card in a reader's field.
func (c *Card) Insert() *readertest.Card {
	p := &presentation{card: c, selected: -1}
	rc := readertest.NewCard(p.respond)
	rc.RemoveAfter = c.VanishAfter
	return rc
}

// presentation is the card OS state of one presentation.
type presentation struct {
	card     *Card
	selected int    // index into Apps, -1 for none
	pending  []byte // data held back for GET RESPONSE
}

var (
	swOK          = []byte{0x90, 0x00}
	swNotFound    = []byte{0x6A, 0x82}
	swNoRecord    = []byte{0x6A, 0x83}
	swWrongLength = []byte{0x67, 0x00}
	swConditions  = []byte{0x69, 0x85}
	swNoINS       = []byte{0x6D, 0x00}
)

func (p *presentation) respond(cmd []byte) ([]byte, error) {
	if len(cmd) < 4 {
		return swWrongLength, nil
	}
	switch {
	case cmd[1] == 0xA4:
		return p.selectFile(cmd), nil
	case cmd[0] == 0x80 && cmd[1] == 0xA8:
		return p.gpo(cmd), nil
	case cmd[1] == 0xB2:
		return p.readRecord(cmd), nil
	case cmd[1] == 0xC0:
		return p.getResponse(), nil
	}
	return swNoINS, nil
}

func (p *presentation) selectFile(cmd []byte) []byte {
	name, le, ok := caseFour(cmd)
	if !ok {
		return swWrongLength
	}
	fci := p.find(name, cmd[3] == 0x02)
	if fci == nil {
		return swNotFound
	}
	if p.card.WrongLe && le != len(fci) && len(fci) < 256 {
		return []byte{0x6C, byte(len(fci))}
	}
	if p.card.SplitSelect {
		p.pending = fci
		return []byte{0x61, byte(len(fci))}
	}
	return append(fci, swOK...)
}

// find answers SELECT by name: the PPSE, or the first (next) application
// whose AID starts with name.
func (p *presentation) find(name []byte, next bool) []byte {
	if bytes.Equal(name, []byte("2PAY.SYS.DDF01")) {
		if !p.card.PPSE {
			return nil
		}
		return p.card.ppseFCI()
	}
	start := 0
	if next {
		start = p.selected + 1
	}
	for i := start; i < len(p.card.Apps); i++ {
		if bytes.HasPrefix(p.card.Apps[i].AID, name) {
			p.selected = i
			return p.card.Apps[i].fci()
		}
	}
	return nil
}

func (p *presentation) gpo(cmd []byte) []byte {
	data, _, ok := caseFour(cmd)
	if !ok || p.selected < 0 {
		return swConditions
	}
	app := p.card.Apps[p.selected]
	dol, err := emv.ParseDOL(app.PDOL)
	if err != nil || len(data) < 2 || data[0] != 0x83 || int(data[1]) != dolLength(dol) {
		return swWrongLength
	}
	return append(bytes.Clone(app.GPO), swOK...)
}

func (p *presentation) readRecord(cmd []byte) []byte {
	if p.card.ShortAnswer {
		return []byte{0x70}
	}
	if p.selected < 0 {
		return swConditions
	}
	rec, ok := p.card.Apps[p.selected].Records[[2]byte{cmd[3] >> 3, cmd[2]}]
	if !ok {
		return swNoRecord
	}
	sw := swOK
	if p.card.RecordSW != 0 {
		sw = []byte{byte(p.card.RecordSW >> 8), byte(p.card.RecordSW)}
	}
	return append(bytes.Clone(rec), sw...)
}

func (p *presentation) getResponse() []byte {
	if p.pending == nil {
		return swConditions
	}
	out := append(p.pending, swOK...)
	p.pending = nil
	return out
}

// caseFour splits a case 3 or 4 command into its data and Le (-1: none).
func caseFour(cmd []byte) (data []byte, le int, ok bool) {
	if len(cmd) < 5 {
		return nil, -1, false
	}
	n := int(cmd[4])
	switch len(cmd) {
	case 5 + n:
		return cmd[5:], -1, true
	case 6 + n:
		le = int(cmd[5+n])
		if le == 0 {
			le = 256
		}
		return cmd[5 : 5+n], le, true
	}
	return nil, -1, false
}

func dolLength(dol []emv.DOLEntry) int {
	n := 0
	for _, e := range dol {
		n += e.Length
	}
	return n
}

func (a App) fci() []byte {
	prop := [][]byte{emv.Encode(emv.TagLabel, []byte(a.Label))}
	if a.Priority != 0 {
		prop = append(prop, emv.Encode(emv.TagPriority, []byte{a.Priority}))
	}
	if a.PDOL != nil {
		prop = append(prop, emv.Encode(emv.TagPDOL, a.PDOL))
	}
	return emv.Constructed(emv.TagFCI, emv.Encode(emv.TagDFName, a.AID), emv.Constructed(emv.TagFCIProp, prop...))
}

func (c *Card) ppseFCI() []byte {
	var entries [][]byte
	for _, a := range c.Apps {
		e := [][]byte{emv.Encode(emv.TagAID, a.AID), emv.Encode(emv.TagLabel, []byte(a.Label))}
		if a.Priority != 0 {
			e = append(e, emv.Encode(emv.TagPriority, []byte{a.Priority}))
		}
		entries = append(entries, emv.Constructed(emv.TagDirEntry, e...))
	}
	return emv.Constructed(emv.TagFCI,
		emv.Encode(emv.TagDFName, []byte("2PAY.SYS.DDF01")),
		emv.Constructed(emv.TagFCIProp, emv.Constructed(emv.TagFCIIssuerDisc, entries...)))
}

func (c *Card) String() string { return fmt.Sprintf("sim card %s", c.Name) }
