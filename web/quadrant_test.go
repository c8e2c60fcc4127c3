package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/vger-dev/vger/internal/store"
	vsync "github.com/vger-dev/vger/internal/sync"
	"github.com/vger-dev/vger/web"
)

// The hand-worked board (UTC, calendar days, window 4 weeks; columns
// To Do | In Progress | Review | Done; lead time from In Progress to Done)
// and "now" = Wednesday 2025-03-26 12:00, so the current week starts
// Monday 2025-03-24. Issues (all times UTC):
//
//	PAY-1 H Story  created Feb 10 09:00, In Progress Feb 10 10:00, Done Feb 11 10:00   LT 1.0
//	PAY-2 A Story  created Mar 3 09:00, In Progress Mar 3 10:00, Done Mar 5 10:00      LT 2.0
//	PAY-3 B Story  created Mar 3 09:00, IP Mar 4 10:00, Review Mar 6 10:00, Done Mar 7 10:00  LT 3.0 (IP 2, Review 1)
//	PAY-4 C Bug    created Mar 10 09:00, IP Mar 10 12:00, Done Mar 14 12:00           LT 4.0
//	PAY-5 D Story  created Mar 11 09:00, IP Mar 12 09:00, Done Mar 12 21:00           LT 0.5
//	PAY-6 E Story  created Mar 17 09:00, IP Mar 18 09:00, Done Mar 24 09:00 (current week)
//	PAY-7 F Bug    created Mar 17 09:00, To Do -> Done Mar 18 09:00: closed, not delivered
//	PAY-8 G Story  created Mar 18 09:00, IP Mar 19 09:00: in progress
var fixtureNow = time.Date(2025, 3, 26, 12, 0, 0, 0, time.UTC)

func at(month time.Month, day, hour int) time.Time {
	return time.Date(2025, month, day, hour, 0, 0, 0, time.UTC)
}

func loadFixture(t *testing.T) (*web.Server, *store.Store) {
	t.Helper()
	s, st, team := fixtureServer(t, fixtureNow)
	ctx := context.Background()
	b, err := st.CreateBoard(ctx, fixtureBoard(team.ID, "Payments board", "pay", 7, 1))
	if err != nil {
		t.Fatal(err)
	}
	ib := &issueBuilder{project: "PAY"}
	mk := func(id int64, typ, status string, created time.Time, moves ...any) store.JiraIssue {
		is := ib.issue(id, typ, status, created, moves...)
		is.Summary = "Item " + itoa(id)
		return is
	}
	issues := []store.JiraIssue{
		mk(1, "10", "5", at(2, 10, 9), "1", "3", at(2, 10, 10), "3", "5", at(2, 11, 10)),
		mk(2, "10", "5", at(3, 3, 9), "1", "3", at(3, 3, 10), "3", "5", at(3, 5, 10)),
		mk(3, "10", "5", at(3, 3, 9), "1", "3", at(3, 4, 10), "3", "4", at(3, 6, 10), "4", "5", at(3, 7, 10)),
		mk(4, "11", "5", at(3, 10, 9), "1", "3", at(3, 10, 12), "3", "5", at(3, 14, 12)),
		mk(5, "10", "5", at(3, 11, 9), "1", "3", at(3, 12, 9), "3", "5", at(3, 12, 21)),
		mk(6, "10", "5", at(3, 17, 9), "1", "3", at(3, 18, 9), "3", "5", at(3, 24, 9)),
		mk(7, "11", "5", at(3, 17, 9), "1", "5", at(3, 18, 9)),
		mk(8, "10", "3", at(3, 18, 9), "1", "3", at(3, 19, 9)),
	}
	storeFixtureIssues(t, st, b.ID, issues, fixtureNow, true)
	return s, st
}

func itoa(n int64) string {
	return strings.TrimSpace(strings.Replace(time.Duration(n).String(), "ns", "", 1))
}

const quadrantURL = "/teams/payments/boards/pay"

