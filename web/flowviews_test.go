package web_test

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

func texts(t *testing.T, d *goquery.Document, want map[string]string) {
	t.Helper()
	for id, v := range want {
		if got := strings.TrimSpace(d.Find(`[data-testid="` + id + `"]`).First().Text()); got != v {
			t.Errorf("%s = %q, want %q", id, got, v)
		}
	}
}

func page(t *testing.T, s http.Handler, target string) *goquery.Document {
	t.Helper()
	res, body := get(t, s, target)
	if res.StatusCode != 200 {
		t.Fatalf("%s: status %d: %.500s", target, res.StatusCode, body)
	}
	return doc(t, body)
}

func csvRows(t *testing.T, s http.Handler, target string) [][]string {
	t.Helper()
	res, body := get(t, s, target)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("%s: %d %s", target, res.StatusCode, res.Header.Get("Content-Type"))
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestCFDMatchesHandWork: positions at the end of each day of the week of
// 17 Mar (bands: unmapped | To Do | In Progress | Review | Done), from the
// fixture's timelines (flowviews_fixture_test.go):
//
//	S1-S6 are done before 17 Mar: 6 in Done every day.
//	S7: IP 17, 18; Review 19; Done from 20.     S8: To Do 17; IP 18-20; Done from 21.
//	A1: IP every day.   A2: To Do 17, 18; IP 19, 20; Review from 21.
//	A3: created 18 -> To Do from 18.   T1: created 19 in Triage -> unmapped from 19.   T2: To Do.
//
//	day   unmapped ToDo IP Review Done | WIP (IP + Review) | total = created by then
//	17    0        3    2  0      6    | 2                 | 11
//	18    0        3    3  0      6    | 3                 | 12 (+A3)
//	19    1        2    3  1      6    | 4                 | 13 (+T1)
//	20    1        2    3  0      7    | 3                 | 13
//	21-23 1        2    1  1      8    | 2                 | 13
func TestCFDMatchesHandWork(t *testing.T) {
	t.Parallel()
	s, _ := loadFlowFixture(t)
	d := page(t, s.Routes(), flowURL+"/flow?from=2025-03-17&to=2025-03-23")
	rows := map[string][]string{
		"2025-03-17": {"0", "3", "2", "0", "6", "2"},
		"2025-03-18": {"0", "3", "3", "0", "6", "3"},
		"2025-03-19": {"1", "2", "3", "1", "6", "4"},
		"2025-03-20": {"1", "2", "3", "0", "7", "3"},
		"2025-03-21": {"1", "2", "1", "1", "8", "2"},
		"2025-03-23": {"1", "2", "1", "1", "8", "2"},
	}
	want := map[string]string{
		// The last day shown (Sun 23): WIP 2, 13 items on the board.
		"stat-wip": "2", "stat-items": "13",
		// The week of 17 Mar: started S7 (17), S8 (18), A2 (19) = 3; delivered S7, S8 = 2.
		"stat-started": "3", "stat-delivered": "2", "nf-2025-03-17-1": "3", "nf-2025-03-17-2": "2", "nf-2025-03-17-3": "1",
	}
	for day, cells := range rows {
		for i, v := range cells[:5] {
			want["cfd-"+day+"-"+string(rune('0'+i))] = v
		}
		want["cfd-"+day+"-wip"] = cells[5]
		want["wip-"+day+"-1"] = cells[5]
	}
	texts(t, d, want)
	if n := d.Find(`[data-testid^="cfd-2025-"][data-testid$="-wip"]`).Length(); n != 7 {
		t.Errorf("%d days, want 7 (Mon 17 to Sun 23)", n)
	}
	// The chart's hover column for the 19th lists the bands bottom first
	// (Done, Review, In Progress, To Do, unmapped) and the total.
	col := d.Find(`[data-testid="cfd-bands-2025-03-19"]`)
	if v, _ := col.Attr("data-values"); v != "6,1,3,2,1" {
		t.Errorf("hover values %q", v)
	}
	if v, _ := col.Attr("data-total"); v != "13" {
		t.Errorf("hover total %q", v)
	}
	if title := col.Find("title").Text(); !strings.Contains(title, "Unmapped status: 1 items") || !strings.Contains(title, "Done: 6 items") {
		t.Errorf("hover text %q", title)
	}
	// Bugs only: A3 is the only bug, To Do from the 18th.
	d = page(t, s.Routes(), flowURL+"/flow?from=2025-03-17&to=2025-03-19&type=Bug")
	texts(t, d, map[string]string{"cfd-2025-03-17-1": "0", "cfd-2025-03-18-1": "1", "cfd-2025-03-19-wip": "0"})
	// WIP depends on the lead-time window: from Review on, only S7 (19) and A2 (21-23) count.
	d = page(t, s.Routes(), flowURL+"/flow?from=2025-03-17&to=2025-03-23&start=Review")
	texts(t, d, map[string]string{"cfd-2025-03-18-wip": "0", "cfd-2025-03-19-wip": "1", "cfd-2025-03-21-wip": "1"})
}

func TestFlowExports(t *testing.T) {
	t.Parallel()
	s, _ := loadFlowFixture(t)
	h := s.Routes()
	rows := csvRows(t, h, flowURL+"/flow.csv?from=2025-03-19&to=2025-03-20")
	want := [][]string{{"day", "Unmapped status", "To Do", "In Progress", "Review", "Done", "wip"},
		{"2025-03-19", "1", "2", "3", "1", "6", "4"}, {"2025-03-20", "1", "2", "3", "0", "7", "3"}}
	if !equalRows(rows, want) {
		t.Errorf("flow CSV:\n got %v\nwant %v", rows, want)
	}
	_, body := get(t, h, flowURL+"/flow?from=2025-03-19&to=2025-03-20&format=json")
	var out struct {
		Bands []string `json:"bands"`
		Days  []struct {
			Day   string         `json:"day"`
			Bands map[string]int `json:"bands"`
			WIP   int            `json:"wip"`
		} `json:"days"`
	}
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Days) != 2 || out.Days[0].Bands["unmapped"] != 1 || out.Days[1].Bands["Done"] != 7 || out.Days[0].WIP != 4 {
		t.Errorf("flow JSON: %+v", out)
	}
	for _, name := range []string{"cfd", "wip", "arrivals"} {
		res, body := get(t, h, flowURL+"/flow/chart/"+name+".svg?from=2025-03-17&to=2025-03-23")
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(body, "<?xml") {
			t.Errorf("%s.svg: %d %s", name, res.StatusCode, res.Header.Get("Content-Type"))
		}
	}
	if res, _ := get(t, h, flowURL+"/flow/chart/nope.svg"); res.StatusCode != 404 {
		t.Errorf("unknown flow chart: %d", res.StatusCode)
	}
}

