package web_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
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

// The bot's PR counts unless excluded; quarters follow the fiscal year;
// the repository filter, the lines and the quarter range change the numbers.
func TestPRQuarterlyFiltersFiscalYearAndLines(t *testing.T) {
	t.Parallel()
	s, _ := loadPRQuarterlyFixture(t)
	tests := []struct {
		query   string
		want    map[string]string
		heading string
		absent  []string // test ids that must not be on the page
	}{
		{
			// No author left out (the board's list is empty): dependabot[bot]'s pay#4 (1 day,
			// Dec 3) counts in Q4 2024: 3 merged, lines over {1 1 6}: p50 1.0; p80 h=1.6 ->
			// 1+.6x5 = 4.0; p90 h=1.8 -> 5.0. Complete quarters [2 3 3], descending 3 3 2: 50%
			// -> the 2nd = 3; 80% needs 2.4 -> the 3rd = 2; 90% -> 2. 17 points.
			query: "",
			want: map[string]string{"qt-2024-10-01-1": "3", "stat-merged": "8", "stat-flat-50": "3", "stat-flat-80": "2", "stat-flat-90": "2",
				"ql-2024-10-01-1": "3", "ql-2024-10-01-2": "1.0", "ql-2024-10-01-3": "4.0", "ql-2024-10-01-4": "5.0", "forecast-80": "28",
				"zoom-text": "17 pull requests merged in these quarters. Drag across the chart to zoom in."},
		},
		{
			// Fiscal year from February: Feb–Apr, May–Jul, Aug–Oct, Nov–Jan, from the first PR's
			// quarter (May–Jul 2024) to the current one (May–Jul 2025):
			// May–Jul 2024: pay#1 = 1. Aug–Oct: web#1 (Aug 9), pay#2 (Oct 8) = 2; {1 4}: p50 2.5,
			// p80 1+.8x3 = 3.4, p90 3.7. Nov–Jan: web#2 (Nov 10), web#3 (Jan 6) = 2; {6 17}:
			// 11.5, 6+.8x11 = 14.8, 15.9. Feb–Apr 2025: pay#5 (noise), pay#6, pay#7, web#4,
			// pay#8, web#5, pay#9 = 7; lines over six, {1 1 1 2 3 3}: p50 h=2.5 -> 1.5; p80 h=4
			// -> 3.0; p90 h=4.5 -> 3.0. May–Jul 2025 (so far): web#6 (May 2), pay#10, web#7,
			// pay#11 = 4; {1 1 4 4}: p50 h=1.5 -> 2.5; p80 h=2.4 -> 4.0.
			// Flat over [1 2 2 7], descending 7 2 2 1: 50% needs 2 -> 2; 80% needs 3.2 -> the
			// 4th = 1; 90% -> 1. The next quarter, Aug 1 (Fri) – Oct 31 (Fri), overlaps the
			// weeks of Jul 28 .. Oct 27: 14 -> 28.
			query: botOut + "&fiscal=2",
			want: map[string]string{"qt-2024-05-01-1": "1", "qt-2024-08-01-1": "2", "qt-2024-11-01-1": "2", "qt-2025-02-01-1": "7", "qt-2025-05-01-1": "4",
				"qt-2024-11-01-2": "1 Nov 2024 – 31 Jan 2025", "qt-2024-11-01-3": "Q4", "qt-2025-02-01-3": "Q1", "qt-2025-05-01-3": "Q2",
				"stat-merged": "12", "stat-current": "4", "stat-flat-50": "2", "stat-flat-80": "1", "stat-flat-90": "1",
				"ql-2024-08-01-2": "2.5", "ql-2024-08-01-3": "3.4", "ql-2024-08-01-4": "3.7",
				"ql-2024-11-01-2": "11.5", "ql-2024-11-01-3": "14.8", "ql-2024-11-01-4": "15.9",
				"ql-2025-02-01-1": "6", "ql-2025-02-01-2": "1.5", "ql-2025-02-01-3": "3.0", "ql-2025-02-01-4": "3.0",
				"ql-2025-05-01-2": "2.5", "ql-2025-05-01-3": "4.0", "forecast-50": "28", "forecast-90": "28",
				"range": "May–Jul 2024 to May–Jul 2025 · fiscal year starts in February"},
			heading: "Next quarter: Aug–Oct 2025 (1 Aug – 31 Oct 2025)",
		},
		{
			// acme/web only: one PR in each complete quarter, web#4..7 in Q2 ({2 3 4 4}: p50
			// h=1.5 -> 3.5; p80 h=2.4 -> 4.0); flat [1 1 1] = 1; the last 4 weeks merged one
			// each: 14 x 1 = 14.
			query: botOut + "&repo=acme/web",
			want: map[string]string{"qt-2024-07-01-1": "1", "qt-2024-10-01-1": "1", "qt-2025-01-01-1": "1", "qt-2025-04-01-1": "4",
				"stat-merged": "3", "stat-flat-50": "1", "stat-flat-90": "1", "ql-2025-04-01-2": "3.5", "ql-2025-04-01-3": "4.0",
				"forecast-50": "14", "forecast-90": "14", "zoom-text": "7 pull requests merged in these quarters. Drag across the chart to zoom in."},
			absent: []string{"prleadtime-repo-acme-pay"},
		},
		{
			// Lines at 85 and 95 only: Q3 2024 {2 4}: 2+.85x2 = 3.7, 3.9; Q1 2025 {3 17}:
			// 3+.85x14 = 14.9, 3+.95x14 = 16.3; Q2 2025 h=6.8 -> 3+.8x1 = 3.8, h=7.6 -> 4.0.
			// The flat lines and the forecast stay at 50/80/90.
			query: botOut + "&pct=95&pct=85",
			want: map[string]string{"ql-2024-07-01-2": "3.7", "ql-2024-07-01-3": "3.9", "ql-2025-01-01-2": "14.9", "ql-2025-01-01-3": "16.3",
				"ql-2025-04-01-2": "3.8", "ql-2025-04-01-3": "4.0", "stat-flat-50": "2", "forecast-90": "28"},
			absent: []string{"prleadtime-p50-2025-04-01"},
		},
		{
			// Working days: web#2, Mon Nov 4 09:00 -> Sun Nov 10 09:00, is Mon 15/24 + Tue..Fri 4
			// = 4.625 (the weekend counts 0); Q4 {1 4.625}: p50 2.8125 -> 2.8; p80 1+.8x3.625 =
			// 3.9; p90 1+.9x3.625 = 4.2625 -> 4.3. Tags hidden: no marker.
			query:  botOut + "&days=working&tags=off",
			want:   map[string]string{"ql-2024-10-01-2": "2.8", "ql-2024-10-01-3": "3.9", "ql-2024-10-01-4": "4.3", "qt-2024-10-01-1": "2"},
			absent: []string{"prleadtime-tags-0"},
		},
		{
			// Two complete quarters: [2 3], descending 3 2: 50% -> 3; 80% needs 1.6 -> 2.
			query: botOut + "&qfrom=2024-Q4&qto=2025-03-31",
			want: map[string]string{"qt-2024-10-01-1": "2", "qt-2025-01-01-1": "3", "stat-merged": "5", "stat-flat-50": "3", "stat-flat-80": "2",
				"zoom-text": "5 pull requests merged in these quarters. Drag across the chart to zoom in."},
			absent: []string{"qt-2024-07-01", "stat-current"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			t.Parallel()
			res, body := get(t, s.Routes(), prqURL+"?"+tt.query)
			if res.StatusCode != 200 {
				t.Fatalf("status %d", res.StatusCode)
			}
			d := doc(t, body)
			testids(t, d, tt.want)
			if h := strings.TrimSpace(d.Find("#forecast-h").Text()); tt.heading != "" && h != tt.heading {
				t.Errorf("heading %q, want %q", h, tt.heading)
			}
			for _, id := range tt.absent {
				if d.Find(`[data-testid="`+id+`"]`).Length() != 0 {
					t.Errorf("%s is on the page", id)
				}
			}
		})
	}
	// The bot is offered for exclusion, ticked when excluded.
	_, body := get(t, s.Routes(), prqURL+"?"+botOut)
	if in := doc(t, body).Find(`[data-testid="in-exclude-dependabot[bot]"]`); in.Length() != 1 || in.AttrOr("checked", "no") == "no" {
		t.Error("the bot is not offered, ticked, for exclusion")
	}
}

