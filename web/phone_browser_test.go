package web_test

import (
	"fmt"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/vger-dev/vger/internal/browsertest"
)

// TestPhoneWidthInBrowser: at a phone's width (390 px) every chart is drawn
// at 80% of its own width or more, so its 11-12 px text stays legible, and
// scrolls sideways in its frame while the page itself does not; the
// current tab of the board strip (Settings, at the far end) is scrolled
// into view.
func TestPhoneWidthInBrowser(t *testing.T) {
	t.Parallel()
	s, _ := loadFixture(t)
	srv := httptest.NewServer(s.Routes())
	defer srv.Close()
	p := browserPage{t: t, ctx: browsertest.Tab(t)}
	p.run(chromedp.EmulateViewport(390, 844))
	for _, path := range []string{quadrantURL, quadrantURL + "/flow", quadrantURL + "/quarterly"} {
		p.run(chromedp.Navigate(srv.URL+path), chromedp.WaitVisible(chromedp.CSS(`svg.chart`)))
		n, _ := strconv.Atoi(p.eval(`String(document.querySelectorAll("svg.chart").length)`))
		if n == 0 {
			t.Fatalf("%s: no charts", path)
		}
		// The smallest scale any chart is drawn at, and the chart.
		small := p.eval(`(function () {
			var least = 9, id = "";
			document.querySelectorAll("svg.chart").forEach(function (svg) {
				var s = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
				if (s < least) { least = s; id = svg.getAttribute("data-testid"); }
			});
			return least.toFixed(3) + " " + id;
		})()`)
		if scale, _ := strconv.ParseFloat(small[:5], 64); scale < 0.79 {
			t.Errorf("%s: a chart is drawn at %s of its size: its 11 px text at %.1f px", path, small, 11*scale)
		}
		if w := p.eval(`document.documentElement.scrollWidth + " " + document.documentElement.clientWidth`); w != "390 390" {
			t.Errorf("%s: the page scrolls sideways (scroll width, width: %s)", path, w)
		}
		if o := p.eval(`getComputedStyle(document.querySelector("svg.chart").parentElement).overflowX`); o != "auto" {
			t.Errorf("%s: the chart's frame does not scroll (overflow-x %s)", path, o)
		}
	}
	settings := chromedp.Navigate(srv.URL + quadrantURL + "/settings")
	p.run(settings, chromedp.WaitVisible(chromedp.CSS(`[data-testid="tab-settings"]`)))
	if in := p.eval(`(function () {
		var nav = document.querySelector("nav.tabs").getBoundingClientRect();
		var tab = document.querySelector('nav.tabs [aria-current="page"]').getBoundingClientRect();
		return String(tab.left >= nav.left - 1 && tab.right <= nav.right + 1); // borders: sub-pixel
	})()`); in != "true" {
		t.Errorf("the current tab (Settings) is scrolled out of view")
	}
	// The settings form fits a phone too: nothing but the tab strip
	// scrolls sideways.
	if w := p.eval(`document.documentElement.scrollWidth + " " + document.documentElement.clientWidth`); w != "390 390" {
		wide := p.eval(`(function () {
			var out = [];
			document.querySelectorAll("main *").forEach(function (el) {
				var r = el.getBoundingClientRect();
				if (r.right > 391 && !el.closest("nav.tabs") && out.length < 8) { out.push(el.tagName + "." + el.className + "#" + (el.id || el.getAttribute("name") || "") + " " + Math.round(r.right)); }
			});
			return out.join("; ");
		})()`)
		t.Errorf("settings: the page scrolls sideways (scroll width, width: %s): %s", w, wide)
	}
	// On a laptop's width every tab fits: none hides behind a scroll.
	p.run(chromedp.EmulateViewport(1280, 900), settings, chromedp.WaitVisible(chromedp.CSS(`[data-testid="tab-settings"]`)))
	w := p.eval(`(function () { var n = document.querySelector("nav.tabs"); return n.scrollWidth + " " + n.clientWidth; })()`)
	var scrollW, width int
	if _, err := fmt.Sscan(w, &scrollW, &width); err != nil || scrollW > width {
		t.Errorf("at 1280 px the tabs overflow their strip (scroll width, width: %s)", w)
	}
}
