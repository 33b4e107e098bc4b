package browsertest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// File is a downloaded file: the name the server suggested and its bytes.
type File struct {
	Name string
	Data []byte
}

// Download clicks the link sel matches, waits until the browser saved
// the file it answers with and returns it.
func (b *Browser) Download(sel string) File {
	b.t.Helper()
	b.WaitFor(sel)
	dir := b.t.TempDir()
	var f File
	err := b.action(func(ctx context.Context) error {
		var err error
		f, err = download(ctx, dir, sel)
		return err
	})
	if err != nil {
		b.t.Fatalf("browsertest: downloading from %q on %s: %v", sel, b.Location(), err)
	}
	return f
}

func download(ctx context.Context, dir, sel string) (File, error) {
	begins := chromedp.Events(ctx, browser.DownloadWillBegin)
	progress := chromedp.Events(ctx, browser.DownloadProgress)
	events := true
	err := chromedp.Do(ctx,
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
				Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &events})
			return err
		}),
		chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		return File{}, err
	}
	var f File
	var guid string
	for ev, err := range begins {
		if err != nil {
			return File{}, fmt.Errorf("no download began: %w", err)
		}
		f.Name, guid = ev.SuggestedFilename, ev.GUID
		break
	}
	for ev, err := range progress {
		if err != nil {
			return File{}, fmt.Errorf("download %s did not finish: %w", f.Name, err)
		}
		if ev.GUID != guid {
			continue
		}
		switch ev.State {
		case browser.DownloadProgressStateCanceled:
			return File{}, fmt.Errorf("download %s canceled", f.Name)
		case browser.DownloadProgressStateCompleted:
			f.Data, err = os.ReadFile(filepath.Join(dir, guid))
			return f, err
		}
	}
	return File{}, fmt.Errorf("download %s: no progress", f.Name)
}