// The forecast's history is the last W complete weeks of merges.
func TestPRQuarterlyForecastHistory(t *testing.T) {
	t.Parallel()
	s, _ := loadPRQuarterlyFixture(t)
	// Eight weeks: Mar 17 .. May 5 = [0 0 0 0 2 2 2 2] (nothing was merged from Mar 17 to
	// Apr 13): each simulated week is 0 or 2 with even odds, so the answers are even, at
	// most 28, fall as the likelihood rises, and repeat for the same seed.
	_, body := get(t, s.Routes(), prqURL+"?"+botOut+"&window=8")
	d := doc(t, body)
	if b := d.Find(`[data-testid="forecast-basis"]`).Text(); !strings.Contains(b, "the last 8 complete weeks (17 Mar 2025 – 11 May 2025: 0, 0, 0, 0, 2, 2, 2, 2)") {
		t.Errorf("window 8 basis %q", b)
	}
	f50, f80, f90 := d.Find(`[data-testid="forecast-50"]`).Text(), d.Find(`[data-testid="forecast-80"]`).Text(), d.Find(`[data-testid="forecast-90"]`).Text()
	n50, n80, n90 := atoi(t, f50), atoi(t, f80), atoi(t, f90)
	if !(n50 <= 28 && n50 >= n80 && n80 >= n90 && n90 > 0 && n50%2 == 0 && n90%2 == 0) {
		t.Errorf("window 8: %d %d %d", n50, n80, n90)
	}
	_, again := get(t, s.Routes(), prqURL+"?"+botOut+"&window=8")
	if got := doc(t, again).Find(`[data-testid="forecast-80"]`).Text(); got != f80 {
		t.Errorf("the same URL forecast %s, then %s", f80, got)
	}
	// The "another seed" link changes only the seed.
	if href := attr(t, d, `[data-testid="reseed"]`, "href"); href != prqURL+"?"+botOut+"&window=8&seed=2" {
		t.Errorf("reseed link %q", href)
	}
}