// TestAgingMatchesHandWork: now Wed 26 Mar 12:00, calendar days.
//
//	A1 In Progress since Mar 5 12:00: age 21.0; blocked Mar 18 12:00 - Mar 20 12:00 = 2.0
//	A2 Review, started Mar 19 12:00: age 7.0; flagged since Mar 24 12:00: 2.0, blocked now
//	A3 In Progress, started Mar 25 00:00: age 1.5
//
// Lines: lead times delivered in the 4 weeks up to the week of 17 Mar:
// S1..S8 = [1 2 1 2 2 2 3 3] -> sorted [1 1 2 2 2 2 3 3]; type 7:
// p50 h = 3.5 -> 2 + .5(2-2) = 2.0; p80 h = 5.6 -> 2 + .6(3-2) = 2.6;
// p90 h = 6.3 -> 3 + .3(3-3) = 3.0. A1 and A2 are past the 90% line.
func TestAgingMatchesHandWork(t *testing.T) {
	t.Parallel()
	s, _ := loadFlowFixture(t)
	d := page(t, s.Routes(), flowURL+"/aging")
	texts(t, d, map[string]string{
		"stat-wip": "3", "stat-oldest": "21.0", "stat-past-90": "2",
		"stat-line-50": "2.0", "stat-line-80": "2.6", "stat-line-90": "3.0",
		"aging-FLO-11-age": "21.0", "aging-FLO-11-state": "In Progress", "aging-FLO-11-blocked": "2.0",
		"aging-FLO-12-age": "7.0", "aging-FLO-12-state": "Review", "aging-FLO-12-blocked": "2.0 (blocked now)",
		"aging-FLO-13-age": "1.5", "aging-FLO-13-blocked": "–",
	})
	var order []string
	d.Find(`[data-testid="list-aging"] tbody tr`).Each(func(_ int, r *goquery.Selection) {
		id, _ := r.Attr("data-testid")
		cls, _ := r.Attr("class")
		order = append(order, id+":"+cls)
	})
	if got := strings.Join(order, " "); got != "aging-FLO-11:past-90 aging-FLO-12:past-90 aging-FLO-13:" {
		t.Errorf("list order and highlight: %s", got)
	}
	if href, _ := d.Find(`[data-testid="aging-FLO-11-key"] a`).Attr("href"); href != "https://jira.example.com/browse/FLO-11" {
		t.Errorf("JIRA link %q", href)
	}
	// The chart: A1 and A2 in the "past 90" layer, A3 in the other; hover has blocked time.
	past := d.Find(`[data-testid="aging-past90"] circle`)
	if past.Length() != 2 || d.Find(`[data-testid="aging-items"] circle`).Length() != 1 {
		t.Errorf("chart layers: %d past, %d other", past.Length(), d.Find(`[data-testid="aging-items"] circle`).Length())
	}
	if v, _ := past.First().Attr("data-value"); v != "21" {
		t.Errorf("oldest point value %q", v)
	}
	if title := past.Eq(1).Find("title").Text(); !strings.Contains(title, "Blocked: 2.0 (blocked now) days") {
		t.Errorf("hover %q", title)
	}
	for _, v := range []string{"3", "2.6", "2"} {
		if d.Find(`[data-testid^="aging-p"][data-value="`+v+`"]`).Length() != 1 {
			t.Errorf("no lead-time line at %s", v)
		}
	}
	// Working days: A1 Wed 5 Mar 12:00 -> Wed 26 Mar 12:00 = 15 working days.
	d = page(t, s.Routes(), flowURL+"/aging?days=working")
	texts(t, d, map[string]string{"aging-FLO-11-age": "15.0"})
	rows := csvRows(t, s.Routes(), flowURL+"/aging.csv")
	want := [][]string{{"key", "summary", "type", "column", "started", "in_column_since", "age_days", "blocked_days", "blocked_now", "past_90", "url"},
		{"FLO-11", "Item FLO-11", "Story", "In Progress", "2025-03-05T12:00:00Z", "2025-03-05T12:00:00Z", "21", "2", "false", "true", "https://jira.example.com/browse/FLO-11"},
		{"FLO-12", "Item FLO-12", "Story", "Review", "2025-03-19T12:00:00Z", "2025-03-21T12:00:00Z", "7", "2", "true", "true", "https://jira.example.com/browse/FLO-12"},
		{"FLO-13", "Item FLO-13", "Bug", "In Progress", "2025-03-25T00:00:00Z", "2025-03-25T00:00:00Z", "1.5", "0", "false", "false", "https://jira.example.com/browse/FLO-13"}}
	if !equalRows(rows, want) {
		t.Errorf("aging CSV:\n got %v\nwant %v", rows, want)
	}
	res, body := get(t, s.Routes(), flowURL+"/aging/chart/aging.svg")
	if res.StatusCode != 200 || !strings.Contains(body, `data-label="FLO-11"`) {
		t.Errorf("aging SVG: %d", res.StatusCode)
	}
	_, body = get(t, s.Routes(), flowURL+"/aging?format=json")
	if !strings.Contains(body, `"90": 3`) || !strings.Contains(body, `"key": "FLO-12"`) {
		t.Errorf("aging JSON: %.400s", body)
	}
}

