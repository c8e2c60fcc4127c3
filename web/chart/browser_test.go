package chart

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/vger-dev/vger/internal/browsertest"
	"github.com/vger-dev/vger/static"
)

func TestMain(m *testing.M) { browsertest.Main(m) }

// The site's policy (web/middleware.go): chart.js and chart.css must work
// under it, and the charts must need nothing it forbids.
const sitePolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// testHooks records CSP violations and stubs window.open; it is a file
// (inline script would be blocked) loaded before chart.js.
const testHooks = `window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) { window.__violations.push(e.violatedDirective + " " + e.blockedURI); });
window.__opened = [];
window.open = function (u, t, f) { window.__opened.push([String(u), t, f]); return null; };`

func chartPage(t *testing.T) *httptest.Server {
	t.Helper()
	mon := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)
	weekly := &Chart{ID: "tp", Title: "Throughput <script>alert(1)</script>", X: Time{Period: Week}, Y: Linear{Integer: true, Unit: "items"},
		Layers: []Layer{
			&Bars{ID: "delivered", Series: []Series{{Name: "Delivered", Data: weeks(time.UTC, mon, 4, 6, 2, 5)}}},
			&Line{ID: "p80", Name: "80% likely", Style: Likelihood(80), Step: true, Data: weeks(time.UTC, mon, 3, 3, 3, 3)},
		}}
	var many []Datum
	for i := range 1200 {
		key := "PROJ-" + strconv.Itoa(1000+i)
		many = append(many, Datum{X: T(mon.AddDate(0, 0, i%200)), Y: float64(1 + i%37), Label: key, Href: "https://jira.example.com/browse/" + key})
	}
	scatter := &Chart{ID: "lt", Title: "Lead time", X: Time{}, Y: Linear{Unit: "days"},
		Zoom:   &Zoom{Axes: "xy", Params: []string{"zx0", "zx1", "zy0", "zy1"}},
		Layers: []Layer{&Scatter{Name: "Story", Data: many}}}
	detailed := &Chart{ID: "few", Title: "Few points", X: Time{}, Zoom: &Zoom{Axes: "x", Params: []string{"from", "to"}},
		Layers: []Layer{&Scatter{Name: "Bug", Data: []Datum{
			{X: T(mon), Y: 2, Label: "BUG-1", Href: "https://jira.example.com/browse/BUG-1"},
			{X: T(mon.AddDate(0, 0, 30)), Y: 5, Label: "BUG-2"},
		}}}}
	var body bytes.Buffer
	body.WriteString(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>charts</title>` +
		`<link rel="stylesheet" href="/static/css/chart.css"><script src="/hooks.js"></script><script src="/static/js/chart.js" defer></script></head><body>`)
	for _, c := range []*Chart{weekly, scatter, detailed} {
		body.WriteString(`<div>`)
		if err := c.Render(&body); err != nil {
			t.Fatal(err)
		}
		body.WriteString(`</div>`)
	}
	body.WriteString(`</body></html>`)
	page := body.Bytes()

	mux := http.NewServeMux()
	mux.Handle("/static/", http.StripPrefix("/static/", http.FileServerFS(static.FS)))
	mux.HandleFunc("/hooks.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		w.Write([]byte(testHooks))
	})
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", sitePolicy)
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func mouse(typ input.DispatchMouseEventType, x, y float64, buttons int64) chromedp.Action[chromedp.Void] {
	return chromedp.MouseEvent(typ, x, y, func(p *input.DispatchMouseEventParams) {
		if typ != chromedp.MouseMoved {
			p.Button = input.MouseButtonLeft
			p.ClickCount = 1
		}
		p.Buttons = buttons
	})
}

// clientPoint evaluates a JS expression giving [x, y] in viewport pixels,
// after scrolling the element of sel into view.
func clientPoint(t *testing.T, ctx context.Context, sel, expr string) (float64, float64) {
	t.Helper()
	// Scrolling fires a scroll event (which hides the tooltip) a frame
	// later: wait two frames before measuring.
	p, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`new Promise(function (done) {
		var el = document.querySelector(`+strconv.Quote(sel)+`);
		el.scrollIntoView({block: "center"});
		requestAnimationFrame(function () { requestAnimationFrame(function () {
			done((function () { `+expr+` })());
		}); });
	})`, chromedp.EvalAwaitPromise))
	if err != nil || len(p) != 2 {
		t.Fatalf("point of %s: %v %v", sel, p, err)
	}
	return p[0], p[1]
}

func tipText(t *testing.T, ctx context.Context) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function () {
		var t = document.querySelector(".chart-tip");
		return t && !t.hidden ? t.textContent : "";
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestBrowserTooltipsZoomAndLinks(t *testing.T) {
	t.Parallel()
	srv := chartPage(t)
	ctx := browsertest.Tab(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/?keep=1"), chromedp.WaitVisible(`[data-testid="chart-lt"]`)); err != nil {
		t.Fatal(err)
	}
	// The script must have loaded: its tooltip appears on the first hover.
	// Hover a bar: the tooltip shows its <title>, escaped labels stay text.
	x, y := clientPoint(t, ctx, `[data-testid="tp-delivered-2025-01-13"]`,
		`var r = el.getBoundingClientRect(); return [r.left + r.width / 2, r.bottom - 3];`)
	if err := chromedp.Do(ctx, mouse(chromedp.MouseMoved, x, y, 0)); err != nil {
		t.Fatal(err)
	}
	if got := tipText(t, ctx); got != "Week of 13 Jan 2025\nDelivered: 6 items" {
		t.Errorf("bar tooltip %q", got)
	}
	// The native tooltip is not shown twice: the title moved to data-tip.
	n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="tp-delivered-2025-01-13"] > title').length`))
	if n != 0 {
		t.Error("title still present after hover")
	}

	// Hover and click a compact scatter point: label, value and date in
	// the tooltip; the link opens in a new tab without opener or referrer.
	x, y = clientPoint(t, ctx, `[data-testid="lt-story"]`, `
		var d = el.getAttribute("d").match(/-?(?:\d+\.?\d*|\.\d+)/g);
		var svg = el.ownerSVGElement, p = svg.createSVGPoint();
		p.x = +d[0]; p.y = +d[1];
		p = p.matrixTransform(svg.getScreenCTM());
		return [p.x, p.y];`)
	if err := chromedp.Do(ctx, mouse(chromedp.MouseMoved, x, y, 0)); err != nil {
		t.Fatal(err)
	}
	tip := tipText(t, ctx)
	if dir := os.Getenv("VGER_SCREENSHOT_DIR"); dir != "" {
		if png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
			os.WriteFile(filepath.Join(dir, "chart-tooltip.png"), png, 0o644)
		}
	}
	if !strings.HasPrefix(tip, "PROJ-") || !strings.Contains(tip, "days") || !strings.Contains(tip, "2025") {
		t.Errorf("point tooltip %q", tip)
	}
	if err := chromedp.Do(ctx, mouse(chromedp.MousePressed, x, y, 1), mouse(chromedp.MouseReleased, x, y, 0)); err != nil {
		t.Fatal(err)
	}
	opened, err := chromedp.Run(ctx, chromedp.Evaluate[[][]string](`window.__opened`))
	if err != nil {
		t.Fatal(err)
	}
	key := strings.SplitN(tip, "\n", 2)[0]
	if len(opened) != 1 || opened[0][0] != "https://jira.example.com/browse/"+key || opened[0][1] != "_blank" || opened[0][2] != "noopener,noreferrer" {
		t.Errorf("opened %q; want the link of %s", opened, key)
	}

	// Drag a region: the URL gets the zoom parameters, keeping the others.
	x0, y0 := clientPoint(t, ctx, `[data-testid="chart-lt"]`, `
		var p = el.getAttribute("data-plot").split(" ").map(Number), m = el.getScreenCTM();
		var a = el.createSVGPoint(); a.x = p[0] + p[2] * 0.25; a.y = p[1] + p[3] * 0.2;
		a = a.matrixTransform(m); return [a.x, a.y];`)
	x1, y1 := x0+200, y0+120
	steps := []chromedp.Action[chromedp.Void]{mouse(chromedp.MouseMoved, x0, y0, 0), mouse(chromedp.MousePressed, x0, y0, 1)}
	for i := 1; i <= 5; i++ {
		steps = append(steps, mouse(chromedp.MouseMoved, x0+(x1-x0)*float64(i)/5, y0+(y1-y0)*float64(i)/5, 1))
	}
	sel, err := func() (int, error) {
		if err := chromedp.Do(ctx, steps...); err != nil {
			return 0, err
		}
		return chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="chart-zoom-selection"]').length`))
	}()
	if err != nil || sel != 1 {
		t.Errorf("selection rectangle while dragging: %d %v", sel, err)
	}
	if err := chromedp.Do(ctx, mouse(chromedp.MouseReleased, x1, y1, 0), chromedp.WaitVisible(`[data-testid="chart-lt"]`)); err != nil {
		t.Fatal(err)
	}
	var loc string
	for range 50 {
		loc, err = chromedp.Run(ctx, chromedp.Location())
		if err == nil && strings.Contains(loc, "zx0") {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if q.Get("keep") != "1" {
		t.Errorf("zoom dropped other parameters: %s", loc)
	}
	from, err1 := time.Parse("2006-01-02", q.Get("zx0"))
	to, err2 := time.Parse("2006-01-02", q.Get("zx1"))
	lo, err3 := strconv.ParseFloat(q.Get("zy0"), 64)
	hi, err4 := strconv.ParseFloat(q.Get("zy1"), 64)
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil || !from.Before(to) || !(lo < hi) || lo < 0 || hi > 40 {
		t.Errorf("zoom parameters in %s", loc)
	}
	if from.Year() != 2025 {
		t.Errorf("zoom start %v outside the data", from)
	}
	if !(lo < 0.8*37 && hi > lo) {
		t.Errorf("zoom y %v..%v", lo, hi)
	}

	// A plain click on a detailed point follows its link (the <a>), and
	// a short drag on a zoom chart does nothing.
	violations, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__violations`))
	if err != nil || len(violations) != 0 {
		t.Errorf("CSP violations: %q %v", violations, err)
	}
	link, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function () {
		var a = document.querySelector('[data-testid="few-bug"] a');
		return a.getAttribute("href") + " " + a.getAttribute("target") + " " + a.getAttribute("rel");
	})()`))
	if err != nil || link != "https://jira.example.com/browse/BUG-1 _blank noopener noreferrer" {
		t.Errorf("detailed link %q %v", link, err)
	}
}
