package web_test

import (
	"encoding/csv"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// testids reads the text of elements by data-testid.
func testids(t *testing.T, d *goquery.Document, want map[string]string) {
	t.Helper()
	for id, v := range want {
		sel := d.Find(`[data-testid="` + id + `"]`)
		if sel.Length() == 0 {
			t.Errorf("%s: not on the page", id)
			continue
		}
		if got := strings.TrimSpace(sel.First().Text()); got != v {
			t.Errorf("%s = %q, want %q", id, got, v)
		}
	}
}

func attr(t *testing.T, d *goquery.Document, sel, name string) string {
	t.Helper()
	v, ok := d.Find(sel).First().Attr(name)
	if !ok {
		t.Errorf("%s: no %s", sel, name)
	}
	return v
}

func parseCSV(t *testing.T, body string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("csv: %v\n%s", err, body)
	}
	return rows
}

func TestQuarterlyNumbersMatchHandWork(t *testing.T) {
	t.Parallel()
	s, _ := loadQuarterlyFixture(t)
	res, body := get(t, s.Routes(), qtrURL)
	if res.StatusCode != 200 {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	d := doc(t, body)
	testids(t, d, map[string]string{
		// Quarters from the first issue's (Jul 2024) to the current one (Apr–Jun 2025).
		"range": "Q3 2024 to Q2 2025 · fiscal year starts in April",
		// Throughput per quarter, by done date, each item once:
		// Q3 2024: QTR-1 = 1. Q4 2024: QTR-2, 3, 4 = 3. Q1 2025: QTR-5, 6 and the noise item
		// QTR-12 = 3; QTR-7 was done on Mar 10 but reopened, so it does not count here.
		// Q2 2025 (so far): QTR-8, 9, 10, 11 and QTR-7 finally done on May 13 = 5.
		// QTR-13 (straight to done) and QTR-14 (in progress) never count.
		"qt-2024-07-01-1": "1", "qt-2024-10-01-1": "3", "qt-2025-01-01-1": "3", "qt-2025-04-01-1": "5",
		// The fiscal year starts in April: Apr–Jun is fiscal Q1, Jan–Mar fiscal Q4.
		"qt-2025-04-01-3": "Q1", "qt-2025-01-01-3": "Q4", "qt-2024-07-01-3": "Q2",
		"qt-2025-04-01-2": "1 Apr 2025 – 30 Jun 2025",
		// 1 + 3 + 3 = 7 in the complete quarters; 5 so far in the current one.
		"stat-delivered": "7", "stat-current": "5",
		// Flat lines over the complete quarters [1, 3, 3], descending 3, 3, 1: 50% needs 1.5
		// of 3 quarters -> the 2nd largest = 3; 80% needs 2.4 -> all 3 -> 1; 90% -> 1.
		"stat-flat-50": "3", "stat-flat-80": "1", "stat-flat-90": "1",
		// Lead time per quarter (type 7, h = (n-1)p), noise left out:
		// Q3 2024 {2}: 2.0 everywhere; 1 item.
		"ql-2024-07-01-1": "1", "ql-2024-07-01-2": "2.0", "ql-2024-07-01-4": "2.0",
		// Q4 2024 {1 4 7}: p50 h=1 -> 4.0; p80 h=1.6 -> 4+.6*3 = 5.8; p90 h=1.8 -> 6.4.
		"ql-2024-10-01-1": "3", "ql-2024-10-01-2": "4.0", "ql-2024-10-01-3": "5.8", "ql-2024-10-01-4": "6.4",
		// Q1 2025 {3 10} (QTR-12 took 5 minutes: noise): p50 h=.5 -> 3+.5*7 = 6.5;
		// p80 -> 3+.8*7 = 8.6; p90 -> 3+.9*7 = 9.3; 2 items.
		"ql-2025-01-01-1": "2", "ql-2025-01-01-2": "6.5", "ql-2025-01-01-3": "8.6", "ql-2025-01-01-4": "9.3",
		// Q2 2025 {1 2 3 4 71} (QTR-7: Mar 3 -> May 13 = 28+31+12 = 71 days): p50 h=2 -> 3.0;
		// p80 h=3.2 -> 4+.2*67 = 17.4; p90 h=3.6 -> 4+.6*67 = 44.2.
		"ql-2025-04-01-1": "5", "ql-2025-04-01-2": "3.0", "ql-2025-04-01-3": "17.4", "ql-2025-04-01-4": "44.2",
		// Next quarter Jul 1 (Tue) – Sep 30 (Tue) 2025 overlaps the weeks of Mon Jun 30 ..
		// Mon Sep 29: 14 weeks. The last 4 complete weeks before the week of May 12 (Apr 14,
		// 21, 28, May 5) delivered 1 each (QTR-8, 9, 10, 11; QTR-7 is in the current week),
		// so every trial draws 14 ones: 14 at every likelihood, whatever the seed.
		"forecast-50": "14", "forecast-80": "14", "forecast-90": "14",
	})
	if h := strings.TrimSpace(d.Find("#forecast-h").Text()); h != "Next quarter: Q3 2025 (1 Jul – 30 Sep 2025)" {
		t.Errorf("forecast heading %q", h)
	}
	basis := d.Find(`[data-testid="forecast-basis"]`).Text()
	for _, want := range []string{"14 Monday-to-Sunday weeks", "10,000 times", "the last 4 complete weeks (14 Apr 2025 – 11 May 2025: 1, 1, 1, 1)", "seed 1."} {
		if !strings.Contains(basis, want) {
			t.Errorf("forecast basis %q lacks %q", basis, want)
		}
	}
	// The charts draw the same numbers: bars, flat lines, per-quarter lines.
	bar := d.Find(`[data-testid="quarterly-delivered-q2-2025"]`)
	if v, _ := bar.Attr("data-value"); v != "5" || bar.AttrOr("data-partial", "") != "true" {
		t.Errorf("current quarter's bar: value %q partial %q", v, bar.AttrOr("data-partial", ""))
	}
	if v := attr(t, d, `[data-testid="quarterly-flat50"]`, "data-value"); v != "3" {
		t.Errorf("flat 50%% line at %q", v)
	}
	for id, v := range map[string]string{"leadtime-p80-2025-04-01": "17.4", "leadtime-p90-2024-10-01": "6.4", "leadtime-p50-2025-01-01": "6.5"} {
		if got := attr(t, d, `[data-testid="`+id+`"]`, "data-value"); got != v {
			t.Errorf("%s at %q, want %s", id, got, v)
		}
	}
	// One point per delivered item, noise included (12), coloured by work type:
	// Stories 1 2 4 5 7 8 9 11 12, Bugs 3 6 10.
	if n, b := d.Find(`[data-testid="leadtime-wt-story"] circle`).Length(), d.Find(`[data-testid="leadtime-wt-bug"] circle`).Length(); n != 9 || b != 3 {
		t.Errorf("points: %d stories, %d bugs", n, b)
	}
	if txt := d.Find(`[data-testid="chart-leadtime"] [data-testid="leadtime-legend"]`).Text(); !strings.Contains(txt, "Story") || !strings.Contains(txt, "Bug") {
		t.Errorf("legend %q lacks the work types", txt)
	}
	// Hover text (key, summary, lead time, done date) and the JIRA link of a point.
	a := d.Find(`a[href="https://jira.example.com/browse/QTR-7"]`)
	if a.Length() != 1 || a.AttrOr("target", "") != "_blank" || a.AttrOr("rel", "") != "noopener noreferrer" {
		t.Fatalf("QTR-7's link: %d %q %q", a.Length(), a.AttrOr("target", ""), a.AttrOr("rel", ""))
	}
	if got := a.Find("title").Text(); got != "QTR-7 · Reopened login fix\n71.0 calendar days\nDone Tue 13 May 2025\nBlocked: 0.0 calendar days" {
		t.Errorf("QTR-7's hover text %q", got)
	}
	if got := d.Find(`a[href$="/QTR-11"] title`).Text(); !strings.HasPrefix(got, `QTR-11 · <b>Fix</b> "login" & more`) {
		t.Errorf("QTR-11's hover text %q", got)
	}
	if !strings.Contains(body, `&lt;b&gt;Fix&lt;/b&gt;`) {
		t.Error("a summary with markup is not escaped")
	}
	if got := d.Find(`a[href$="/QTR-12"] title`).Text(); !strings.Contains(got, "left out of the lines") {
		t.Errorf("the noise item's hover text %q", got)
	}
	// The release tag is a marker; quarters are named bands.
	if v := attr(t, d, `[data-testid="leadtime-tags-0"]`, "data-label"); v != "v2.0" {
		t.Errorf("tag marker %q", v)
	}
	if v := attr(t, d, `[data-testid="leadtime-quarters-alt-1"]`, "data-label"); v != "Q2 2025 (so far)" {
		t.Errorf("current quarter band %q", v)
	}
	if d.Find(`[data-testid="empty-state"]`).Length() != 0 || d.Find(`[data-testid="notice"]`).Length() != 0 {
		t.Error("empty state or notice on a board with data")
	}
	if z := d.Find(`[data-testid="zoom-text"]`).Text(); z != "12 items delivered in these quarters. Drag across the chart to zoom in." {
		t.Errorf("zoom text %q", z)
	}
}

// Quarters follow the fiscal year; the lines can include 85 and 95.
func TestQuarterlyFiscalYearAndLines(t *testing.T) {
	t.Parallel()
	s, _ := loadQuarterlyFixture(t)
	tests := []struct {
		query   string
		want    map[string]string
		heading string
	}{
		{
			// Fiscal year from February: quarters Feb–Apr, May–Jul, Aug–Oct, Nov–Jan.
			// From the first issue's quarter (May–Jul 2024) to the current one (May–Jul 2025):
			// May–Jul 2024: QTR-1 (Jul 3) = 1; Aug–Oct 2024: QTR-2 (Oct 8) = 1;
			// Nov 2024–Jan 2025: QTR-3, 4, 5 = 3; Feb–Apr 2025: QTR-6, 12, 8, 9, 10 = 5;
			// May–Jul 2025 (so far): QTR-11, QTR-7 = 2. Flat over [1 1 3 5], descending
			// 5 3 1 1: 50% needs 2 -> 3; 80% needs 3.2 -> the 4th -> 1; 90% -> 1.
			// The next quarter, Aug 1 (Fri) – Oct 31 (Fri), overlaps the weeks of Jul 28 ..
			// Oct 27: 14 weeks -> 14.
			query: "?fiscal=2",
			want: map[string]string{"qt-2024-05-01-1": "1", "qt-2024-08-01-1": "1", "qt-2024-11-01-1": "3", "qt-2025-02-01-1": "5", "qt-2025-05-01-1": "2",
				"qt-2024-11-01-2": "1 Nov 2024 – 31 Jan 2025", "qt-2024-11-01-3": "Q4", "qt-2025-02-01-3": "Q1", "qt-2025-05-01-3": "Q2",
				"stat-delivered": "10", "stat-current": "2", "stat-flat-50": "3", "stat-flat-80": "1", "stat-flat-90": "1", "forecast-80": "14",
				"range": "May–Jul 2024 to May–Jul 2025 · fiscal year starts in February"},
			heading: "Next quarter: Aug–Oct 2025 (1 Aug – 31 Oct 2025)",
		},
		{
			// Calendar quarters: the same quarters as April's, no fiscal column.
			query:   "?fiscal=1",
			want:    map[string]string{"qt-2025-04-01-1": "5", "qt-2025-01-01-1": "3", "range": "Q3 2024 to Q2 2025 · fiscal year starts in January"},
			heading: "Next quarter: Q3 2025 (1 Jul – 30 Sep 2025)",
		},
		{
			// Lines at 85 and 95 only. Q4 2024 {1 4 7}: h=1.7 -> 4+.7*3 = 6.1; h=1.9 -> 6.7.
			// Q2 2025 {1 2 3 4 71}: h=3.4 -> 4+.4*67 = 30.8; h=3.8 -> 4+.8*67 = 57.6.
			// The flat lines and the forecast stay at 50/80/90.
			query: "?pct=95&pct=85",
			want: map[string]string{"ql-2024-10-01-2": "6.1", "ql-2024-10-01-3": "6.7", "ql-2025-04-01-2": "30.8", "ql-2025-04-01-3": "57.6",
				"stat-flat-50": "3", "forecast-90": "14"},
			heading: "Next quarter: Q3 2025 (1 Jul – 30 Sep 2025)",
		},
		{
			// A closed range of quarters given as a date (its quarter) and a quarter.
			// Q4 2024 .. Q1 2025, both complete: flat over [3 3] = 3 at every level.
			query: "?qfrom=2024-11-15&qto=2025-Q1",
			want: map[string]string{"qt-2024-10-01-1": "3", "qt-2025-01-01-1": "3", "stat-delivered": "6", "stat-flat-50": "3", "stat-flat-90": "3",
				"zoom-text": "6 items delivered in these quarters. Drag across the chart to zoom in."},
			heading: "Next quarter: Q3 2025 (1 Jul – 30 Sep 2025)",
		},
		{
			// Bugs only: QTR-3 (Q4), QTR-6 (Q1), QTR-10 (Q2); QTR-13 is not delivered.
			query: "?type=Bug",
			want:  map[string]string{"qt-2024-07-01-1": "0", "qt-2024-10-01-1": "1", "qt-2025-01-01-1": "1", "qt-2025-04-01-1": "1", "stat-delivered": "2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			t.Parallel()
			res, body := get(t, s.Routes(), qtrURL+tt.query)
			if res.StatusCode != 200 {
				t.Fatalf("status %d", res.StatusCode)
			}
			d := doc(t, body)
			testids(t, d, tt.want)
			if h := strings.TrimSpace(d.Find("#forecast-h").Text()); tt.heading != "" && h != tt.heading {
				t.Errorf("heading %q, want %q", h, tt.heading)
			}
		})
	}
	// Calendar quarters show no fiscal column.
	_, body := get(t, s.Routes(), qtrURL+"?fiscal=1")
	if doc(t, body).Find(`[data-testid="qt-2025-04-01-3"]`).Length() != 0 {
		t.Error("a fiscal quarter column with calendar quarters")
	}
}

// The forecast: seeded, so the same URL gives the same numbers; its
// history comes from the window; too little history cannot forecast.
func TestQuarterlyForecast(t *testing.T) {
	t.Parallel()
	s, _ := loadQuarterlyFixture(t)
	forecast := func(q string) (map[string]int, []int) {
		t.Helper()
		_, body := get(t, s.Routes(), qtrURL+"?format=json"+q)
		var out struct {
			Next struct {
				History    []int          `json:"history"`
				Likelihood map[string]int `json:"likelihood"`
				Seed       uint64         `json:"seed"`
				Weeks      int            `json:"weeks"`
			} `json:"next_quarter"`
		}
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			t.Fatal(err)
		}
		return out.Next.Likelihood, out.Next.History
	}
	// Constant weekly throughput: any seed gives 14 x 1.
	if l, h := forecast("&seed=7"); l["50"] != 14 || l["90"] != 14 || !slices.Equal(h, []int{1, 1, 1, 1}) {
		t.Errorf("seed 7: %v from %v", l, h)
	}
	// Eight weeks of history: Mar 17 .. May 5 = [0 0 0 0 1 1 1 1] (nothing was done from
	// Mar 17 to Apr 13). Each simulated week is 0 or 1 with even odds, so the answers vary
	// with the seed but never exceed 14, fall as the likelihood rises, and repeat exactly
	// for the same seed.
	l1, h := forecast("&window=8")
	l2, _ := forecast("&window=8")
	if !slices.Equal(h, []int{0, 0, 0, 0, 1, 1, 1, 1}) || l1["50"] != l2["50"] || l1["80"] != l2["80"] || l1["90"] != l2["90"] {
		t.Errorf("window 8: %v then %v from %v", l1, l2, h)
	}
	if !(l1["50"] <= 14 && l1["50"] >= l1["80"] && l1["80"] >= l1["90"] && l1["90"] > 0) {
		t.Errorf("window 8: %v", l1)
	}
	_, body := get(t, s.Routes(), qtrURL+"?window=8")
	if b := doc(t, body).Find(`[data-testid="forecast-basis"]`).Text(); !strings.Contains(b, "the last 8 complete weeks (17 Mar 2025 – 11 May 2025: 0, 0, 0, 0, 1, 1, 1, 1)") {
		t.Errorf("window 8 basis %q", b)
	}
	// The "another seed" link changes only the seed.
	if href := attr(t, doc(t, body), `[data-testid="reseed"]`, "href"); href != qtrURL+"?window=8&seed=2" {
		t.Errorf("reseed link %q", href)
	}
	// The fresh board's first issue was created on Thu May 1: the complete weeks since
	// are those of Apr 28 and May 5, two; a forecast needs 4, so it can from May 26.
	_, body = get(t, s.Routes(), "/teams/payments/boards/fresh/quarterly")
	d := doc(t, body)
	testids(t, d, map[string]string{"forecast-cannot": "Cannot forecast yet: the board has 2 complete weeks of history and a forecast needs at least 4. It can from 26 May 2025."})
	if d.Find(`[data-testid="forecast-50"]`).Length() != 0 {
		t.Error("a forecast without history")
	}
}