// TestImpedimentsMatchHandWork: blocked time in progress, per week.
//
//	week of 10 Mar: nothing flagged.
//	week of 17 Mar: S7 Mar 17 12:00 - 18 12:00 = 1 day; A1 Mar 18 12:00 - 20 12:00 = 2 days -> 2 items, 3.0 days
//	week of 24 Mar (so far): A2 from Mar 24 12:00 to now (26 12:00) = 2.0 days -> 1 item
//
// Blocked now: A2, 2.0 days. The lead-time CSV gives S7 its 1 blocked day.
func TestImpedimentsMatchHandWork(t *testing.T) {
	t.Parallel()
	s, _ := loadFlowFixture(t)
	d := page(t, s.Routes(), flowURL+"/blocked?from=2025-03-10&to=2025-03-30")
	texts(t, d, map[string]string{
		"imp-2025-03-10-1": "0", "imp-2025-03-10-2": "0.0",
		"imp-2025-03-17-1": "2", "imp-2025-03-17-2": "3.0",
		"imp-2025-03-24-1": "1", "imp-2025-03-24-2": "2.0",
		"stat-blocked-now": "1", "stat-blocked-days": "3.0", "stat-blocked-weeks": "1",
		"blocked-FLO-12-days": "2.0 days",
	})
	if v, _ := d.Find(`[data-testid="blockeddays-days-2025-03-17"]`).Attr("data-value"); v != "3" {
		t.Errorf("blocked days bar %q", v)
	}
	// Working days: S7 Mon 12:00 - Tue 12:00 = 1, A1 Tue 12:00 - Thu 12:00 = 2; A2 Mon 12:00 - Wed 12:00 = 2.
	d = page(t, s.Routes(), flowURL+"/blocked?from=2025-03-10&to=2025-03-30&days=working")
	texts(t, d, map[string]string{"imp-2025-03-17-2": "3.0", "imp-2025-03-24-2": "2.0"})
	// Stories only (the bug A3 was never flagged): the same; Bugs only: nothing.
	d = page(t, s.Routes(), flowURL+"/blocked?from=2025-03-10&to=2025-03-30&type=Bug")
	texts(t, d, map[string]string{"imp-2025-03-17-1": "0", "stat-blocked-now": "0"})
	rows := csvRows(t, s.Routes(), flowURL+"/blocked.csv?from=2025-03-17&to=2025-03-30")
	want := [][]string{{"week", "partial", "items_blocked", "blocked_days"}, {"2025-03-17", "false", "2", "3"}, {"2025-03-24", "true", "1", "2"}}
	if !equalRows(rows, want) {
		t.Errorf("impediments CSV:\n got %v\nwant %v", rows, want)
	}
	rows = csvRows(t, s.Routes(), flowURL+"/leadtime.csv?from=2025-03-17&to=2025-03-23")
	bd := slices.Index(rows[0], "blocked_days")
	if len(rows) != 3 || bd < 0 || rows[1][0] != "FLO-7" || rows[1][bd] != "1" || rows[2][bd] != "0" {
		t.Errorf("lead-time CSV blocked days: %v", rows)
	}
	for _, name := range []string{"blockeditems", "blockeddays"} {
		if res, _ := get(t, s.Routes(), flowURL+"/blocked/chart/"+name+".svg"); res.StatusCode != 200 {
			t.Errorf("%s.svg: %d", name, res.StatusCode)
		}
	}
	_, body := get(t, s.Routes(), flowURL+"/blocked?format=json&from=2025-03-17&to=2025-03-23")
	if !strings.Contains(body, `"items_blocked": 2`) || !strings.Contains(body, `"key": "FLO-12"`) {
		t.Errorf("impediments JSON: %.400s", body)
	}
}