// The quarterly CSV lists each quarter's merged PRs; they are exactly the
// PRs the PR quadrant's weekly throughput counts over the same days.
func TestPRQuarterlyCSVMatchesWeeklyMerges(t *testing.T) {
	t.Parallel()
	s, _ := loadPRQuarterlyFixture(t)
	res, body := get(t, s.Routes(), prqURL+".csv?"+botOut)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("%d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	want := [][]string{
		{"quarter", "start", "end", "fiscal_quarter", "partial", "merged", "prs"},
		{"2024-Q3", "2024-07-01", "2024-09-30", "2", "false", "2", "acme/pay#1 acme/web#1"},
		{"2024-Q4", "2024-10-01", "2024-12-31", "3", "false", "2", "acme/pay#2 acme/web#2"},
		{"2025-Q1", "2025-01-01", "2025-03-31", "4", "false", "3", "acme/pay#5 acme/pay#6 acme/web#3"},
		{"2025-Q2", "2025-04-01", "2025-06-30", "1", "true", "9", "acme/pay#7 acme/pay#8 acme/pay#9 acme/pay#10 acme/pay#11 acme/web#4 acme/web#5 acme/web#6 acme/web#7"},
	}
	rows := parseCSV(t, body)
	if !equalRows(rows, want) {
		t.Fatalf("quarterly CSV:\n got %q\nwant %q", rows, want)
	}
	// With the bot: pay#4 in Q4.
	_, body = get(t, s.Routes(), prqURL+".csv")
	if r := parseCSV(t, body)[2]; r[5] != "3" || r[6] != "acme/pay#2 acme/pay#4 acme/web#2" {
		t.Errorf("Q4 with the bot: %q", r)
	}
	// The PR quadrant's weeks from Mon Jul 1 2024 to today: 16 merged in all.
	_, body = get(t, s.Routes(), "/teams/payments/boards/qtr/prs/throughput.csv?from=2024-07-01&to=2025-05-14&"+botOut)
	weekly := 0
	for _, row := range parseCSV(t, body)[1:] {
		weekly += atoi(t, row[2])
	}
	quarterly := 0
	for _, row := range rows[1:] {
		quarterly += atoi(t, row[5])
		if n := len(strings.Fields(row[6])); n != atoi(t, row[5]) {
			t.Errorf("%s: %d PRs listed for %s merged", row[0], n, row[5])
		}
	}
	if weekly != 16 || quarterly != 16 {
		t.Errorf("%d merged by week, %d by quarter, want 16", weekly, quarterly)
	}
}

