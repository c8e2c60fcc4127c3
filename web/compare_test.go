package web_test

import (
	"encoding/csv"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The quadrant fixture, before = weeks of Feb 10 .. Mar 3 ([1 0 0 2]),
// after = Mar 10 .. (Apr 6, stopping before the current week of Mar 24)
// = [2 0]. Throughput: means 0.75 -> 0.8 shown, 1.0; the after period has
// 2 weeks (< 4): not tested. Lead time: before H 1, A 2, B 3 (mean 2.0),
// after C 4, D 0.5 (mean 2.25 -> 2.3 shown, to one decimal): not tested.
func TestComparePage(t *testing.T) {
	t.Parallel()
	s, _ := loadFixture(t)
	u := quadrantURL + "/compare?a0=2025-02-10&a1=2025-03-09&b0=2025-03-10&b1=2025-04-06"
	res, body := get(t, s.Routes(), u)
	if res.StatusCode != 200 {
		t.Fatalf("%d %s", res.StatusCode, body)
	}
	d := doc(t, body)
	for id, want := range map[string]string{
		"cmp-throughput-a": "0.8 items", "cmp-throughput-b": "1.0 items", "cmp-throughput-verdict": "not enough data",
		"cmp-lead_time-a": "2.0 days", "cmp-lead_time-b": "2.3 days", "cmp-lead_time-verdict": "not enough data",
		"cmp-variation-verdict": "shown, not tested",
		// Likelihood lines per period, count rule: before [1 0 0 2] -> 50% of weeks >= 1, 80% >= 0;
		// after [2 0] -> 50% >= 2.
		"cmp-likely_50-a": "1", "cmp-likely_80-a": "0", "cmp-likely_50-b": "2",
		// Changes carry their sign and unit as the sentences do (a true
		// minus); Review 0.3 -> 0.0 days.
		"cmp-lead_time-change": "+0.3 days", "cmp-state_Review-change": "−0.3 days", "cmp-variation-change": "−0.11",
	} {
		if got := strings.TrimSpace(d.Find(`[data-testid="` + id + `"]`).Text()); got != want {
			t.Errorf("%s = %q, want %q", id, got, want)
		}
	}
	// Every tested measure has too few observations: one sentence names
	// them all, grouped by their counts.
	few := d.Find(`[data-testid="reading-too-few"]`)
	if got, want := strings.Join(strings.Fields(few.Text()), " "), "Not enough data to test: Delivered per week (mean) has 4 weeks before and 2 after; "+
		"Lead time (mean), Flow efficiency (mean), Blocked share of lead time (mean), Days in In Progress (mean) and Days in Review (mean) have 3 items before and 2 after. "+
		"At least 4 are needed in each period."; got != want {
		t.Errorf("reading:\n got %q\nwant %q", got, want)
	}
	if n := few.Find(`[data-testid="reading-throughput"], [data-testid="reading-lead_time"]`).Length(); n != 2 {
		t.Errorf("the sentence marks %d of throughput and lead time", n)
	}
	if n := d.Find(`[data-testid="readings"] p.sentence`).Length(); n != 2 {
		t.Errorf("%d sentences, want 2 (too few, variation)", n)
	}
	_, body = get(t, s.Routes(), strings.Replace(u, "/compare?", "/compare.csv?", 1))
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(rows) < 3 || rows[1][0] != "throughput" || rows[1][2] != "0.75" || rows[1][3] != "1" {
		t.Fatalf("csv: %v %v", rows, err)
	}
	// The machine formats keep plain numbers, with an ASCII minus (and no
	// formula guard on a plain negative number: spreadsheets read it).
	for _, r := range rows[1:] {
		if r[0] == "state_Review" && r[4] != "-0.3333" {
			t.Errorf("csv change of Review: %q", r[4])
		}
	}
	if _, js := get(t, s.Routes(), u+"&format=json"); strings.Contains(js, "−") || !strings.Contains(js, `"change": -0.33`) {
		t.Errorf("json: %s", js)
	}
	for q, param := range map[string]string{"a0=nope": "a0", "a0=2025-03-10&a1=2025-03-01": "a1", "seed=-1": "seed", "trials=5": "trials", "weeks=4": "weeks", "type=Epic": "type"} {
		res, body := get(t, s.Routes(), quadrantURL+"/compare?"+q)
		if res.StatusCode != http.StatusBadRequest || doc(t, body).Find(`[data-testid="error-param"]`).Text() != param {
			t.Errorf("%s: %d, want 400 naming %s", q, res.StatusCode, param)
		}
	}
	rec := httptest.NewRecorder()
	s.Routes().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, quadrantURL+"/compare?a0=2025-02-10&a1=2025-03-09&b0=2025-03-10&b1=2025-04-06&seed=1&type=Story&type=Bug&apply=1", nil))
	if want := quadrantURL + "/compare?a0=2025-02-10&a1=2025-03-09&b0=2025-03-10&b1=2025-04-06"; rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != want {
		t.Errorf("redirect %d %q", rec.Code, rec.Header().Get("Location"))
	}
}