func TestQuadrantNumbersMatchHandWork(t *testing.T) {
	t.Parallel()
	s, _ := loadFixture(t)
	res, body := get(t, s.Routes(), quadrantURL+"?from=2025-03-03&to=2025-03-23")
	if res.StatusCode != 200 {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	d := doc(t, body)
	want := map[string]string{
		// Headline numbers: 2 + 2 + 0 delivered in the three complete weeks.
		"stat-delivered": "4",
		// Flat lines over the range's weeks [2, 2, 0]: 2 of 3 weeks (67%) >= 2, so the
		// 50% line is 2; 80% and 90% need every week (3 of 3) and only 0 qualifies.
		"stat-flat-50": "2", "stat-flat-80": "0", "stat-flat-90": "0",
		// Lead time in the last complete week (Mar 17): its 4-week window holds
		// A 2.0, B 3.0, C 4.0, D 0.5 -> sorted [0.5 2 3 4]; type 7:
		// p50 h=1.5 -> 2+0.5*(3-2) = 2.5; p80 h=2.4 -> 3+0.4 = 3.4; p90 h=2.7 -> 3.7.
		"stat-lead-50": "2.5", "stat-lead-80": "3.4", "stat-lead-90": "3.7",
		// Throughput table (week, delivered, 50/80/90% likely over the 4-week window):
		// Mar 3: window Feb 10..Mar 3 = [1 0 0 2]: >=1 in 2 of 4 weeks (50%) -> 1; 80/90 -> 0.
		"tp-2025-03-03-1": "2", "tp-2025-03-03-2": "1", "tp-2025-03-03-3": "0", "tp-2025-03-03-4": "0",
		// Mar 10: [0 0 2 2]: >=2 in 50% -> 2.  Mar 17: [0 2 2 0] -> 2.
		"tp-2025-03-10-1": "2", "tp-2025-03-10-2": "2", "tp-2025-03-10-3": "0",
		"tp-2025-03-17-1": "0", "tp-2025-03-17-2": "2",
		// Variation: [1 0 0 2] mean .75, population sd sqrt(2.75/4) = .829 -> 1.11;
		// [0 0 2 2] mean 1, sd 1 -> 1.00.
		"var-2025-03-03-1": "1.11", "var-2025-03-03-2": "4", "var-2025-03-10-1": "1.00",
		// Backlog from the range start: created 2, 4, 7 (E F G in the week of Mar 17);
		// delivered 2, 4, 4; closed, not delivered: F (straight to done Mar 18) -> 0, 0, 1.
		"bl-2025-03-03-1": "2", "bl-2025-03-10-1": "4", "bl-2025-03-17-1": "7",
		"bl-2025-03-17-2": "4", "bl-2025-03-10-3": "0", "bl-2025-03-17-3": "1",
		// Lead time in the week of Mar 3: window holds H 1, A 2, B 3 -> p50 2.0,
		// p80 h=1.6 -> 2.6, p90 h=1.8 -> 2.8; 3 items.
		"lt-2025-03-03-1": "2.0", "lt-2025-03-03-2": "2.6", "lt-2025-03-03-3": "2.8", "lt-2025-03-03-4": "3",
		"lt-2025-03-10-1": "2.5", "lt-2025-03-10-4": "4",
		// Mean days per state (Mar 10 window A B C D): In Progress (2+2+4+.5)/4 = 2.125 -> 2.1;
		// Review 1/4 = .25 -> 0.3 (rounded half up); outside 0.
		"st-2025-03-10-1": "2.1", "st-2025-03-10-2": "0.3", "st-2025-03-10-3": "0.0",
		// No item was ever flagged: mean blocked 0.
		"st-2025-03-10-4": "0.0",
		// Net flow: started A B | C D | E G; delivered 2 | 2 | 0.
		"nf-2025-03-03-1": "2", "nf-2025-03-17-1": "2", "nf-2025-03-17-3": "2",
	}
	for id, v := range want {
		if got := strings.TrimSpace(d.Find(`[data-testid="` + id + `"]`).First().Text()); got != v {
			t.Errorf("%s = %q, want %q", id, got, v)
		}
	}
	// The chart draws the same numbers: bars carry their values.
	if v, _ := d.Find(`[data-testid="throughput-delivered-2025-03-10"]`).Attr("data-value"); v != "2" {
		t.Errorf("throughput bar for Mar 10 = %q", v)
	}
	if d.Find(`[data-testid="empty-state"]`).Length() != 0 {
		t.Error("empty state shown for a board with data")
	}
}

func TestQuadrantWorkTypeFilter(t *testing.T) {
	t.Parallel()
	s, _ := loadFixture(t)
	// Bugs only: C delivered in the week of Mar 10; F is closed, not delivered.
	_, body := get(t, s.Routes(), quadrantURL+"?from=2025-03-03&to=2025-03-23&type=Bug")
	d := doc(t, body)
	for id, v := range map[string]string{"stat-delivered": "1", "tp-2025-03-03-1": "0", "tp-2025-03-10-1": "1", "bl-2025-03-17-1": "2", "bl-2025-03-17-3": "1"} {
		if got := strings.TrimSpace(d.Find(`[data-testid="` + id + `"]`).Text()); got != v {
			t.Errorf("Bug only: %s = %q, want %q", id, got, v)
		}
	}
}

func TestQuadrantCSVs(t *testing.T) {
	t.Parallel()
	s, _ := loadFixture(t)
	res, body := get(t, s.Routes(), quadrantURL+"/throughput.csv?from=2025-03-03&to=2025-03-23")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("%d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"week", "partial", "delivered", "likely_50", "likely_80", "likely_90", "keys"},
		{"2025-03-03", "false", "2", "1", "0", "0", "PAY-2 PAY-3"},
		{"2025-03-10", "false", "2", "2", "0", "0", "PAY-4 PAY-5"},
		{"2025-03-17", "false", "0", "2", "0", "0", ""},
	}
	if !equalRows(rows, want) {
		t.Fatalf("throughput CSV:\n got %v\nwant %v", rows, want)
	}
	_, body = get(t, s.Routes(), quadrantURL+"/leadtime.csv?from=2025-03-03&to=2025-03-23")
	rows, err = csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want = [][]string{
		{"key", "summary", "type", "started", "done", "lead_time_days", "calendar_days", "noise", "days_in In Progress", "days_in Review", "days_outside_window", "blocked_days", "blocked_days_in In Progress", "blocked_days_in Review", "blocked_days_outside_window", "url"},
		{"PAY-2", "Item 2", "Story", "2025-03-03T10:00:00Z", "2025-03-05T10:00:00Z", "2", "2", "false", "2", "0", "0", "0", "0", "0", "0", "https://jira.example.com/browse/PAY-2"},
		{"PAY-3", "Item 3", "Story", "2025-03-04T10:00:00Z", "2025-03-07T10:00:00Z", "3", "3", "false", "2", "1", "0", "0", "0", "0", "0", "https://jira.example.com/browse/PAY-3"},
		{"PAY-5", "Item 5", "Story", "2025-03-12T09:00:00Z", "2025-03-12T21:00:00Z", "0.5", "0.5", "false", "0.5", "0", "0", "0", "0", "0", "0", "https://jira.example.com/browse/PAY-5"},
		{"PAY-4", "Item 4", "Bug", "2025-03-10T12:00:00Z", "2025-03-14T12:00:00Z", "4", "4", "false", "4", "0", "0", "0", "0", "0", "0", "https://jira.example.com/browse/PAY-4"},
	}
	if !equalRows(rows, want) {
		t.Fatalf("lead-time CSV:\n got %v\nwant %v", rows, want)
	}
}

func equalRows(a, b [][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if strings.Join(a[i], "\x00") != strings.Join(b[i], "\x00") {
			return false
		}
	}
	return true
}

func TestQuadrantJSONAndSVG(t *testing.T) {
	t.Parallel()
	s, _ := loadFixture(t)
	res, body := get(t, s.Routes(), quadrantURL+"?from=2025-03-03&to=2025-03-23&format=json")
	if res.StatusCode != 200 {
		t.Fatal(res.StatusCode)
	}
	var out struct {
		Weeks []struct {
			Week       string             `json:"week"`
			Throughput int                `json:"throughput"`
			Likelihood map[string]int     `json:"likelihood"`
			LeadTime   map[string]float64 `json:"lead_time"`
		} `json:"weeks"`
		Flat map[string]int `json:"flat_likelihood"`
	}
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Weeks) != 3 || out.Weeks[1].Throughput != 2 || out.Weeks[1].Likelihood["50"] != 2 || out.Weeks[0].LeadTime["80"] != 2.6 || out.Flat["50"] != 2 {
		t.Fatalf("json: %+v", out)
	}
	res, body = get(t, s.Routes(), quadrantURL+"/chart/throughput.svg?from=2025-03-03&to=2025-03-23")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(body, "<?xml") || !strings.Contains(body, `data-week="2025-03-10" data-value="2"`) {
		t.Fatalf("svg: %d %s %.200s", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	if res, _ := get(t, s.Routes(), quadrantURL+"/chart/nope.svg"); res.StatusCode != 404 {
		t.Fatalf("unknown chart: %d", res.StatusCode)
	}
}

// Every malformed parameter is a 400 naming it.
func TestQuadrantBadParameters(t *testing.T) {
	t.Parallel()
	s, _ := loadFixture(t)
	cases := map[string]string{
		"from=yesterday":                 "from",
		"from=2025-02-30":                "from",
		"to=2025-03-01":                  "to",
		"from=2025-03-10&to=2025-03-01":  "to",
		"weeks=0":                        "weeks",
		"weeks=abc":                      "weeks",
		"weeks=10&from=2025-01-01":       "weeks",
		"type=Epic":                      "type",
		"start=Nope":                     "start",
		"end=Nope":                       "end",
		"start=Review&end=In%20Progress": "end",
		"days=lunar":                     "days",
		"window=3":                       "window",
		"window=1000":                    "window",
		"backlog=sideways":               "backlog",
		"tags=maybe":                     "tags",
		"hide=Nope":                      "hide",
		"format=xml":                     "format",
		"zoom=2":                         "zoom",
		"days=working&days=calendar":     "days",
		"from=2000-01-01&to=2025-01-01":  "from",
	}
	checkBadParams(t, s.Routes(), quadrantURL, []string{"", "/throughput.csv", "/leadtime.csv", "/chart/throughput.svg"}, cases)
	if res, _ := get(t, s.Routes(), quadrantURL+"/"); res.StatusCode != 200 {
		t.Errorf("with a trailing slash: %d", res.StatusCode)
	}
	if res, _ := get(t, s.Routes(), "/teams/payments/boards/nope"); res.StatusCode != 404 {
		t.Errorf("unknown board: %d", res.StatusCode)
	}
}

// A submitted form redirects to the canonical URL: defaults left out,
// parameters in a fixed order, a date range replacing the relative one.
func TestQuadrantFormRedirectsToCanonicalURL(t *testing.T) {
	t.Parallel()
	s, _ := loadFixture(t)
	cases := map[string]string{
		"weeks=26&from=&to=&type=Story&type=Bug&start=In+Progress&end=Done&days=calendar&window=4&backlog=relative&tags=on&apply=1": quadrantURL,
		"weeks=&type=story&apply=1": quadrantURL + "?type=Story",
		"weeks=12&from=&to=&type=Bug&start=In+Progress&end=Done&days=working&window=8&backlog=absolute&tags=off&apply=1": quadrantURL + "?weeks=12&type=Bug&days=working&window=8&backlog=absolute&tags=off",
		"weeks=26&from=2025-01-06&to=2025-03-23&start=Review&end=Done&hide=Review&apply=1":                               quadrantURL + "?from=2025-01-06&to=2025-03-23&start=Review&hide=Review",
	}
	checkRedirects(t, s.Routes(), quadrantURL, cases)
}

// A permalink reproduces the page byte for byte (apart from "data as of"),
// and keeps doing so after the board's settings change.
func TestQuadrantPermalinkReproducesPage(t *testing.T) {
	t.Parallel()
	s, st := loadFixture(t)
	_, body := get(t, s.Routes(), quadrantURL+"?weeks=4&type=Story")
	perm, ok := doc(t, body).Find(`[data-testid="permalink"]`).Attr("href")
	if !ok || !strings.Contains(perm, "from=2025-02-24") || !strings.Contains(perm, "to=2025-03-30") {
		t.Fatalf("permalink %q", perm)
	}
	_, permBody := get(t, s.Routes(), perm)
	strip := func(b string) string {
		d := doc(t, b)
		d.Find(`[data-testid="data-as-of"], [data-testid="permalink"], form, nav.tabs, [data-testid="json"], [data-testid^="csv-"], .downloads`).Remove()
		h, _ := d.Html()
		return h
	}
	if strip(body) != strip(permBody) {
		t.Fatal("the permalink shows a different page")
	}
	// The board's default window changes: the live view changes, the permalink does not.
	if _, err := st.Pool.Exec(context.Background(), `UPDATE boards SET rolling_weeks = 8`); err != nil {
		t.Fatal(err)
	}
	_, later := get(t, s.Routes(), perm)
	if strip(later) != strip(permBody) {
		t.Fatal("the permalink changed with the board's settings")
	}
}

var _ = io.EOF

type fakeJobs struct{ inserted []any }

func (f *fakeJobs) Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error) {
	f.inserted = append(f.inserted, args)
	return &rivertype.JobInsertResult{}, nil
}

// "Refresh now" queues a sync of the board and returns to the page; a
// foreign return address is refused in favour of the board's page.
func TestRefreshNow(t *testing.T) {
	t.Parallel()
	s, _ := loadFixture(t)
	jobs := &fakeJobs{}
	s.Jobs = jobs
	_, body := get(t, s.Routes(), quadrantURL+"?weeks=8")
	d := doc(t, body)
	if d.Find(`[data-testid="refresh"]`).Length() != 1 {
		t.Fatal("no refresh button")
	}
	back, _ := d.Find(`input[name="back"]`).Attr("value")
	for ret, want := range map[string]string{back: quadrantURL + "?weeks=8", "https://evil.example/": quadrantURL, "//evil.example/x": quadrantURL, "/\\evil": quadrantURL} {
		req := httptest.NewRequest(http.MethodPost, quadrantURL+"/refresh", strings.NewReader(url.Values{"back": {ret}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		s.Routes().ServeHTTP(rec, req)
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != want {
			t.Errorf("back=%q: %d %q, want %q", ret, rec.Code, rec.Header().Get("Location"), want)
		}
	}
	if len(jobs.inserted) != 4 {
		t.Fatalf("inserted %d jobs", len(jobs.inserted))
	}
	if a, ok := jobs.inserted[0].(vsync.SyncBoardArgs); !ok || a.BoardID == 0 {
		t.Fatalf("job %#v", jobs.inserted[0])
	}
}