// The scatterplot's CSV is the PR CSV of the points shown: the quarters,
// and the zoom.
func TestPRQuarterlyLeadTimeCSVFollowsZoom(t *testing.T) {
	t.Parallel()
	s, _ := loadPRQuarterlyFixture(t)
	zoom := "?" + botOut + "&zx0=2025-04-01&zx1=2025-05-14&zy0=0&zy1=2.5"
	_, body := get(t, s.Routes(), prqURL+"-leadtime.csv"+zoom)
	// Merged Apr 1 .. May 14 within 2.5 days, oldest merge first: pay#7 (1), web#4 (2),
	// pay#8, pay#9, pay#10, pay#11 (1 each); web#5 (3), web#6 and web#7 (4) are above the
	// zoom. A title starting with = is neutralised.
	want := [][]string{
		{"repo", "number", "title", "author", "base", "state", "created", "merged", "closed", "lead_time_days", "lines_added", "lines_deleted", "url"},
		{"acme/pay", "7", "Retry card payments", "alice", "main", "merged", "2025-04-14T09:00:00Z", "2025-04-15T09:00:00Z", "2025-04-15T09:00:00Z", "1", "30", "5", "https://github.com/acme/pay/pull/7"},
		{"acme/web", "4", "Address form", "carol", "main", "merged", "2025-04-14T09:00:00Z", "2025-04-16T09:00:00Z", "2025-04-16T09:00:00Z", "2", "80", "8", "https://github.com/acme/web/pull/4"},
		{"acme/pay", "8", "Payout schedule", "bob", "main", "merged", "2025-04-21T09:00:00Z", "2025-04-22T09:00:00Z", "2025-04-22T09:00:00Z", "1", "50", "10", "https://github.com/acme/pay/pull/8"},
		{"acme/pay", "9", `'=HYPERLINK("http://evil")`, "carol", "main", "merged", "2025-04-28T09:00:00Z", "2025-04-29T09:00:00Z", "2025-04-29T09:00:00Z", "1", "5", "5", "https://github.com/acme/pay/pull/9"},
		{"acme/pay", "10", "Currency rounding", "alice", "main", "merged", "2025-05-05T09:00:00Z", "2025-05-06T09:00:00Z", "2025-05-06T09:00:00Z", "1", "20", "2", "https://github.com/acme/pay/pull/10"},
		{"acme/pay", "11", "Statement export", "bob", "main", "merged", "2025-05-12T09:00:00Z", "2025-05-13T09:00:00Z", "2025-05-13T09:00:00Z", "1", "60", "6", "https://github.com/acme/pay/pull/11"},
	}
	if rows := parseCSV(t, body); !equalRows(rows, want) {
		t.Fatalf("zoomed PR lead-time CSV:\n got %q\nwant %q", rows, want)
	}
	// The page with the same zoom draws exactly those points, says so, and offers the way back.
	_, page := get(t, s.Routes(), prqURL+zoom)
	d := doc(t, page)
	var shown []string
	d.Find(`[data-testid="chart-prleadtime"] circle[data-label]`).Each(func(_ int, c *goquery.Selection) { shown = append(shown, c.AttrOr("data-label", "")) })
	if strings.Join(shown, " ") != "acme/pay#7 acme/pay#8 acme/pay#9 acme/pay#10 acme/pay#11 acme/web#4" { // acme/pay's layer first (board order)
		t.Errorf("points shown %q", shown)
	}
	testids(t, d, map[string]string{"zoom-text": "Zoomed in: 6 of 16 pull requests (merged 1 Apr 2025 – 14 May 2025, lead time 0 – 2.5 days)."})
	if r := attr(t, d, `[data-testid="reset-zoom"]`, "href"); r != prqURL+"?"+botOut {
		t.Errorf("reset zoom %q", r)
	}
	if v := attr(t, d, `[data-testid="chart-prleadtime"]`, "data-zoom-params"); v != "zx0,zx1,zy0,zy1" {
		t.Errorf("zoom params %q", v)
	}
	// The no-JavaScript zoom form carries the rest of the view in hidden fields.
	var hidden []string
	d.Find(`[data-testid="zoom-form"] input[type="hidden"]`).Each(func(_ int, in *goquery.Selection) {
		hidden = append(hidden, in.AttrOr("name", "")+"="+in.AttrOr("value", ""))
	})
	if strings.Join(hidden, "&") != "exclude=dependabot[bot]" || attr(t, d, `[data-testid="in-zy1"]`, "value") != "2.5" {
		t.Errorf("zoom form carries %q", hidden)
	}
	if l := strings.TrimSpace(d.Find(`[data-testid="zoom-form"] label`).First().Text()); !strings.HasPrefix(l, "merged from") {
		t.Errorf("zoom form's first label %q", l)
	}
	// Unzoomed: all 16 merged PRs, oldest merge first.
	_, body = get(t, s.Routes(), prqURL+"-leadtime.csv?"+botOut)
	var refs []string
	for _, r := range parseCSV(t, body)[1:] {
		refs = append(refs, strings.TrimPrefix(r[0], "acme/")+"#"+r[1])
	}
	if got := strings.Join(refs, " "); got != "pay#1 web#1 pay#2 web#2 web#3 pay#5 pay#6 pay#7 web#4 pay#8 web#5 pay#9 web#6 pay#10 web#7 pay#11" {
		t.Errorf("unzoomed rows %q", got)
	}
}