// Each item counts once, in the quarter of its final completion, and the
// quarters hold exactly the items the weekly throughput counts.
func TestQuarterlyCSVMatchesWeeklyThroughput(t *testing.T) {
	t.Parallel()
	s, _ := loadQuarterlyFixture(t)
	res, body := get(t, s.Routes(), "/teams/payments/boards/qtr/quarterly.csv")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("%d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	want := [][]string{
		{"quarter", "start", "end", "fiscal_quarter", "partial", "delivered", "keys"},
		{"2024-Q3", "2024-07-01", "2024-09-30", "2", "false", "1", "QTR-1"},
		{"2024-Q4", "2024-10-01", "2024-12-31", "3", "false", "3", "QTR-2 QTR-3 QTR-4"},
		{"2025-Q1", "2025-01-01", "2025-03-31", "4", "false", "3", "QTR-5 QTR-6 QTR-12"},
		{"2025-Q2", "2025-04-01", "2025-06-30", "1", "true", "5", "QTR-7 QTR-8 QTR-9 QTR-10 QTR-11"},
	}
	rows := parseCSV(t, body)
	if !equalRows(rows, want) {
		t.Fatalf("quarterly CSV:\n got %q\nwant %q", rows, want)
	}
	// The quadrant's weekly throughput over the same days (Mon Jul 1 2024 .. today).
	_, body = get(t, s.Routes(), "/teams/payments/boards/qtr/throughput.csv?from=2024-07-01&to=2025-05-14")
	weekly := map[string]int{}
	total := 0
	for _, row := range parseCSV(t, body)[1:] {
		total += atoi(t, row[2])
		for _, k := range strings.Fields(row[len(row)-1]) {
			weekly[k]++
		}
		if strings.Contains(row[len(row)-1], "QTR-7") && row[0] != "2025-05-12" {
			t.Errorf("QTR-7 counted in the week of %s", row[0])
		}
	}
	quarterly := map[string]int{}
	qtotal := 0
	for _, row := range rows[1:] {
		qtotal += atoi(t, row[5])
		if n := len(strings.Fields(row[6])); n != atoi(t, row[5]) {
			t.Errorf("%s: %d keys for %s items", row[0], n, row[5])
		}
		for _, k := range strings.Fields(row[6]) {
			quarterly[k]++
		}
	}
	if total != 12 || qtotal != 12 || len(weekly) != 12 || len(quarterly) != 12 {
		t.Fatalf("weekly %d (%d keys), quarterly %d (%d keys), want 12", total, len(weekly), qtotal, len(quarterly))
	}
	for k, n := range quarterly {
		if n != 1 || weekly[k] != 1 {
			t.Errorf("%s: %d times in quarters, %d in weeks", k, n, weekly[k])
		}
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			t.Fatalf("not a count: %q", s)
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// The lead-time CSV lists the points shown: the quarters, and the zoom.
func TestQuarterlyLeadTimeCSVFollowsZoom(t *testing.T) {
	t.Parallel()
	s, _ := loadQuarterlyFixture(t)
	zoom := "?zx0=2025-04-01&zx1=2025-05-14&zy0=0&zy1=10"
	_, body := get(t, s.Routes(), "/teams/payments/boards/qtr/quarterly-leadtime.csv"+zoom)
	// Done Apr 1 .. May 14 with lead time 0..10: QTR-8 (2), 9 (3), 10 (1), 11 (4);
	// QTR-7 (71) is above the zoom. A summary starting with = is neutralised.
	want := [][]string{
		{"key", "summary", "type", "started", "done", "lead_time_days", "calendar_days", "noise", "days_in In Progress", "days_in Review", "days_outside_window", "blocked_days", "blocked_days_in In Progress", "blocked_days_in Review", "blocked_days_outside_window", "url"},
		{"QTR-8", "Item 8", "Story", "2025-04-14T10:00:00Z", "2025-04-16T10:00:00Z", "2", "2", "false", "2", "0", "0", "0", "0", "0", "0", "https://jira.example.com/browse/QTR-8"},
		{"QTR-9", `'=HYPERLINK("http://evil")`, "Story", "2025-04-21T10:00:00Z", "2025-04-24T10:00:00Z", "3", "3", "false", "3", "0", "0", "0", "0", "0", "0", "https://jira.example.com/browse/QTR-9"},
		{"QTR-10", "Item 10", "Bug", "2025-04-28T10:00:00Z", "2025-04-29T10:00:00Z", "1", "1", "false", "1", "0", "0", "0", "0", "0", "0", "https://jira.example.com/browse/QTR-10"},
		{"QTR-11", `<b>Fix</b> "login" & more`, "Story", "2025-05-05T10:00:00Z", "2025-05-09T10:00:00Z", "4", "4", "false", "4", "0", "0", "0", "0", "0", "0", "https://jira.example.com/browse/QTR-11"},
	}
	if rows := parseCSV(t, body); !equalRows(rows, want) {
		t.Fatalf("zoomed lead-time CSV:\n got %q\nwant %q", rows, want)
	}
	// The page with the same zoom draws exactly those points, says so, and offers the way back.
	_, page := get(t, s.Routes(), qtrURL+zoom)
	d := doc(t, page)
	var shown []string
	d.Find(`[data-testid="chart-leadtime"] circle[data-label]`).Each(func(_ int, c *goquery.Selection) { shown = append(shown, c.AttrOr("data-label", "")) })
	if strings.Join(shown, " ") != "QTR-10 QTR-8 QTR-9 QTR-11" { // Bugs' layer first (board order), then Stories
		t.Errorf("points shown %q", shown)
	}
	testids(t, d, map[string]string{"zoom-text": "Zoomed in: 4 of 12 items (done 1 Apr 2025 – 14 May 2025, lead time 0 – 10 days)."})
	if r := attr(t, d, `[data-testid="reset-zoom"]`, "href"); r != qtrURL {
		t.Errorf("reset zoom %q", r)
	}
	if v := attr(t, d, `[data-testid="chart-leadtime"]`, "data-zoom-params"); v != "zx0,zx1,zy0,zy1" {
		t.Errorf("zoom params %q", v)
	}
	// Hidden fields of the no-JavaScript zoom form carry the rest of the view.
	_, page = get(t, s.Routes(), qtrURL+"?type=Bug&seed=3&zy1=5")
	d = doc(t, page)
	var hidden []string
	d.Find(`[data-testid="zoom-form"] input[type="hidden"]`).Each(func(_ int, in *goquery.Selection) {
		hidden = append(hidden, in.AttrOr("name", "")+"="+in.AttrOr("value", ""))
	})
	if strings.Join(hidden, "&") != "type=Bug&seed=3" || attr(t, d, `[data-testid="in-zy1"]`, "value") != "5" {
		t.Errorf("zoom form carries %q", hidden)
	}
	// Unzoomed: all 12 delivered items, oldest first.
	_, body = get(t, s.Routes(), "/teams/payments/boards/qtr/quarterly-leadtime.csv")
	rows := parseCSV(t, body)
	var keys []string
	for _, r := range rows[1:] {
		keys = append(keys, r[0])
	}
	if strings.Join(keys, " ") != "QTR-1 QTR-2 QTR-3 QTR-4 QTR-5 QTR-6 QTR-12 QTR-8 QTR-9 QTR-10 QTR-11 QTR-7" {
		t.Errorf("unzoomed rows %q", keys)
	}
}

func TestQuarterlyJSONAndSVG(t *testing.T) {
	t.Parallel()
	s, _ := loadQuarterlyFixture(t)
	res, body := get(t, s.Routes(), qtrURL+"?format=json&zx0=2025-05-01")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("%d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	var out struct {
		Fiscal   int `json:"fiscal_year_start_month"`
		Quarters []struct {
			Quarter   string             `json:"quarter"`
			Delivered int                `json:"delivered"`
			Partial   bool               `json:"partial"`
			LeadTime  map[string]float64 `json:"lead_time"`
			Fiscal    int                `json:"fiscal_quarter"`
		} `json:"quarters"`
		Flat   map[string]int `json:"flat_likelihood"`
		Zoom   map[string]any `json:"zoom"`
		Points []struct {
			Key      string  `json:"key"`
			LeadTime float64 `json:"lead_time"`
			URL      string  `json:"url"`
		} `json:"points"`
		InRange int `json:"items_in_range"`
	}
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatal(err)
	}
	q := out.Quarters
	if out.Fiscal != 4 || len(q) != 4 || q[3].Quarter != "2025-Q2" || q[3].Delivered != 5 || !q[3].Partial || q[3].LeadTime["80"] != 17.4 || q[3].Fiscal != 1 || out.Flat["50"] != 3 {
		t.Fatalf("json: %+v", out)
	}
	// Done from May 1: QTR-11 (May 9) and QTR-7 (May 13).
	if out.InRange != 12 || len(out.Points) != 2 || out.Points[1].Key != "QTR-7" || out.Points[1].LeadTime != 71 || out.Points[1].URL != "https://jira.example.com/browse/QTR-7" || out.Zoom["done_from"] != "2025-05-01" {
		t.Fatalf("json points: %+v", out)
	}
	for name, want := range map[string]string{"quarterly-throughput": `data-quarter="Q2 2025" data-value="5"`, "quarterly-leadtime": `href="https://jira.example.com/browse/QTR-7"`} {
		res, body := get(t, s.Routes(), "/teams/payments/boards/qtr/chart/"+name+".svg")
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(body, "<?xml") || !strings.Contains(body, want) {
			t.Errorf("%s: %d %s %.300s", name, res.StatusCode, res.Header.Get("Content-Type"), body)
		}
	}
}

// The empty states say what is missing and what to do.
func TestQuarterlyEmptyStates(t *testing.T) {
	t.Parallel()
	s, _ := loadQuarterlyFixture(t)
	tests := []struct {
		url, sel, want string
	}{
		{"/teams/payments/boards/new/quarterly", "empty-state", "has not been synced yet"},
		{"/teams/payments/boards/idle/quarterly", "empty-state", `Nothing on this board has been delivered yet. An item counts as delivered when it reaches "Done" after passing "In Progress"`},
		{"/teams/payments/boards/fresh/quarterly", "notice", "No complete quarter is shown yet"},
		{qtrURL + "?qfrom=2030-Q1", "notice", "These quarters have not started yet"},
		{qtrURL + "?qfrom=2024-Q3&qto=2024-Q3&type=Bug", "notice", "Nothing of these work types was delivered in these quarters"},
		{qtrURL + "?zx0=2024-08-01&zx1=2024-08-31", "zoom-text", "Zoomed in: 0 of 12 items"},
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

// Every malformed parameter is a 400 naming it, on the page and every export.
func TestQuarterlyBadParameters(t *testing.T) {
	t.Parallel()
	s, _ := loadQuarterlyFixture(t)
	cases := map[string]string{
		"qfrom=2025-Q5":                    "qfrom",
		"qfrom=last+year":                  "qfrom",
		"qfrom=1900-Q1":                    "qfrom",
		"qto=2025-02-30":                   "qto",
		"qfrom=2025-Q2&qto=2025-Q1":        "qto",
		"qfrom=2010-Q1&qto=2025-Q1":        "qfrom",
		"qto=2025-Q1&qto=2025-Q2":          "qto",
		"fiscal=0":                         "fiscal",
		"fiscal=13":                        "fiscal",
		"fiscal=april":                     "fiscal",
		"pct=70":                           "pct",
		"pct=high":                         "pct",
		"seed=-1":                          "seed",
		"seed=abc":                         "seed",
		"seed=1&seed=2":                    "seed",
		"zx0=yesterday":                    "zx0",
		"zx1=2025-13-01":                   "zx1",
		"zx0=2025-05-01&zx1=2025-04-01":    "zx1",
		"zy0=-1":                           "zy0",
		"zy1=lots":                         "zy1",
		"zy0=NaN":                          "zy0",
		"zy0=5&zy1=5":                      "zy1",
		"weeks=12":                         "weeks",
		"from=2025-01-01":                  "from",
		"to=2025-01-01":                    "to",
		"backlog=absolute":                 "backlog",
		"hide=Review":                      "hide",
		"zoom=2":                           "zoom",
		"type=Epic":                        "type",
		"start=Nope":                       "start",
		"end=Nope":                         "end",
		"start=Review&end=In%20Progress":   "end",
		"days=lunar":                       "days",
		"window=3":                         "window",
		"tags=maybe":                       "tags",
		"format=xml":                       "format",
		"days=working&days=calendar":       "days",
		"qfrom=2025-Q1&apply=1&fiscal=abc": "fiscal",
	}
	paths := []string{"/quarterly", "/quarterly.csv", "/quarterly-leadtime.csv", "/chart/quarterly-throughput.svg", "/chart/quarterly-leadtime.svg"}
	checkBadParams(t, s.Routes(), "/teams/payments/boards/qtr", paths, cases)
	if res, _ := get(t, s.Routes(), "/teams/payments/boards/nope/quarterly"); res.StatusCode != 404 {
		t.Errorf("unknown board: %d", res.StatusCode)
	}
}

// A submitted form redirects to the canonical URL: defaults left out,
// parameters in a fixed order, quarters written as 2025-Q1.
func TestQuarterlyFormRedirectsToCanonicalURL(t *testing.T) {
	t.Parallel()
	s, _ := loadQuarterlyFixture(t)
	cases := map[string]string{
		// Every field at its default.
		"qfrom=&qto=&fiscal=4&type=Bug&type=Story&start=In+Progress&end=Done&days=calendar&pct=50&pct=80&pct=90&window=4&seed=1&tags=on&apply=1": qtrURL,
		// Quarters normalised (a quarter's first day becomes 2025-Q1, case folded), lines
		// sorted, other settings in order, the zoom kept.
		"qfrom=2024-10-01&qto=2025-q2&fiscal=2&type=bug&pct=95&pct=85&seed=7&zx0=2025-04-01&zy1=10&zx1=&zy0=&apply=1": qtrURL + "?qfrom=2024-Q4&qto=2025-Q2&fiscal=2&type=Bug&pct=85&pct=95&seed=7&zx0=2025-04-01&zy1=10",
		// Any other day stays a date; working days and an 8-week history are not the defaults.
		"qfrom=2024-11-15&days=working&window=8&tags=off&apply=1": qtrURL + "?qfrom=2024-11-15&days=working&window=8&tags=off",
		// The zoom form: hidden fields and the four zoom boxes.
		"type=Story&seed=3&zx0=2025-01-01&zx1=2025-03-31&zy0=0.5&zy1=12.25&apply=1": qtrURL + "?type=Story&seed=3&zx0=2025-01-01&zx1=2025-03-31&zy0=0.5&zy1=12.25",
	}
	checkRedirects(t, s.Routes(), qtrURL, cases)
}

// The tabs carry the settings the views share, and only those.
func TestQuarterlyTabs(t *testing.T) {
	t.Parallel()
	s, _ := loadQuarterlyFixture(t)
	_, body := get(t, s.Routes(), "/teams/payments/boards/qtr?weeks=12&type=Bug&days=working&backlog=absolute")
	if href := attr(t, doc(t, body), `[data-testid="tab-quarterly"]`, "href"); href != qtrURL+"?type=Bug&days=working" {
		t.Errorf("quarterly tab on the quadrant: %q", href)
	}
	_, body = get(t, s.Routes(), qtrURL+"?qfrom=2024-Q4&type=Bug&window=8&seed=3&zy1=5")
	d := doc(t, body)
	if href := attr(t, d, `[data-testid="tab-quadrant"]`, "href"); href != "/teams/payments/boards/qtr?type=Bug&window=8" {
		t.Errorf("quadrant tab on the quarterly view: %q", href)
	}
	if href := attr(t, d, `[data-testid="tab-prs"]`, "href"); href != "/teams/payments/boards/qtr/prs?window=8" {
		t.Errorf("pull-request tab on the quarterly view: %q", href)
	}
	if d.Find(`[data-testid="tab-quarterly"].active`).Length() != 1 {
		t.Error("the quarterly tab is not the active one")
	}
}

// A permalink reproduces the page (apart from links and forms), and keeps
// doing so after the board's settings change.
func TestQuarterlyPermalinkReproducesPage(t *testing.T) {
	t.Parallel()
	s, st := loadQuarterlyFixture(t)
	_, body := get(t, s.Routes(), qtrURL+"?type=Story&zy1=20")
	perm := attr(t, doc(t, body), `[data-testid="permalink"]`, "href")
	if want := qtrURL + "?qfrom=2024-Q3&qto=2025-Q2&fiscal=4&type=Story&start=In+Progress&end=Done&days=calendar&window=4&tags=on&notes=on&pct=50&pct=80&pct=90&seed=1&zy1=20"; perm != want {
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
	_, live := get(t, s.Routes(), qtrURL+"?type=Story&zy1=20")
	if strip(live) == strip(body) {
		t.Fatal("the live view did not follow the board's settings")
	}
	_, later := get(t, s.Routes(), perm)
	if strip(later) != strip(permBody) {
		t.Fatal("the permalink changed with the board's settings")
	}
}
