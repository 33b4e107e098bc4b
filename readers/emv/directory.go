package emv

import (
	"context"
)

var (
	ppse = []byte("2PAY.SYS.DDF01") // contactless directory
	pse  = []byte("1PAY.SYS.DDF01") // contact directory
)

const maxDirectoryRecords = 16

// candidates lists the applications to try after the fast path: the card's
// own directory (PPSE, else PSE) in the card's order with Mir first, then
// the known AIDs.
func (f *flow) candidates(ctx context.Context) []Application {
	apps := f.ppse(ctx)
	if len(apps) == 0 {
		apps = f.pse(ctx)
	}
	order(apps)
	for _, aid := range knownAIDs {
		apps = append(apps, Application{AID: aid})
	}
	return apps
}

func (f *flow) ppse(ctx context.Context) []Application {
	r, err := call(ctx, f.s, selectCommand(ppse, false))
	if err != nil {
		return nil
	}
	objs, err := Parse(r.Data)
	if err != nil {
		f.failures = append(f.failures, appError(nil, ppse, err))
		return nil
	}
	return directory(objs)
}

// pse reads the contact directory: its FCI names an SFI whose records hold
// the entries.
func (f *flow) pse(ctx context.Context) []Application {
	r, err := call(ctx, f.s, selectCommand(pse, false))
	if err != nil {
		return nil
	}
	objs, err := Parse(r.Data)
	if err != nil {
		return nil
	}
	sfi, ok := Find(objs, TagSFI)
	if !ok || len(sfi.Value) != 1 || sfi.Value[0] < 1 || sfi.Value[0] > 30 {
		return nil
	}
	var apps []Application
	for rec := byte(1); rec <= maxDirectoryRecords; rec++ {
		r, err := call(ctx, f.s, readRecordCommand(sfi.Value[0], rec))
		if err != nil {
			break
		}
		objs, err := Parse(r.Data)
		if err != nil {
			break
		}
		apps = append(apps, directory(objs)...)
	}
	return apps
}