func TestPRQuarterlyJSONAndSVG(t *testing.T) {
	t.Parallel()
	s, _ := loadPRQuarterlyFixture(t)
	res, body := get(t, s.Routes(), prqURL+"?format=json&"+botOut+"&zx0=2025-05-07")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("%d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	var out struct {
		Fiscal   int      `json:"fiscal_year_start_month"`
		Repos    []string `json:"repos"`
		Exclude  []string `json:"excluded_authors"`
		Quarters []struct {
			Quarter  string             `json:"quarter"`
			Merged   int                `json:"merged"`
			PRs      []string           `json:"prs"`
			Partial  bool               `json:"partial"`
			LeadTime map[string]float64 `json:"lead_time"`
			Fiscal   int                `json:"fiscal_quarter"`
		} `json:"quarters"`
		Flat map[string]int `json:"flat_likelihood"`
		Next struct {
			History    []int          `json:"history"`
			Likelihood map[string]int `json:"likelihood"`
			Weeks      int            `json:"weeks"`
		} `json:"next_quarter"`
		Zoom   map[string]any `json:"zoom"`
		Points []struct {
			Repo     string  `json:"repo"`
			Number   int     `json:"number"`
			Title    string  `json:"title"`
			Merged   string  `json:"merged"`
			LeadTime float64 `json:"lead_time"`
			URL      string  `json:"url"`
		} `json:"points"`
		InRange int `json:"prs_in_range"`
	}
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatal(err)
	}
	q := out.Quarters
	if out.Fiscal != 4 || strings.Join(out.Repos, " ") != "acme/pay acme/web" || strings.Join(out.Exclude, " ") != "dependabot[bot]" || len(q) != 4 ||
		q[3].Quarter != "2025-Q2" || q[3].Merged != 9 || !q[3].Partial || q[3].LeadTime["80"] != 3.4 || q[3].Fiscal != 1 ||
		strings.Join(q[1].PRs, " ") != "acme/pay#2 acme/web#2" || out.Flat["50"] != 2 {
		t.Fatalf("json: %+v", out)
	}
	if !slices.Equal(out.Next.History, []int{2, 2, 2, 2}) || out.Next.Weeks != 14 || out.Next.Likelihood["80"] != 28 {
		t.Errorf("next quarter: %+v", out.Next)
	}
	// Merged from May 7: web#7 (May 9, 4 days) and pay#11 (May 13).
	if out.InRange != 16 || len(out.Points) != 2 || out.Points[0].Number != 7 || out.Points[0].Repo != "acme/web" || out.Points[0].LeadTime != 4 ||
		out.Points[0].Title != "Receipts" || out.Points[0].Merged != "2025-05-09T09:00:00Z" || out.Points[1].URL != "https://github.com/acme/pay/pull/11" ||
		out.Zoom["merged_from"] != "2025-05-07" {
		t.Fatalf("json points: %+v", out)
	}
	for name, want := range map[string]string{"quarterly-throughput": `data-quarter="Q2 2025" data-value="9"`, "quarterly-leadtime": `href="https://github.com/acme/web/pull/3"`} {
		res, body := get(t, s.Routes(), "/teams/payments/boards/qtr/prs/chart/"+name+".svg?"+botOut)
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(body, "<?xml") || !strings.Contains(body, want) {
			t.Errorf("%s: %d %s %.300s", name, res.StatusCode, res.Header.Get("Content-Type"), body)
		}
	}
}

