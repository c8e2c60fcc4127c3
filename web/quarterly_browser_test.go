package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"github.com/vger-dev/vger/internal/browsertest"
)

// TestQuarterlyInBrowser: open the quarterly view from the board's tabs,
// hover a point (key, summary, lead time, date), click it (JIRA opens in a
// new tab), drag a region to zoom (the URL and the points change, a reload
// shows the same region, the CSV lists the points shown), reset the zoom.
func TestQuarterlyInBrowser(t *testing.T) {
	t.Parallel()
	s, _ := loadQuarterlyFixture(t)
	srv := httptest.NewServer(s.Routes())
	defer srv.Close()
	s.JiraURL = srv.URL + "/jira" // clicks open a page of this server (a 404 page)
	ctx := browsertest.Tab(t)
	run := func(actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatal(err)
		}
	}
	eval := func(js string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return v
	}
	location := func() *url.URL {
		t.Helper()
		u, err := url.Parse(eval(`location.href`))
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	// The points drawn, by key, sorted.
	shown := func() []string {
		t.Helper()
		keys := strings.Fields(eval(`Array.from(document.querySelectorAll('[data-testid="chart-leadtime"] circle[data-label]'), c => c.getAttribute("data-label")).join(" ")`))
		slices.Sort(keys)
		return keys
	}
	// center gives the viewport position of an element's centre, scrolled into view.
	center := func(sel string) (float64, float64) {
		t.Helper()
		p, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`new Promise(function (done) {
			var el = document.querySelector(`+strconv.Quote(sel)+`);
			el.scrollIntoView({block: "center"});
			requestAnimationFrame(function () { requestAnimationFrame(function () {
				var r = el.getBoundingClientRect(); done([r.left + r.width / 2, r.top + r.height / 2]);
			}); });
		})`, chromedp.EvalAwaitPromise))
		if err != nil || len(p) != 2 {
			t.Fatalf("centre of %s: %v %v", sel, p, err)
		}
		return p[0], p[1]
	}
	mouse := func(typ input.DispatchMouseEventType, x, y float64, buttons int64) chromedp.Action[chromedp.Void] {
		return chromedp.MouseEvent(typ, x, y, func(p *input.DispatchMouseEventParams) {
			if typ != chromedp.MouseMoved {
				p.Button = input.MouseButtonLeft
				p.ClickCount = 1
			}
			p.Buttons = buttons
		})
	}

	// From the quadrant, the tab.
	run(chromedp.Navigate(srv.URL+"/teams/payments/boards/qtr?type=Story&type=Bug"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="tab-quarterly"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="tab-quarterly"]`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="chart-leadtime"]`)))
	if u := location(); u.Path != qtrURL || u.RawQuery != "" {
		t.Fatalf("the tab went to %s", u)
	}
	if got := shown(); len(got) != 12 {
		t.Fatalf("%d points before zooming: %v", len(got), got)
	}
	screenshot(t, ctx, srv.URL+qtrURL, "quarterly.png")

	// Hover QTR-7: the tooltip shows its key, summary, lead time and done date.
	point := `[data-testid="chart-leadtime"] a[href$="/browse/QTR-7"] circle`
	x, y := center(point)
	run(mouse(chromedp.MouseMoved, x, y, 0))
	if tip := eval(`(function () { var t = document.querySelector('[data-testid="chart-tip"]'); return t && !t.hidden ? t.textContent : ""; })()`); tip != "QTR-7 · Reopened login fix\n71.0 calendar days\nDone Tue 13 May 2025\nBlocked: 0.0 calendar days" {
		t.Errorf("tooltip %q", tip)
	}
	if png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
		os.WriteFile(filepath.Join(os.TempDir(), "vger-quarterly-hover.png"), png, 0o644)
	}
	// Its link opens the issue in JIRA in a new tab, with neither opener nor referrer.
	if a := eval(`(function () { var a = document.querySelector('` + point + `').parentNode; return [a.getAttribute("href"), a.getAttribute("target"), a.getAttribute("rel")].join(" "); })()`); a != srv.URL+"/jira/browse/QTR-7 _blank noopener noreferrer" {
		t.Errorf("point link %q", a)
	}
	// Drag a box around QTR-8 .. QTR-11 (done Apr 16 .. May 9, 1 to 4 days); QTR-7 (May 13,
	// 71 days) and everything before April stay outside.
	x8, _ := center(`[data-testid="chart-leadtime"] a[href$="/browse/QTR-8"] circle`)
	x11, y11 := center(`[data-testid="chart-leadtime"] a[href$="/browse/QTR-11"] circle`)
	_, y10 := center(`[data-testid="chart-leadtime"] a[href$="/browse/QTR-10"] circle`)
	x0, y0, x1, y1 := x8-8, y11-14, x11+6, y10+12
	steps := []chromedp.Action[chromedp.Void]{mouse(chromedp.MouseMoved, x0, y0, 0), mouse(chromedp.MousePressed, x0, y0, 1)}
	for i := 1; i <= 5; i++ {
		steps = append(steps, mouse(chromedp.MouseMoved, x0+(x1-x0)*float64(i)/5, y0+(y1-y0)*float64(i)/5, 1))
	}
	run(steps...)
	run(mouse(chromedp.MouseReleased, x1, y1, 0), chromedp.WaitVisible(chromedp.CSS(`[data-testid="reset-zoom"]`)))
	u := location()
	q := u.Query()
	for _, k := range []string{"zx0", "zx1", "zy0", "zy1"} {
		if q.Get(k) == "" {
			t.Errorf("no %s in %s", k, u)
		}
	}
	want := []string{"QTR-10", "QTR-11", "QTR-8", "QTR-9"}
	if got := shown(); !slices.Equal(got, want) {
		t.Fatalf("points after zooming to %s: %v, want %v", u.RawQuery, got, want)
	}
	if txt := eval(`document.querySelector('[data-testid="zoom-text"]').textContent`); !strings.HasPrefix(txt, "Zoomed in: 4 of 12 items") {
		t.Errorf("zoom text %q", txt)
	}
	screenshot(t, ctx, u.String(), "quarterly-zoomed.png")

	// Reload: the same region.
	run(chromedp.Navigate(u.String()), chromedp.WaitVisible(chromedp.CSS(`[data-testid="reset-zoom"]`)))
	if got := shown(); !slices.Equal(got, want) || location().RawQuery != u.RawQuery {
		t.Fatalf("after reload: %v at %s", got, location().RawQuery)
	}
	// The lead-time CSV linked from the zoomed page lists exactly the points shown.
	href := eval(`document.querySelector('[data-testid="csv-leadtime"]').getAttribute("href")`)
	res, err := http.Get(srv.URL + href)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	var keys []string
	for _, row := range parseCSV(t, string(raw))[1:] {
		keys = append(keys, row[0])
	}
	slices.Sort(keys)
	if !slices.Equal(keys, want) {
		t.Errorf("CSV of the zoomed view lists %v, the chart %v", keys, want)
	}

	// Reset zoom: every point again, no zoom in the URL.
	run(chromedp.Click(chromedp.CSS(`[data-testid="reset-zoom"]`)), chromedp.WaitNotPresent(chromedp.CSS(`[data-testid="reset-zoom"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="chart-leadtime"]`)))
	if u := location(); u.RawQuery != "" || len(shown()) != 12 {
		t.Errorf("after reset: %s with %d points", u, len(shown()))
	}

	// Without JavaScript's drag: the zoom form does the same.
	run(chromedp.SetValue(chromedp.CSS(`[data-testid="in-zx0"]`), "2025-04-01"), chromedp.SetValue(chromedp.CSS(`[data-testid="in-zy1"]`), "10"),
		chromedp.Click(chromedp.CSS(`[data-testid="zoom-apply"]`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="reset-zoom"]`)))
	if u := location(); u.RawQuery != "zx0=2025-04-01&zy1=10" || !slices.Equal(shown(), want) {
		t.Errorf("zoom form: %s shows %v", u.RawQuery, shown())
	}

	// Last (the new tab takes the focus): a click on a point opens JIRA.
	point = `[data-testid="chart-leadtime"] a[href$="/browse/QTR-8"] circle`
	wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	opened := chromedp.WaitNewTarget(wctx, func(info *target.Info) bool { return strings.HasSuffix(info.URL, "/jira/browse/QTR-8") })
	x, y = center(point)
	run(mouse(chromedp.MouseMoved, x, y, 0), mouse(chromedp.MousePressed, x, y, 1), mouse(chromedp.MouseReleased, x, y, 0))
	select {
	case id, ok := <-opened:
		if !ok {
			t.Error("clicking the point opened no tab")
		} else {
			tab, closeTab := chromedp.NewContext(ctx, chromedp.WithTargetID(id))
			chromedp.Cancel(tab) // close the JIRA tab
			closeTab()
		}
	case <-wctx.Done():
		t.Error("clicking the point opened no JIRA tab")
	}
	cancel()
	if u := location(); u.Path != qtrURL {
		t.Fatalf("the click navigated this tab to %s", u)
	}
}

// screenshot saves a full-page PNG of url to /tmp (and $VGER_SCREENSHOT_DIR).
func screenshot(t *testing.T, ctx context.Context, url, name string) {
	t.Helper()
	dirs := []string{os.TempDir()}
	if d := os.Getenv("VGER_SCREENSHOT_DIR"); d != "" {
		dirs = append(dirs, d)
	}
	for _, dir := range dirs {
		path := filepath.Join(dir, "vger-"+name)
		if err := browsertest.Screenshot(ctx, url, path); err != nil {
			t.Errorf("screenshot %s: %v", path, err)
		}
	}
}
