// Package browsertest drives the system's headless Chromium (Debian's
// `chromium`) for browser tests: one browser per test binary, one tab per
// test, a screenshot saved when a test fails.
package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

var (
	once       sync.Once
	browserCtx context.Context
	cancelAll  func()
	startErr   error
)

// ExecPath finds Chromium: $VGER_CHROMIUM, then the usual names on PATH.
func ExecPath() (string, error) {
	if p := os.Getenv("VGER_CHROMIUM"); p != "" {
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no Chromium found (Debian: apt-get install chromium; or set VGER_CHROMIUM)")
}

func start() {
	path, err := ExecPath()
	if err != nil {
		startErr = err
		return
	}
	dir, err := os.MkdirTemp("", "vger-chromium-")
	if err != nil {
		startErr = err
		return
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // tests run as root in CI
		chromedp.UserDataDir(dir),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	// Start the browser now, so a broken install fails here, once.
	if err := chromedp.Do(ctx); err != nil {
		cancelBrowser()
		cancelAlloc()
		os.RemoveAll(dir)
		startErr = fmt.Errorf("start %s: %w", path, err)
		return
	}
	browserCtx = ctx
	cancelAll = func() {
		cancelBrowser()
		cancelAlloc()
		os.RemoveAll(dir)
	}
}

// Main runs the tests and closes the browser. Use it from TestMain (chain
// it with other harnesses by calling Close yourself instead).
func Main(m *testing.M) {
	code := m.Run()
	Close()
	os.Exit(code)
}

// Close stops the shared browser.
func Close() {
	if cancelAll != nil {
		cancelAll()
	}
}

// Tab opens a new tab for t, closed at cleanup. Without Chromium the test
// fails under CI=true and is skipped elsewhere. When t fails, a full-page
// screenshot goes to $VGER_SCREENSHOT_DIR (default: the OS temp dir).
func Tab(t *testing.T) context.Context {
	t.Helper()
	return TabFor(t, 60*time.Second)
}

// TabFor is Tab with a longer life, for a test that visits many pages in
// one tab (a slow CI machine must not cut it short).
func TabFor(t *testing.T, life time.Duration) context.Context {
	t.Helper()
	return tab(t, life)
}

// PrivateTab is Tab in a browser context of its own, as a private window
// is: its cookies and storage are not shared with other tests' tabs (which
// on 127.0.0.1 would share cookies whatever the port), and go with it.
func PrivateTab(t *testing.T) context.Context {
	t.Helper()
	return tab(t, 60*time.Second, chromedp.WithNewBrowserContext())
}

func tab(t *testing.T, life time.Duration, opts ...chromedp.ContextOption) context.Context {
	t.Helper()
	once.Do(start)
	if startErr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("browsertest: %v", startErr)
		}
		t.Skipf("browsertest: %v", startErr)
	}
	ctx, cancel := chromedp.NewContext(browserCtx, opts...)
	ctx, cancelTimeout := context.WithTimeout(ctx, life)
	t.Cleanup(func() {
		if t.Failed() {
			if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
				dir := os.Getenv("VGER_SCREENSHOT_DIR")
				if dir == "" {
					dir = os.TempDir()
				}
				name := filepath.Join(dir, "vger-fail-"+strings.NewReplacer("/", "_", " ", "_").Replace(t.Name())+".png")
				if os.WriteFile(name, png, 0o644) == nil {
					t.Logf("screenshot: %s", name)
				}
			}
		}
		cancelTimeout()
		cancel()
	})
	return ctx
}

// Screenshot saves a full-page PNG of url to path (for looking at pages).
func Screenshot(ctx context.Context, url, path string) error {
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		return err
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		return err
	}
	return os.WriteFile(path, png, 0o644)
}