// Every malformed parameter is a 400 naming it, on the page and every export.
func TestPRQuarterlyBadParameters(t *testing.T) {
	t.Parallel()
	s, _ := loadPRQuarterlyFixture(t)
	cases := map[string]string{
		"qfrom=2025-Q5":                    "qfrom",
		"qto=2025-02-30":                   "qto",
		"qfrom=2025-Q2&qto=2025-Q1":        "qto",
		"qfrom=2010-Q1&qto=2025-Q1":        "qfrom",
		"fiscal=13":                        "fiscal",
		"pct=70":                           "pct",
		"seed=-1":                          "seed",
		"zx0=yesterday":                    "zx0",
		"zx0=2025-05-01&zx1=2025-04-01":    "zx1",
		"zy0=-1":                           "zy0",
		"zy0=5&zy1=5":                      "zy1",
		"repo=acme/nope":                   "repo",
		"repo=%3Cscript%3E":                "repo",
		"base=..%2Fetc":                    "base",
		"base=a%20b":                       "base",
		"exclude=%3Cscript":                "exclude",
		"exclude=a%2Fb":                    "exclude",
		"days=lunar":                       "days",
		"window=3":                         "window",
		"tags=maybe":                       "tags",
		"format=xml":                       "format",
		"weeks=12":                         "weeks",
		"from=2025-01-01":                  "from",
		"to=2025-01-01":                    "to",
		"type=Story":                       "type",
		"start=Review":                     "start",
		"end=Done":                         "end",
		"backlog=absolute":                 "backlog",
		"hide=Review":                      "hide",
		"zoom=2":                           "zoom",
		"days=working&days=calendar":       "days",
		"qfrom=2025-Q1&apply=1&fiscal=abc": "fiscal",
	}
	paths := []string{"/prs/quarterly", "/prs/quarterly.csv", "/prs/quarterly-leadtime.csv", "/prs/chart/quarterly-throughput.svg", "/prs/chart/quarterly-leadtime.svg"}
	checkBadParams(t, s.Routes(), "/teams/payments/boards/qtr", paths, cases)
	if res, _ := get(t, s.Routes(), "/teams/payments/boards/nope/prs/quarterly"); res.StatusCode != 404 {
		t.Errorf("unknown board: %d", res.StatusCode)
	}
}

