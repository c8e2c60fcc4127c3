package web_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/vger-dev/vger/internal/browsertest"
)

// TestAnnotationsInBrowser is issue 12's retro walk in Chromium: add an
// annotation (a refused one first), see it on the quadrant, open the
// before/after comparison from it, reload that URL and get the same page.
func TestAnnotationsInBrowser(t *testing.T) {
	t.Parallel()
	s, _ := loadFixture(t)
	srv := httptest.NewServer(s.Routes())
	defer srv.Close()
	p := tab{t: t, ctx: browsertest.Tab(t), url: srv.URL}

	p.open(quadrantURL+"/annotations", testid("annotation-form"))
	p.do(chromedp.SendKeys(q(testid("input-label")), "WIP limit 3 from here"), chromedp.Click(q(testid("submit"))),
		chromedp.WaitVisible(q(testid("error-date"))))
	if got := p.text(testid("error-date")); got != "Give the day it starts." {
		t.Fatalf("no date: %q", got)
	}
	p.do(chromedp.SetValue(q(testid("input-date")), "2025-03-10"), chromedp.Click(q(testid("submit"))),
		chromedp.WaitVisible(q(testid("annotation"))))
	if got := p.text(testid("annotation-label")); got != "WIP limit 3 from here" {
		t.Fatalf("listed %q", got)
	}

	p.open(quadrantURL+"?from=2025-02-03&to=2025-03-30", `[data-testid="chart-throughput"] [data-testid$="-notes"]`)
	got, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.querySelector('[data-testid="chart-throughput"] [data-testid$="-notes"]').textContent`))
	if err != nil || !strings.Contains(got, "WIP limit 3 from here") {
		t.Fatalf("marker %q", got)
	}
	p.open(quadrantURL+"?from=2025-02-03&to=2025-03-30&notes=off", `[data-testid="chart-throughput"]`)
	if n, _ := chromedp.Run(p.ctx, chromedp.Evaluate[int](`document.querySelectorAll('svg [data-testid$="-notes"]').length`)); n != 0 {
		t.Fatalf("notes=off: %d marker layers", n)
	}

	p.open("/teams/payments", testid("team-annotations"))
	p.do(chromedp.Click(q(testid("annotation-compare"))), chromedp.WaitVisible(q(`[data-testid="reading-throughput"]`)))
	href, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`location.pathname + location.search`))
	if err != nil {
		t.Fatal(err)
	}
	if want := quadrantURL + "/compare?a0=2025-01-13&a1=2025-03-09&b0=2025-03-10&b1=2025-05-04"; href != want {
		t.Fatalf("comparison at %q, want %q", href, want)
	}
	main := func() string {
		v, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.querySelector('main').innerText`))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	before := main()
	p.do(chromedp.Reload(), chromedp.WaitVisible(q(`[data-testid="reading-throughput"]`)))
	if after := main(); after != before {
		t.Fatalf("reloaded comparison differs:\n%s\n---\n%s", before, after)
	}
}
