package web_test

import (
	"encoding/csv"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/vger-dev/vger/internal/browsertest"
)

// TestQuadrantInBrowser: open the quadrant, change the range and the work
// type with the form, see the URL and the charts change, reload the URL
// and get the same view, and check the CSV against the page's table.
func TestQuadrantInBrowser(t *testing.T) {
	t.Parallel()
	s, _ := loadFixture(t)
	srv := httptest.NewServer(s.Routes())
	defer srv.Close()
	ctx := browsertest.Tab(t)
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("%s: %v", sel, err)
		}
		return strings.TrimSpace(v)
	}
	location := func() *url.URL {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href`))
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(v)
		return u
	}
	// A team opens its board's quadrant from the team page.
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/teams/payments"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="board-link"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="board-link"]`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="chart-throughput"]`))); err != nil {
		t.Fatal(err)
	}
	if u := location(); u.Path != quadrantURL {
		t.Fatalf("the team page's board link went to %s", u)
	}
	if dir := os.Getenv("VGER_SCREENSHOT_DIR"); dir != "" {
		browsertest.Screenshot(ctx, srv.URL+quadrantURL+"?from=2025-02-03&to=2025-03-30", filepath.Join(dir, "quadrant.png"))
		chromedp.Do(ctx, chromedp.Navigate(srv.URL+quadrantURL))
	}
	// Fill the form: fixed dates, Bugs only.
	err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`[data-testid="in-from"]`), "2025-03-03"),
		chromedp.SetValue(chromedp.CSS(`[data-testid="in-to"]`), "2025-03-23"),
		chromedp.Click(chromedp.CSS(`[data-testid="in-type-Story"]`)), // every type starts checked: Bugs only
		// Mark the old page, which also has the week of 17 Mar, so the wait is for the new one.
		chromedp.Evaluate[chromedp.Void](`document.body.insertAdjacentHTML("beforeend", '<i id="old-page"></i>')`),
		chromedp.Click(chromedp.CSS(`[data-testid="apply"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`#old-page`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="tp-2025-03-17"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	u := location()
	if got := u.RawQuery; got != "from=2025-03-03&to=2025-03-23&type=Bug" {
		t.Fatalf("URL after the form: %q", got)
	}
	if got := text(`[data-testid="stat-delivered"]`); got != "1" {
		t.Fatalf("Bug only: delivered %q", got)
	}
	bar, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`[data-testid="throughput-delivered-2025-03-10"]`), "data-value"))
	if err != nil || bar.Value != "1" {
		t.Fatalf("chart bar after filtering: %q %v", bar.Value, err)
	}
	// Reload the URL: the same view.
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`[data-testid="stat-delivered"]`))); err != nil {
		t.Fatal(err)
	}
	if got := text(`[data-testid="stat-delivered"]`); got != "1" || location().RawQuery != u.RawQuery {
		t.Fatalf("after reload: %q %q", got, location().RawQuery)
	}
	// The CSV linked from the page has the page's numbers.
	href, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`[data-testid="csv-throughput"]`), "href"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.Get(srv.URL + href.Value)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	rows, err := csv.NewReader(strings.NewReader(string(raw))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows[1:] {
		week, delivered := row[0], row[2]
		// The table cells are in a collapsed <details>: read their text content.
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('[data-testid="tp-`+week+`-1"]').textContent`))
		if err != nil || strings.TrimSpace(got) != delivered {
			t.Errorf("week %s: CSV %s, page %q (%v)", week, delivered, got, err)
		}
	}
}