// A submitted form redirects to the canonical URL: defaults (the board's
// settings, every repository and base branch ticked) left out, parameters in
// a fixed order.
func TestPRQuarterlyFormRedirectsToCanonicalURL(t *testing.T) {
	t.Parallel()
	s, _ := loadPRQuarterlyFixture(t)
	cases := map[string]string{
		// Every field at its default (the form always sends an empty exclude).
		"qfrom=&qto=&fiscal=4&repo=acme/pay&repo=acme/web&base=main&exclude=&days=calendar&window=4&pct=50&pct=80&pct=90&seed=1&tags=on&apply=1": prqURL,
		// Quarters normalised, one repository, the bot left out, lines sorted, the zoom kept.
		"qfrom=2024-10-01&qto=2025-q2&fiscal=2&repo=acme/web&base=main&exclude=&exclude=dependabot[bot]&pct=95&pct=85&seed=7&zx0=2025-04-01&zy1=10&zx1=&zy0=&apply=1": prqURL + "?qfrom=2024-Q4&qto=2025-Q2&fiscal=2&repo=acme%2Fweb&" + botOut + "&pct=85&pct=95&seed=7&zx0=2025-04-01&zy1=10",
		// The zoom form: hidden fields and the four zoom boxes.
		"exclude=dependabot[bot]&days=working&zx0=2025-01-01&zx1=2025-03-31&zy0=0.5&zy1=12.25&apply=1": prqURL + "?" + botOut + "&days=working&zx0=2025-01-01&zx1=2025-03-31&zy0=0.5&zy1=12.25",
	}
	checkRedirects(t, s.Routes(), prqURL, cases)
}

// The JIRA and PR quarterly views link to each other keeping the quarters
// and the settings they share; the board's tabs and the PR quadrant lead here.
func TestPRQuarterlyLinks(t *testing.T) {
	t.Parallel()
	s, _ := loadPRQuarterlyFixture(t)
	_, body := get(t, s.Routes(), qtrURL+"?qfrom=2024-Q4&fiscal=2&type=Bug&window=8&pct=95&seed=3&zy1=5")
	d := doc(t, body)
	if href := attr(t, d, `[data-testid="tab-quarterly-prs"]`, "href"); href != prqURL+"?qfrom=2024-Q4&fiscal=2&window=8&pct=95&seed=3" {
		t.Errorf("to the PR quarterly view: %q", href)
	}
	if d.Find(`[data-testid="tab-quarterly-issues"].active`).Length() != 1 {
		t.Error("the issues switch is not the active one on the JIRA view")
	}
	_, body = get(t, s.Routes(), prqURL+"?qfrom=2024-Q4&qto=2025-Q1&repo=acme/web&"+botOut+"&days=working&zy1=5")
	d = doc(t, body)
	for id, want := range map[string]string{
		"tab-quarterly-issues": qtrURL + "?qfrom=2024-Q4&qto=2025-Q1&days=working",
		"tab-quadrant":         "/teams/payments/boards/qtr?days=working",
		"tab-prs":              "/teams/payments/boards/qtr/prs?repo=acme%2Fweb&" + botOut + "&days=working",
		"tab-quarterly":        qtrURL + "?days=working",
	} {
		if href := attr(t, d, `[data-testid="`+id+`"]`, "href"); href != want {
			t.Errorf("%s: %q, want %q", id, href, want)
		}
	}
	if d.Find(`[data-testid="tab-quarterly"].active`).Length() != 1 || d.Find(`[data-testid="tab-quarterly-prs"].active`).Length() != 1 {
		t.Error("the quarterly tab and the PR switch are not the active ones")
	}
	_, body = get(t, s.Routes(), "/teams/payments/boards/qtr/prs?weeks=8&repo=acme/web&days=working")
	if href := attr(t, doc(t, body), `[data-testid="to-prquarterly"]`, "href"); href != prqURL+"?repo=acme%2Fweb&days=working" {
		t.Errorf("from the PR quadrant: %q", href)
	}
}

