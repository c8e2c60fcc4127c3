package web_test

import (
	"strings"
	"testing"
)

const botOut = "exclude=dependabot%5Bbot%5D"

func TestPRQuarterlyNumbersMatchHandWork(t *testing.T) {
	t.Parallel()
	s, _ := loadPRQuarterlyFixture(t)
	res, body := get(t, s.Routes(), prqURL+"?"+botOut)
	if res.StatusCode != 200 {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	d := doc(t, body)
	testids(t, d, map[string]string{
		// Quarters from the first PR's (pay#1, Jul 2024) to the current one.
		"range": "Q3 2024 to Q2 2025 · fiscal year starts in April",
		// Merged per quarter, by merge date, each PR once, without the bot:
		// Q3 2024: pay#1, web#1 = 2. Q4 2024: pay#2, web#2 = 2 (pay#3 was rejected, pay#4
		// is the bot's). Q1 2025: web#3 (opened in December), pay#5 (noise), pay#6 = 3.
		// Q2 2025 (so far): pay#7..11 and web#4..7 = 9; web#8 is still open.
		"qt-2024-07-01-1": "2", "qt-2024-10-01-1": "2", "qt-2025-01-01-1": "3", "qt-2025-04-01-1": "9",
		// The fiscal year starts in April: Apr–Jun is fiscal Q1, Jul–Sep fiscal Q2.
		"qt-2025-04-01-3": "Q1", "qt-2024-07-01-3": "Q2", "qt-2025-01-01-3": "Q4",
		// 2 + 2 + 3 = 7 in the complete quarters; 9 so far in the current one.
		"stat-merged": "7", "stat-current": "9",
		// Flat lines over the complete quarters [2 2 3], descending 3 2 2: 50% needs 1.5 of 3
		// quarters -> the 2nd = 2; 80% needs 2.4 -> the 3rd = 2; 90% -> 2.
		"stat-flat-50": "2", "stat-flat-80": "2", "stat-flat-90": "2",
		// Lead time per quarter (type 7, h = (n-1)p), noise left out:
		// Q3 2024 {2 4}: p50 3.0; p80 2+.8x2 = 3.6; p90 3.8.
		"ql-2024-07-01-1": "2", "ql-2024-07-01-2": "3.0", "ql-2024-07-01-3": "3.6", "ql-2024-07-01-4": "3.8",
		// Q4 2024 {1 6}: p50 3.5; p80 1+.8x5 = 5.0; p90 5.5.
		"ql-2024-10-01-1": "2", "ql-2024-10-01-2": "3.5", "ql-2024-10-01-3": "5.0", "ql-2024-10-01-4": "5.5",
		// Q1 2025 {3 17} (pay#5 took 5 minutes): p50 10.0; p80 3+.8x14 = 14.2; p90 15.6.
		"ql-2025-01-01-1": "2", "ql-2025-01-01-2": "10.0", "ql-2025-01-01-3": "14.2", "ql-2025-01-01-4": "15.6",
		// Q2 2025 {1 1 1 1 1 2 3 4 4}: p50 h=4 -> 1.0; p80 h=6.4 -> 3+.4x1 = 3.4; p90 h=7.2 -> 4.0.
		"ql-2025-04-01-1": "9", "ql-2025-04-01-2": "1.0", "ql-2025-04-01-3": "3.4", "ql-2025-04-01-4": "4.0",
		// Next quarter Jul 1 (Tue) – Sep 30 (Tue) 2025 overlaps the 14 weeks of Mon Jun 30 ..
		// Mon Sep 29. The last 4 complete weeks (Apr 14, 21, 28, May 5) merged 2 PRs each
		// (pay#11 is in the current week), so every trial draws 14 twos: 14 x 2 = 28 at
		// every likelihood, whatever the seed.
		"forecast-50": "28", "forecast-80": "28", "forecast-90": "28",
		"zoom-text": "16 pull requests merged in these quarters. Drag across the chart to zoom in.",
	})
	if h := strings.TrimSpace(d.Find("#forecast-h").Text()); h != "Next quarter: Q3 2025 (1 Jul – 30 Sep 2025)" {
		t.Errorf("forecast heading %q", h)
	}
	basis := d.Find(`[data-testid="forecast-basis"]`).Text()
	for _, want := range []string{"14 Monday-to-Sunday weeks", "the last 4 complete weeks (14 Apr 2025 – 11 May 2025: 2, 2, 2, 2)", "seed 1."} {
		if !strings.Contains(basis, want) {
			t.Errorf("forecast basis %q lacks %q", basis, want)
		}
	}
	if u := d.Find(`[data-testid="forecast"] .stat-label`).Last().Text(); u != "PRs" {
		t.Errorf("forecast unit %q", u)
	}
	// The charts draw the same numbers: bars, flat lines, per-quarter lines.
	bar := d.Find(`[data-testid="prquarterly-merged-q2-2025"]`)
	if v, _ := bar.Attr("data-value"); v != "9" || bar.AttrOr("data-partial", "") != "true" {
		t.Errorf("current quarter's bar: value %q partial %q", v, bar.AttrOr("data-partial", ""))
	}
	if v := attr(t, d, `[data-testid="prquarterly-flat50"]`, "data-value"); v != "2" {
		t.Errorf("flat 50%% line at %q", v)
	}
	for id, v := range map[string]string{"prleadtime-p80-2025-04-01": "3.4", "prleadtime-p90-2024-10-01": "5.5", "prleadtime-p50-2025-01-01": "10"} {
		if got := attr(t, d, `[data-testid="`+id+`"]`, "data-value"); got != v {
			t.Errorf("%s at %q, want %s", id, got, v)
		}
	}
	// One point per merged PR, noise included (16), one colour per repository:
	// acme/pay 1 2 5 6 7 8 9 10 11, acme/web 1..7.
	if p, w := d.Find(`[data-testid="prleadtime-repo-acme-pay"] circle`).Length(), d.Find(`[data-testid="prleadtime-repo-acme-web"] circle`).Length(); p != 9 || w != 7 {
		t.Errorf("points: %d of acme/pay, %d of acme/web", p, w)
	}
	if txt := d.Find(`[data-testid="chart-prleadtime"] [data-testid="prleadtime-legend"]`).Text(); !strings.Contains(txt, "acme/pay") || !strings.Contains(txt, "acme/web") {
		t.Errorf("legend %q lacks the repositories", txt)
	}
	// Hover text (repo#number · title, lead time, merge date) and the GitHub link.
	a := d.Find(`a[href="https://github.com/acme/web/pull/3"]`)
	if a.Length() != 1 || a.AttrOr("target", "") != "_blank" || a.AttrOr("rel", "") != "noopener noreferrer" {
		t.Fatalf("web#3's link: %d %q %q", a.Length(), a.AttrOr("target", ""), a.AttrOr("rel", ""))
	}
	if got := a.Find("title").Text(); got != "acme/web#3 · Design system\n17.0 calendar days\nMerged Mon 6 Jan 2025" {
		t.Errorf("web#3's hover text %q", got)
	}
	if got := d.Find(`a[href$="/acme/web/pull/6"] title`).Text(); !strings.HasPrefix(got, `acme/web#6 · <b>Faster</b> "checkout" & more`) {
		t.Errorf("web#6's hover text %q", got)
	}
	if strings.Contains(body, `<b>Faster</b>`) {
		t.Error("a title with markup is not escaped")
	}
	if got := d.Find(`a[href$="/acme/pay/pull/5"] title`).Text(); !strings.Contains(got, "left out of the lines") {
		t.Errorf("the noise PR's hover text %q", got)
	}
	// Neither the bot's nor the rejected nor the open PR is drawn.
	for _, n := range []string{"pay/pull/4", "pay/pull/3", "web/pull/8"} {
		if d.Find(`a[href$="/acme/`+n+`"]`).Length() != 0 {
			t.Errorf("%s is drawn", n)
		}
	}
	// The release tag is a marker; quarters are named bands.
	if v := attr(t, d, `[data-testid="prleadtime-tags-0"]`, "data-label"); v != "v2.0" {
		t.Errorf("tag marker %q", v)
	}
	if v := attr(t, d, `[data-testid="prleadtime-quarters-alt-1"]`, "data-label"); v != "Q2 2025 (so far)" {
		t.Errorf("current quarter band %q", v)
	}
	if d.Find(`[data-testid="empty-state"]`).Length() != 0 || d.Find(`[data-testid="notice"]`).Length() != 0 {
		t.Error("empty state or notice on a board with pull requests")
	}
}
