package web_test

import (
	"context"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/vger-dev/vger/internal/browsertest"
)

// TestBrowserSmoke opens the home page in headless Chromium and finds the
// page title element: the page renders, its CSS and script load under the CSP.
func TestBrowserSmoke(t *testing.T) {
	t.Parallel()
	s, st := newServer(t)
	if _, err := st.CreateTeam(context.Background(), "Payments", "payments"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Routes())
	defer srv.Close()

	ctx := browsertest.Tab(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(`[data-testid="page-title"]`)); err != nil {
		t.Fatal(err)
	}
	title, err := chromedp.Run(ctx, chromedp.Text(`[data-testid="page-title"]`))
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(title) != "Teams" {
		t.Fatalf("title %q", title)
	}
	// The script ran (CSP allows our own file) and the stylesheet applied.
	js, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.classList.contains("js")`))
	if err != nil || !js {
		t.Fatalf("vger.js did not run: %v", err)
	}
	bg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("header.site")).backgroundColor`))
	if err != nil || bg != "rgb(31, 58, 95)" {
		t.Fatalf("stylesheet not applied: %q %v", bg, err)
	}
	if dir := os.Getenv("VGER_SCREENSHOT_DIR"); dir != "" {
		browsertest.Screenshot(ctx, srv.URL+"/", dir+"/home.png")
	}
}