// A permalink reproduces the page (apart from links and forms), and keeps
// doing so after the board's settings change.
func TestPRQuarterlyPermalinkReproducesPage(t *testing.T) {
	t.Parallel()
	s, st := loadPRQuarterlyFixture(t)
	_, body := get(t, s.Routes(), prqURL+"?"+botOut+"&zy1=20")
	perm := attr(t, doc(t, body), `[data-testid="permalink"]`, "href")
	if want := prqURL + "?qfrom=2024-Q3&qto=2025-Q2&fiscal=4&repo=acme%2Fpay&repo=acme%2Fweb&" + botOut + "&days=calendar&window=4&tags=on&notes=on&pct=50&pct=80&pct=90&seed=1&zy1=20"; perm != want {
		t.Fatalf("permalink\n got %s\nwant %s", perm, want)
	}
	_, permBody := get(t, s.Routes(), perm)
	strip := func(b string) string {
		d := doc(t, b)
		d.Find(`[data-testid="data-as-of"], [data-testid="permalink"], [data-testid="reseed"], [data-testid="reset-zoom"], form, nav.tabs, [data-testid="json"], [data-testid^="csv-"], .downloads`).Remove()
		h, _ := d.Html()
		return h
	}
	if strip(body) != strip(permBody) {
		t.Fatal("the permalink shows a different page")
	}
	// The board's fiscal year and history change: the live view changes, the permalink does not.
	if _, err := st.Pool.Exec(t.Context(), `UPDATE boards SET fiscal_year_start_month = 2, rolling_weeks = 8`); err != nil {
		t.Fatal(err)
	}
	_, live := get(t, s.Routes(), prqURL+"?"+botOut+"&zy1=20")
	if strip(live) == strip(body) {
		t.Fatal("the live view did not follow the board's settings")
	}
	_, later := get(t, s.Routes(), perm)
	if strip(later) != strip(permBody) {
		t.Fatal("the permalink changed with the board's settings")
	}
}

// The empty states say what is missing and what to do.
func TestPRQuarterlyEmptyStates(t *testing.T) {
	t.Parallel()
	s, st := loadPRQuarterlyFixture(t)
	ctx := t.Context()
	idle, err := st.BoardBySlugs(ctx, "payments", "idle")
	if err != nil {
		t.Fatal(err)
	}
	empty, err := st.EnsureRepo(ctx, "acme", "empty", "main")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.LinkRepo(ctx, idle.ID, empty.ID); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		url, sel, want string
	}{
		{"/teams/payments/boards/fresh/prs/quarterly", "empty-state", "No GitHub repositories are linked to this board"},
		{"/teams/payments/boards/idle/prs/quarterly", "empty-state", "The linked repositories have no pull requests yet"},
		{prqURL + "?qfrom=2030-Q1", "notice", "These quarters have not started yet"},
		{prqURL + "?base=release%2F1", "notice", "No pull request was merged in these quarters with these filters"},
		{prqURL + "?qfrom=2025-Q2", "notice", "No complete quarter is shown yet"},
		{prqURL + "?zx0=2024-08-20&zx1=2024-08-31", "zoom-text", "Zoomed in: 0 of 17 pull requests"},
	}
	for _, tt := range tests {
		res, body := get(t, s.Routes(), tt.url)
		if res.StatusCode != 200 {
			t.Errorf("%s: %d", tt.url, res.StatusCode)
			continue
		}
		if got := doc(t, body).Find(`[data-testid="` + tt.sel + `"]`).Text(); !strings.Contains(got, tt.want) {
			t.Errorf("%s: %s %q, want %q", tt.url, tt.sel, got, tt.want)
		}
	}
}
