package emv

import (
	"bytes"
	"cmp"
	"slices"
)

// Application is a payment application the card offers or has selected.
type Application struct {
	AID      []byte
	Label    string
	Priority int // 1 is highest; 0 means none given
	PDOL     []DOLEntry
}

// parseFCI reads the answer to SELECT of an application. requested stands in
// for the AID when the card does not name the selected file.
func parseFCI(data, requested []byte) (Application, error) {
	objs, err := Parse(data)
	if err != nil {
		return Application{}, err
	}
	fci, ok := Find(objs, TagFCI)
	if !ok {
		return Application{}, malformed("SELECT answer has no FCI template")
	}
	app := Application{AID: bytes.Clone(requested)}
	if name, ok := Find(fci.Children, TagDFName); ok && len(name.Value) > 0 {
		app.AID = bytes.Clone(name.Value)
	}
	app.Label = label(fci.Children)
	app.Priority = priority(fci.Children)
	if pdol, ok := Find(fci.Children, TagPDOL); ok {
		if app.PDOL, err = ParseDOL(pdol.Value); err != nil {
			return Application{}, err
		}
	}
	return app, nil
}

// directory lists the applications of a PPSE or PSE directory answer: the
// 61 entries wherever they stand.
func directory(objs []TLV) []Application {
	var out []Application
	for _, o := range objs {
		if o.Tag != TagDirEntry {
			out = append(out, directory(o.Children)...)
			continue
		}
		if aid, ok := Find(o.Children, TagAID); ok && len(aid.Value) >= 5 {
			out = append(out, Application{
				AID:      bytes.Clone(aid.Value),
				Label:    label(o.Children),
				Priority: priority(o.Children),
			})
		}
	}
	return out
}

// order puts Mir applications first (a co-badged card reads as Mir), then
// the card's own priority, with unprioritised entries last.
func order(apps []Application) {
	rank := func(a Application) int {
		p := a.Priority
		if p == 0 {
			p = 16
		}
		if !isMir(a.AID) {
			p += 16
		}
		return p
	}
	slices.SortStableFunc(apps, func(a, b Application) int { return cmp.Compare(rank(a), rank(b)) })
}

func label(objs []TLV) string {
	l, ok := Find(objs, TagLabel)
	if !ok {
		return ""
	}
	out := make([]byte, 0, len(l.Value))
	for _, c := range l.Value {
		if c >= 0x20 && c < 0x7F {
			out = append(out, c)
		}
	}
	return string(out)
}

func priority(objs []TLV) int {
	if p, ok := Find(objs, TagPriority); ok && len(p.Value) == 1 {
		return int(p.Value[0] & 0x0F)
	}
	return 0
}
