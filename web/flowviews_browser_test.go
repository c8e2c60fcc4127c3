package web_test

import (
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/vger-dev/vger/internal/browsertest"
)

// TestFlowViewsInBrowser opens each flow view from the board's tabs,
// changes a parameter with its form, and checks the URL and the numbers;
// the forecast's answer changes with its target and stays on reload.
func TestFlowViewsInBrowser(t *testing.T) {
	t.Parallel()
	s, _ := loadFlowFixture(t)
	srv := httptest.NewServer(s.Routes())
	defer srv.Close()
	ctx := browsertest.Tab(t)
	run := func(actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatal(err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector('`+sel+`') || {textContent: "(missing)"}).textContent`))
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
	// follow clicks a link or button and waits for the next page to load
	// (the old page is marked, so its elements cannot answer the wait).
	follow := func(click, wait string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.body.insertAdjacentHTML("beforeend", '<i id="old-page"></i>'); true`)); err != nil {
			t.Fatal(err)
		}
		run(chromedp.Click(chromedp.CSS(click)), chromedp.WaitNotPresent(chromedp.CSS(`#old-page`)))
		run(chromedp.WaitVisible(chromedp.CSS(wait)))
	}
	if dir := os.Getenv("VGER_SCREENSHOT_DIR"); dir != "" {
		for name, path := range map[string]string{"flow": "/flow?weeks=5", "aging": "/aging", "blocked": "/blocked?weeks=6",
			"forecast": "/forecast?items=7", "forecast-cannot": "/forecast?type=Bug", "quality": "/quality"} {
			if err := browsertest.Screenshot(ctx, srv.URL+flowURL+path, filepath.Join(dir, "flow-"+name+".png")); err != nil {
				t.Error(err)
			}
		}
	}
	run(chromedp.Navigate(srv.URL+flowURL), chromedp.WaitVisible(chromedp.CSS(`[data-testid="tab-flow"]`)))

	// Flow: from the tab, then the range with the form.
	follow(`[data-testid="tab-flow"]`, `[data-testid="chart-cfd"]`)
	if got := location().Path; got != flowURL+"/flow" {
		t.Fatalf("flow tab went to %s", got)
	}
	run(chromedp.SetValue(chromedp.CSS(`[data-testid="in-from"]`), "2025-03-17"),
		chromedp.SetValue(chromedp.CSS(`[data-testid="in-to"]`), "2025-03-23"),
	)
	follow(`[data-testid="apply"]`, `[data-testid="chart-cfd"]`)
	if got := location().RawQuery; got != "from=2025-03-17&to=2025-03-23" {
		t.Fatalf("flow URL after the form: %q", got)
	}
	// End of Wed 19 Mar: 1 unmapped, 2 To Do, 3 In Progress, 1 Review, 6 Done; WIP 4.
	if got := text(`[data-testid="cfd-2025-03-19-2"]`) + " " + text(`[data-testid="cfd-2025-03-19-wip"]`); got != "3 4" {
		t.Errorf("CFD on 19 Mar: %q", got)
	}

	// Aging WIP: from the tab; Bugs only leaves A3.
	follow(`[data-testid="tab-aging"]`, `[data-testid="chart-aging"]`)
	if got := text(`[data-testid="stat-wip"]`); got != "3" {
		t.Errorf("aging: %q in progress", got)
	}
	run(chromedp.Click(chromedp.CSS(`[data-testid="in-type-Story"]`)))
	follow(`[data-testid="apply"]`, `[data-testid="chart-aging"]`)
	if got := location(); got.Path != flowURL+"/aging" || got.RawQuery != "type=Bug" {
		t.Errorf("aging URL after the form: %s", got)
	}
	if got := text(`[data-testid="stat-wip"]`) + " " + text(`[data-testid="aging-FLO-13-age"]`); got != "1 1.5" {
		t.Errorf("aging, Bugs only: %q", got)
	}

	// Impediments: from the tab, which keeps the Bugs-only filter; then a
	// fixed range, every work type again.
	follow(`[data-testid="tab-blocked"]`, `[data-testid="chart-blockeditems"]`)
	if got := location().RawQuery; got != "type=Bug" {
		t.Errorf("impediments tab: %q", got)
	}
	run(chromedp.Click(chromedp.CSS(`[data-testid="in-type-Story"]`)), chromedp.SetValue(chromedp.CSS(`[data-testid="in-from"]`), "2025-03-10"),
		chromedp.SetValue(chromedp.CSS(`[data-testid="in-to"]`), "2025-03-30"),
	)
	follow(`[data-testid="apply"]`, `[data-testid="chart-blockeditems"]`)
	if got := location().RawQuery; got != "from=2025-03-10&to=2025-03-30" {
		t.Errorf("impediments URL: %q", got)
	}
	if got := text(`[data-testid="imp-2025-03-17-1"]`) + " " + text(`[data-testid="imp-2025-03-17-2"]`); got != "2 3.0" {
		t.Errorf("impediments, week of 17 Mar: %q", got)
	}

	// Forecast: change the target, see the URL and the answer change, reload.
	follow(`[data-testid="tab-forecast"]`, `[data-testid="sentence-when"]`)
	before := text(`[data-testid="sentence-when"]`)
	if before != "85% likely: 10 items done by Sunday 27 April 2025 (5 weeks, counting this one)." {
		t.Errorf("default forecast: %q", before)
	}
	run(chromedp.SetValue(chromedp.CSS(`[data-testid="in-items"]`), "7"))
	follow(`[data-testid="apply"]`, `[data-testid="sentence-when"]`)
	if got := location().RawQuery; got != "items=7" {
		t.Errorf("forecast URL after the form: %q", got)
	}
	after := text(`[data-testid="sentence-when"]`)
	if after != "85% likely: 7 items done by Sunday 20 April 2025 (4 weeks, counting this one)." {
		t.Errorf("forecast for 7 items: %q", after)
	}
	run(chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`[data-testid="sentence-when"]`)))
	if got := text(`[data-testid="sentence-when"]`); got != after || location().RawQuery != "items=7" {
		t.Errorf("after reload: %q %q", got, location().RawQuery)
	}

	// Data quality: from the tab.
	follow(`[data-testid="tab-quality"]`, `[data-testid="list-findings"]`)
	if got := text(`[data-testid="q-unmapped-count"]`); got != "1" {
		t.Errorf("quality: %q unmapped statuses", got)
	}
}
