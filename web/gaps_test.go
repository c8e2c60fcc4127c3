package web_test

import (
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The detailed lead-time view splits the items' mean blocked time by
// state. Flow fixture, week of Mar 17 (window Feb 24 - Mar 23, items S1..S8):
// only S7 was blocked, Mar 17 12:00 - Mar 18 12:00 while In Progress (IP
// Mar 17 10:00 -> Review Mar 19 10:00): 1 calendar day in In Progress.
// Means over the 8 items: blocked 1/8 = 0.125, in In Progress 0.125, in
// Review 0, outside 0. Time per state: In Progress (1+2+1+1+2+2+2+3)/8 =
// 1.75, Review (1+1)/8 = 0.25.
func TestDetailedViewBlockedByState(t *testing.T) {
	t.Parallel()
	s, _ := loadFlowFixture(t)
	h := s.Routes()
	q := "?from=2025-03-17&to=2025-03-23"
	_, body := get(t, h, flowURL+q+"&format=json")
	var out struct {
		Weeks []struct {
			Week           string             `json:"week"`
			ByState        map[string]float64 `json:"mean_days_by_state"`
			Blocked        *float64           `json:"mean_blocked_days"`
			BlockedByState map[string]float64 `json:"mean_blocked_days_by_state"`
		} `json:"weeks"`
	}
	if err := json.Unmarshal([]byte(body), &out); err != nil || len(out.Weeks) != 1 {
		t.Fatalf("%v: %s", err, body)
	}
	w := out.Weeks[0]
	if w.Blocked == nil || *w.Blocked != 0.125 || w.ByState["In Progress"] != 1.75 || w.ByState["Review"] != 0.25 {
		t.Errorf("week %s: blocked %v, by state %v", w.Week, w.Blocked, w.ByState)
	}
	if b := w.BlockedByState; len(b) != 3 || b["In Progress"] != 0.125 || b["Review"] != 0 || b["outside"] != 0 {
		t.Errorf("blocked by state %v, want In Progress 0.125, Review 0, outside 0", b)
	}

	// The table: Week | In Progress | Review | Outside | Blocked | Blocked in In Progress | in Review | outside.
	d := doc(t, func() string { _, b := get(t, h, flowURL+q); return b }())
	testids(t, d, map[string]string{"st-2025-03-17-1": "1.8", "st-2025-03-17-4": "0.1", "st-2025-03-17-5": "0.1",
		"st-2025-03-17-6": "0.0", "st-2025-03-17-7": "0.0"})
	if head := d.Find(`[data-testid="chart-states"]`).Length(); head == 0 {
		t.Fatal("no states chart")
	}
	// The chart: In Progress is drawn as 1.625 flowing and 0.125 blocked (hatched; values
	// written to two decimals), the
	// stack still 2.0 (the mean lead time).
	flowing := d.Find(`[data-testid="states-states-in-progress-2025-03-17"]`)
	blocked := d.Find(`[data-testid="states-states-in-progress-blocked-2025-03-17"]`)
	if flowing.AttrOr("data-value", "") != "1.63" || blocked.AttrOr("data-value", "") != "0.13" || blocked.AttrOr("data-partial", "") != "true" {
		t.Errorf("In Progress bars: flowing %q, blocked %q (partial %q)", flowing.AttrOr("data-value", ""), blocked.AttrOr("data-value", ""), blocked.AttrOr("data-partial", ""))
	}
	if top := d.Find(`[data-testid="states-states-outside-blocked-2025-03-17"]`).AttrOr("data-stack-top", ""); top != "2" {
		t.Errorf("stack top %q, want the mean lead time 2", top)
	}

	// The lead-time CSV: S7's blocked day per state.
	_, body = get(t, h, flowURL+"/leadtime.csv"+q)
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, c := range rows[0] {
		col[c] = i
	}
	found := false
	for _, r := range rows[1:] {
		if r[col["key"]] == "FLO-7" {
			found = true
			if r[col["blocked_days"]] != "1" || r[col["blocked_days_in In Progress"]] != "1" || r[col["blocked_days_in Review"]] != "0" || r[col["blocked_days_outside_window"]] != "0" {
				t.Errorf("FLO-7: %v (header %v)", r, rows[0])
			}
		}
	}
	if !found {
		t.Errorf("no FLO-7 in %v", rows)
	}
}

// The compact scatterplots' hover details: the zoomed view's points in
// done order, summaries JSON-escaped, cacheable per user, gzip on request.
func TestScatterPointDetails(t *testing.T) {
	t.Parallel()
	s, _ := loadPRQuarterlyFixture(t)
	srv := httptest.NewServer(s.Routes())
	defer srv.Close()
	fetch := func(path string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var r io.Reader = resp.Body
		if resp.Header.Get("Content-Encoding") == "gzip" {
			if r, err = gzip.NewReader(resp.Body); err != nil {
				t.Fatal(err)
			}
		}
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		return resp, string(b)
	}
	// Issues done Apr 1 .. May 14 with lead times 0..10: QTR-8, 9, 10, 11 (see the lead-time CSV test).
	resp, body := fetch("/teams/payments/boards/qtr/quarterly-points.json?zx0=2025-04-01&zx1=2025-05-14&zy0=0&zy1=10")
	want := `{"QTR-8":["Item 8","Blocked: 0.0 calendar days"],"QTR-9":["=HYPERLINK(\"http://evil\")","Blocked: 0.0 calendar days"],` +
		`"QTR-10":["Item 10","Blocked: 0.0 calendar days"],"QTR-11":["\u003cb\u003eFix\u003c/b\u003e \"login\" \u0026 more","Blocked: 0.0 calendar days"]}` + "\n"
	if resp.StatusCode != 200 || body != want {
		t.Errorf("issue details %d:\n got %s\nwant %s", resp.StatusCode, body, want)
	}
	if cc, ce, ct := resp.Header.Get("Cache-Control"), resp.Header.Get("Content-Encoding"), resp.Header.Get("Content-Type"); cc != "private, max-age=300" || ce != "gzip" || !strings.HasPrefix(ct, "application/json") {
		t.Errorf("headers: Cache-Control %q, Content-Encoding %q, Content-Type %q", cc, ce, ct)
	}
	// Pull requests merged May 1 .. 10: web#6 (May 2), pay#10 (May 6), web#7 (May 9).
	resp, body = fetch("/teams/payments/boards/qtr/prs/quarterly-points.json?zx0=2025-05-01&zx1=2025-05-10")
	want = `{"acme/web#6":["\u003cb\u003eFaster\u003c/b\u003e \"checkout\" \u0026 more"],"acme/pay#10":["Currency rounding"],"acme/web#7":["Receipts"]}` + "\n"
	if resp.StatusCode != 200 || body != want {
		t.Errorf("PR details %d:\n got %s\nwant %s", resp.StatusCode, body, want)
	}
	// A bad query is the view's error.
	if resp, _ := fetch("/teams/payments/boards/qtr/quarterly-points.json?zx0=nope"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("bad zoom: %d", resp.StatusCode)
	}
}
