package web_test

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// browserPage drives one browser tab for a test: actions, script values,
// the address, element centres and mouse events.
type browserPage struct {
	t   *testing.T
	ctx context.Context
}

func (p browserPage) run(actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, actions...); err != nil {
		p.t.Fatal(err)
	}
}

func (p browserPage) eval(js string) string {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](js))
	if err != nil {
		p.t.Fatalf("%s: %v", js, err)
	}
	return v
}

func (p browserPage) location() *url.URL {
	p.t.Helper()
	u, err := url.Parse(p.eval(`location.href`))
	if err != nil {
		p.t.Fatal(err)
	}
	return u
}

// follow clicks and waits for the next page's element (the old page is
// marked, so its elements cannot answer the wait).
func (p browserPage) follow(click, wait string) {
	p.t.Helper()
	p.eval(`document.body.insertAdjacentHTML("beforeend", '<i id="old-page"></i>'); ""`)
	p.run(chromedp.Click(chromedp.CSS(click)), chromedp.WaitNotPresent(chromedp.CSS(`#old-page`)), chromedp.WaitVisible(chromedp.CSS(wait)))
}

// labels are the data-label attributes of the elements matching sel, sorted.
func (p browserPage) labels(sel string) []string {
	p.t.Helper()
	out := strings.Fields(p.eval(`Array.from(document.querySelectorAll(` + strconv.Quote(sel) + `), c => c.getAttribute("data-label")).join(" ")`))
	slices.Sort(out)
	return out
}

// center is the viewport position of an element's centre, scrolled into
// view. Scrolling moves everything else: take other positions with at.
func (p browserPage) center(sel string) (float64, float64) {
	p.t.Helper()
	return p.position(sel, `el.scrollIntoView({block: "center"});`)
}

// at is the viewport position of an element's centre, without scrolling.
func (p browserPage) at(sel string) (float64, float64) {
	p.t.Helper()
	return p.position(sel, "")
}

func (p browserPage) position(sel, scroll string) (float64, float64) {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]float64](`new Promise(function (done) {
		var el = document.querySelector(`+strconv.Quote(sel)+`);
		`+scroll+`
		requestAnimationFrame(function () { requestAnimationFrame(function () {
			var r = el.getBoundingClientRect(); done([r.left + r.width / 2, r.top + r.height / 2]);
		}); });
	})`, chromedp.EvalAwaitPromise))
	if err != nil || len(v) != 2 {
		p.t.Fatalf("centre of %s: %v %v", sel, v, err)
	}
	return v[0], v[1]
}

func mouseAt(typ input.DispatchMouseEventType, x, y float64, buttons int64) chromedp.Action[chromedp.Void] {
	return chromedp.MouseEvent(typ, x, y, func(p *input.DispatchMouseEventParams) {
		if typ != chromedp.MouseMoved {
			p.Button = input.MouseButtonLeft
			p.ClickCount = 1
		}
		p.Buttons = buttons
	})
}

// drag presses at (x0, y0), moves in steps to (x1, y1) and releases.
func (p browserPage) drag(x0, y0, x1, y1 float64) {
	p.t.Helper()
	steps := []chromedp.Action[chromedp.Void]{mouseAt(chromedp.MouseMoved, x0, y0, 0), mouseAt(chromedp.MousePressed, x0, y0, 1)}
	for i := 1; i <= 5; i++ {
		steps = append(steps, mouseAt(chromedp.MouseMoved, x0+(x1-x0)*float64(i)/5, y0+(y1-y0)*float64(i)/5, 1))
	}
	p.run(steps...)
	p.run(mouseAt(chromedp.MouseReleased, x1, y1, 0))
}

// click moves to (x, y), presses and releases.
func (p browserPage) click(x, y float64) {
	p.t.Helper()
	p.run(mouseAt(chromedp.MouseMoved, x, y, 0), mouseAt(chromedp.MousePressed, x, y, 1), mouseAt(chromedp.MouseReleased, x, y, 0))
}