// TestForecastMatchesHandWork: the last 4 complete weeks before the week of
// 24 Mar delivered 2, 2, 2, 2 (constant throughput), so every simulated
// future is the same whatever the seed:
//
//	how many by Sun 15 Jun (default: 12 whole weeks from Mon 24 Mar) = 12 x 2 = 24
//	how many by Sun 6 Apr = 2 weeks (24-30 Mar, 31 Mar-6 Apr) x 2 = 4
//	when will 10 be done (default): 5 weeks -> Sunday of week 5 = 27 Apr
//	when will 7 be done: 4 weeks (8 >= 7) -> Sun 20 Apr
//
// Bugs only: [0 0 0 0]: cannot forecast. As of 5 Mar: one complete week
// since the first issue (24 Feb): fewer than 4, cannot forecast.
func TestForecastMatchesHandWork(t *testing.T) {
	t.Parallel()
	s, _ := loadFlowFixture(t)
	h := s.Routes()
	d := page(t, h, flowURL+"/forecast")
	want := map[string]string{"stat-history": "4", "stat-mean": "2", "stat-weeks": "12",
		"sentence-howmany": "85% likely: 24 items or more by Sunday 15 June 2025.",
		"sentence-when":    "85% likely: 10 items done by Sunday 27 April 2025 (5 weeks, counting this one)."}
	for _, p := range []string{"50", "70", "80", "85", "90", "95"} {
		want["howmany-"+p], want["when-"+p], want["when-weeks-"+p] = "24", "Sunday 27 April 2025", "5"
	}
	texts(t, d, want)
	if n := d.Find(`[data-testid="notice"]`).Text(); !strings.Contains(n, "Short history: only 4 weeks") || strings.Contains(n, "Unstable") {
		t.Errorf("notices %q", n)
	}
	d = page(t, h, flowURL+"/forecast?items=7&by=2025-04-06&seed=99")
	texts(t, d, map[string]string{"howmany-85": "4", "howmany-50": "4", "when-95": "Sunday 20 April 2025", "when-weeks-50": "4",
		"sentence-howmany": "85% likely: 4 items or more by Sunday 6 April 2025."})
	// Degenerate cases.
	for _, q := range []string{"type=Bug", "asof=2025-03-05"} {
		d = page(t, h, flowURL+"/forecast?"+q)
		if got := d.Find(`[data-testid="cannot-forecast"]`).Text(); !strings.HasPrefix(got, "Cannot forecast") {
			t.Errorf("%s: %q", q, got)
		}
		texts(t, d, map[string]string{"howmany-85": "cannot forecast", "when-85": "cannot forecast"})
		if d.Find(`[data-testid="chart-howmany"]`).Length() != 0 {
			t.Errorf("%s: a histogram without a forecast", q)
		}
	}
	// Same URL, same bytes (the seed is in it); another seed on varied history still answers.
	_, a := get(t, h, flowURL+"/forecast?items=7")
	_, b := get(t, h, flowURL+"/forecast?items=7")
	if a != b {
		t.Error("the same forecast URL gave different pages")
	}
	rows := csvRows(t, h, flowURL+"/forecast.csv?items=7&by=2025-04-06")
	if len(rows) != 7 || strings.Join(rows[4], ",") != "85,2025-04-06,4,7,2025-04-20,4" {
		t.Errorf("forecast CSV: %v", rows)
	}
	_, body := get(t, h, flowURL+"/forecast?format=json&type=Bug")
	var out struct {
		Cannot  string `json:"cannot_forecast"`
		HowMany struct {
			Likelihood map[string]*int `json:"likelihood"`
		} `json:"how_many"`
	}
	if err := json.Unmarshal([]byte(body), &out); err != nil || out.Cannot == "" || out.HowMany.Likelihood["85"] != nil {
		t.Errorf("forecast JSON: %v %.300s", err, body)
	}
	for _, name := range []string{"howmany", "when"} {
		res, body := get(t, h, flowURL+"/forecast/chart/"+name+".svg")
		if res.StatusCode != 200 || !strings.Contains(body, `data-value="10000"`) {
			t.Errorf("%s.svg: %d (every trial in one bar)", name, res.StatusCode)
		}
	}
}
