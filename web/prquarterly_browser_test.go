package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"github.com/vger-dev/vger/internal/browsertest"
)

// TestPRQuarterlyInBrowser: open the PR quarterly view from the board's
// tabs, leave the bot out with the form, hover a point (repo#number ·
// title, lead time, merge date), drag a region to zoom (the URL and the
// points change, a reload shows the same region, the CSV lists the points
// shown), zoom with the form, and click a point (the PR opens on GitHub in
// a new tab).
func TestPRQuarterlyInBrowser(t *testing.T) {
	t.Parallel()
	s, _ := loadPRQuarterlyFixture(t)
	srv := httptest.NewServer(s.Routes())
	defer srv.Close()
	s.GitHubURL = srv.URL + "/gh" // clicks open a page of this server (a 404 page)
	p := browserPage{t: t, ctx: browsertest.Tab(t)}
	const points = `[data-testid="chart-prleadtime"] circle[data-label]`
	point := func(repo string, n string) string {
		return `[data-testid="chart-prleadtime"] a[href$="/gh/acme/` + repo + `/pull/` + n + `"] circle`
	}

	// From the quadrant: the Quarterly tab, then the pull-request switch.
	p.run(chromedp.Navigate(srv.URL+"/teams/payments/boards/qtr"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="tab-quarterly"]`)))
	p.follow(`[data-testid="tab-quarterly"]`, `[data-testid="tab-quarterly-prs"]`)
	p.follow(`[data-testid="tab-quarterly-prs"]`, `[data-testid="chart-prleadtime"]`)
	if u := p.location(); u.Path != prqURL || u.RawQuery != "" {
		t.Fatalf("the switch went to %s", u)
	}
	if got := p.labels(points); len(got) != 17 || !slices.Contains(got, "acme/pay#4") {
		t.Fatalf("%d points with the bot's: %v", len(got), got)
	}
	// Leave the bot out with the form: 16 points, 28 forecast.
	p.run(chromedp.Click(chromedp.CSS(`[data-testid="in-exclude-dependabot[bot]"]`)))
	p.follow(`[data-testid="apply"]`, `[data-testid="chart-prleadtime"]`)
	if u := p.location(); u.RawQuery != botOut {
		t.Fatalf("after the form: %s", u.RawQuery)
	}
	if got := p.labels(points); len(got) != 16 || slices.Contains(got, "acme/pay#4") {
		t.Fatalf("%d points without the bot's: %v", len(got), got)
	}
	if f := p.eval(`document.querySelector('[data-testid="forecast-80"]').textContent`); f != "28" {
		t.Errorf("forecast %q", f)
	}
	screenshot(t, p.ctx, srv.URL+prqURL+"?"+botOut, "prquarterly.png")

	// Hover web#3: the tooltip shows repo#number · title, lead time and merge date.
	x, y := p.center(point("web", "3"))
	p.run(mouseAt(chromedp.MouseMoved, x, y, 0))
	if tip := p.eval(`(function () { var t = document.querySelector('[data-testid="chart-tip"]'); return t && !t.hidden ? t.textContent : ""; })()`); tip != "acme/web#3 · Design system\n17.0 calendar days\nMerged Mon 6 Jan 2025" {
		t.Errorf("tooltip %q", tip)
	}
	if png, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot()); err == nil {
		os.WriteFile(filepath.Join(os.TempDir(), "vger-prquarterly-hover.png"), png, 0o644)
	}
	if a := p.eval(`(function () { var a = document.querySelector('` + point("web", "3") + `').parentNode; return [a.getAttribute("href"), a.getAttribute("target"), a.getAttribute("rel")].join(" "); })()`); a != srv.URL+"/gh/acme/web/pull/3 _blank noopener noreferrer" {
		t.Errorf("point link %q", a)
	}

	// Drag a box around the quick PRs of April and May (pay#7 .. pay#11, merged in a day,
	// and web#4, in two); web#5..7 (3 and 4 days) are above it, everything before April
	// left of it.
	x7, y7 := p.center(point("pay", "7"))
	x11, _ := p.at(point("pay", "11"))
	_, y4 := p.at(point("web", "4"))
	p.drag(x7-8, y4-10, x11+6, y7+12)
	p.run(chromedp.WaitVisible(chromedp.CSS(`[data-testid="reset-zoom"]`)))
	u := p.location()
	for _, k := range []string{"zx0", "zx1", "zy0", "zy1"} {
		if u.Query().Get(k) == "" {
			t.Errorf("no %s in %s", k, u)
		}
	}
	if u.Query().Get("exclude") != "dependabot[bot]" {
		t.Errorf("the zoom lost the filter: %s", u)
	}
	want := []string{"acme/pay#10", "acme/pay#11", "acme/pay#7", "acme/pay#8", "acme/pay#9", "acme/web#4"}
	if got := p.labels(points); !slices.Equal(got, want) {
		t.Fatalf("points after zooming to %s: %v, want %v", u.RawQuery, got, want)
	}
	if txt := p.eval(`document.querySelector('[data-testid="zoom-text"]').textContent`); !strings.HasPrefix(txt, "Zoomed in: 6 of 16 pull requests") {
		t.Errorf("zoom text %q", txt)
	}
	screenshot(t, p.ctx, u.String(), "prquarterly-zoomed.png")

	// Reload: the same region.
	p.run(chromedp.Navigate(u.String()), chromedp.WaitVisible(chromedp.CSS(`[data-testid="reset-zoom"]`)))
	if got := p.labels(points); !slices.Equal(got, want) || p.location().RawQuery != u.RawQuery {
		t.Fatalf("after reload: %v at %s", got, p.location().RawQuery)
	}
	// The CSV linked from the zoomed page lists exactly the points shown.
	href := p.eval(`document.querySelector('[data-testid="csv-leadtime"]').getAttribute("href")`)
	res, err := http.Get(srv.URL + href)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	var refs []string
	for _, row := range parseCSV(t, string(raw))[1:] {
		refs = append(refs, row[0]+"#"+row[1])
	}
	slices.Sort(refs)
	if !slices.Equal(refs, want) {
		t.Errorf("CSV of the zoomed view lists %v, the chart %v", refs, want)
	}

	// Reset zoom, then the zoom form without dragging: the same points.
	p.follow(`[data-testid="reset-zoom"]`, `[data-testid="chart-prleadtime"]`)
	if u := p.location(); u.RawQuery != botOut || len(p.labels(points)) != 16 {
		t.Errorf("after reset: %s with %d points", u.RawQuery, len(p.labels(points)))
	}
	p.run(chromedp.SetValue(chromedp.CSS(`[data-testid="in-zx0"]`), "2025-04-01"), chromedp.SetValue(chromedp.CSS(`[data-testid="in-zy1"]`), "2.5"))
	p.follow(`[data-testid="zoom-apply"]`, `[data-testid="reset-zoom"]`)
	if u := p.location(); u.RawQuery != botOut+"&zx0=2025-04-01&zy1=2.5" || !slices.Equal(p.labels(points), want) {
		t.Errorf("zoom form: %s shows %v", u.RawQuery, p.labels(points))
	}

	// From the PR quadrant, its link keeps the filters.
	p.run(chromedp.Navigate(srv.URL+"/teams/payments/boards/qtr/prs?weeks=8&"+botOut), chromedp.WaitVisible(chromedp.CSS(`[data-testid="to-prquarterly"]`)))
	screenshot(t, p.ctx, srv.URL+"/teams/payments/boards/qtr/prs?weeks=8&"+botOut, "prs-quadrant.png")
	p.follow(`[data-testid="to-prquarterly"]`, `[data-testid="chart-prleadtime"]`)
	if u := p.location(); u.Path != prqURL || u.RawQuery != botOut || len(p.labels(points)) != 16 {
		t.Errorf("from the PR quadrant: %s with %d points", u, len(p.labels(points)))
	}

	// Last (the new tab takes the focus): a click on a point opens the PR on GitHub.
	wctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
	defer cancel()
	opened := chromedp.WaitNewTarget(wctx, func(info *target.Info) bool { return strings.HasSuffix(info.URL, "/gh/acme/web/pull/4") })
	p.click(p.center(point("web", "4")))
	select {
	case id, ok := <-opened:
		if !ok {
			t.Error("clicking the point opened no tab")
		} else {
			tab, closeTab := chromedp.NewContext(p.ctx, chromedp.WithTargetID(id))
			chromedp.Cancel(tab) // close the GitHub tab
			closeTab()
		}
	case <-wctx.Done():
		t.Error("clicking the point opened no GitHub tab")
	}
	if u := p.location(); u.Path != prqURL {
		t.Fatalf("the click navigated this tab to %s", u)
	}
}
