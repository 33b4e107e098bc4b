package browsertest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sync"

	"github.com/chromedp/chromedp"
)

// shots numbers the screenshots of each test across its Browsers, and
// remembers which tests' directories were emptied in this process.
var shots = struct {
	sync.Mutex
	n map[string]int
}{n: map[string]int{}}

// Screenshot keeps a full-page PNG of the page shown now as
// <dir>/<TestName>/<NN-name>.png and returns its path; dir is
// $KARTA_SCREENSHOTS or var/screenshots at the repository root. The
// first screenshot of a test empties its directory of an earlier run's.
func (b *Browser) Screenshot(name string) string {
	b.t.Helper()
	var png []byte
	err := b.action(func(ctx context.Context) error {
		var err error
		png, err = chromedp.Run(ctx, chromedp.FullScreenshot(100))
		return err
	})
	if err != nil {
		b.t.Fatalf("browsertest: screenshot %s: %v", name, err)
	}
	path, err := b.shotPath(name)
	if err == nil {
		err = os.WriteFile(path, png, 0o644)
	}
	if err != nil {
		b.t.Fatalf("browsertest: screenshot %s: %v", name, err)
	}
	b.t.Logf("browsertest: screenshot %s", path)
	return path
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// shotPath returns where the next screenshot of the test goes, making its
// directory.
func (b *Browser) shotPath(name string) (string, error) {
	root, err := ScreenshotDir()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(root, unsafeName.ReplaceAllString(b.t.Name(), "_"))
	shots.Lock()
	n, seen := shots.n[dir]
	shots.n[dir] = n + 1
	shots.Unlock()
	if !seen {
		if err := os.RemoveAll(dir); err != nil {
			return "", err
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	return filepath.Join(dir, fmt.Sprintf("%02d-%s.png", n+1, unsafeName.ReplaceAllString(name, "_"))), nil
}

// ScreenshotDir is where screenshots go: $KARTA_SCREENSHOTS, or
// var/screenshots in the repository (the nearest directory above the
// working directory with a go.mod).
func ScreenshotDir() (string, error) {
	if d := os.Getenv("KARTA_SCREENSHOTS"); d != "" {
		return filepath.Abs(d)
	}
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, "var", "screenshots"), nil
}

// RepoRoot returns the nearest directory at or above the working
// directory that holds a go.mod.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("browsertest: no go.mod above the working directory")
		}
		dir = parent
	}
}
