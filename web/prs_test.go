package web_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vger-dev/vger/internal/store"
	"github.com/vger-dev/vger/web"
)

// loadPRFixture adds repository acme/pay-api with hand-worked pull
// requests to the quadrant fixture (UTC, calendar days, window 4 weeks,
// now Wed 2025-03-26):
//
//	#1 alice  opened Feb 10 09:00, merged Feb 11 09:00   lead 1.0   +10/-5
//	#2 bob    opened Mar 3 09:00,  merged Mar 4 21:00    lead 1.5   +100/-20
//	#3 carol  opened Mar 4 09:00,  closed unmerged Mar 5 09:00 (rejected)  +30/-0
//	#4 dependabot[bot] opened Mar 5 09:00, merged Mar 5 10:00  (left out by exclude)  +2/-2
//	#5 alice  opened Mar 7 09:00 (week of Mar 3), merged Mar 12 09:00 (week of Mar 10)  lead 5.0  +40/-10
//	#6 bob    opened Mar 18 09:00, merged Mar 20 09:00   lead 2.0   +5/-5
//	#7 dave   opened Mar 19 09:00, still open
func loadPRFixture(t *testing.T) *web.Server {
	t.Helper()
	s, st := loadFixture(t)
	s.GitHubURL = "https://github.com"
	ctx := context.Background()
	repo, err := st.EnsureRepo(ctx, "acme", "pay-api", "main")
	if err != nil {
		t.Fatal(err)
	}
	b, err := st.BoardBySlugs(ctx, "payments", "pay")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.LinkRepo(ctx, b.ID, repo.ID); err != nil {
		t.Fatal(err)
	}
	n := func(v int) *int { return &v }
	tp := func(t time.Time) *time.Time { return &t }
	pr := func(num int, author string, opened time.Time, closed, merged *time.Time, add, del int) store.PullRequest {
		p := store.PullRequest{Number: num, Author: author, Title: "Change " + author, State: "open", BaseRef: "main", CreatedAt: opened, UpdatedAt: opened,
			ClosedAt: closed, MergedAt: merged, Additions: n(add), Deletions: n(del), ChangedFiles: n(1)}
		if closed != nil {
			p.State, p.UpdatedAt = "closed", *closed
		}
		return p
	}
	prs := []store.PullRequest{
		pr(1, "alice", at(2, 10, 9), tp(at(2, 11, 9)), tp(at(2, 11, 9)), 10, 5),
		pr(2, "bob", at(3, 3, 9), tp(at(3, 4, 21)), tp(at(3, 4, 21)), 100, 20),
		pr(3, "carol", at(3, 4, 9), tp(at(3, 5, 9)), nil, 30, 0),
		pr(4, "dependabot[bot]", at(3, 5, 9), tp(at(3, 5, 10)), tp(at(3, 5, 10)), 2, 2),
		pr(5, "alice", at(3, 7, 9), tp(at(3, 12, 9)), tp(at(3, 12, 9)), 40, 10),
		pr(6, "bob", at(3, 18, 9), tp(at(3, 20, 9)), tp(at(3, 20, 9)), 5, 5),
		pr(7, "dave", at(3, 19, 9), nil, nil, 1, 1),
	}
	if err := pgx.BeginFunc(ctx, st.Pool, func(tx pgx.Tx) error {
		_, err := store.WritePullRequests(ctx, tx, repo.ID, prs)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return s
}

const prURL = quadrantURL + "/prs"

func TestPRQuadrantNumbersMatchHandWork(t *testing.T) {
	t.Parallel()
	s := loadPRFixture(t)
	res, body := get(t, s.Routes(), prURL+"?from=2025-03-03&to=2025-03-23&exclude=dependabot%5Bbot%5D")
	if res.StatusCode != 200 {
		t.Fatalf("%d: %s", res.StatusCode, body)
	}
	d := doc(t, body)
	want := map[string]string{
		// Merged per week without the bot: #2 | #5 (opened the week before) | #6.
		"stat-merged": "3", "prtp-2025-03-03-1": "1", "prtp-2025-03-10-1": "1", "prtp-2025-03-17-1": "1",
		// Window of Mar 3 = Feb 10..Mar 3 = [1 0 0 1]: >= 1 in 50% of weeks -> 1; 80% -> 0.
		"prtp-2025-03-03-2": "1", "prtp-2025-03-03-3": "0",
		// Mar 17: [0 1 1 1]: 75% >= 1, so 50% -> 1 but 80% -> 0.
		"prtp-2025-03-17-2": "1", "prtp-2025-03-17-3": "0",
		// Variation: [1 0 0 1] mean .5 sd .5 -> 1.00; [0 1 1 1] mean .75 sd sqrt(.1875) = .433 -> 0.58.
		"prvar-2025-03-03-1": "1.00", "prvar-2025-03-17-1": "0.58",
		// Flat lines over [1 1 1]: every week merged at least 1.
		"stat-flat-50": "1", "stat-flat-80": "1", "stat-flat-90": "1",
		// Volume, counted once in the week each PR closed: Mar 3 merged #2 120, rejected #3 30;
		// Mar 10 merged #5 50 (not spread over the weeks it was open); Mar 17 merged #6 10.
		"prvol-2025-03-03-1": "120", "prvol-2025-03-03-2": "30", "prvol-2025-03-10-1": "50", "prvol-2025-03-17-1": "10",
		// Lead time, window of Mar 3 = #1 1.0, #2 1.5: p50 1.25 -> 1.3 (shown to one decimal), p80 1 + .8*.5 = 1.4, p90 1.45 -> 1.5.
		"prlt-2025-03-03-1": "1.3", "prlt-2025-03-03-2": "1.4", "prlt-2025-03-03-4": "2",
		// Window of Mar 17 = #2 1.5, #5 5.0, #6 2.0 -> [1.5 2 5]: p50 2.0, p80 h=1.6 -> 2+.6*3 = 3.8, p90 h=1.8 -> 4.4.
		"stat-lead-50": "2.0", "stat-lead-80": "3.8", "stat-lead-90": "4.4",
	}
	for id, v := range want {
		if got := strings.TrimSpace(d.Find(`[data-testid="` + id + `"]`).First().Text()); got != v {
			t.Errorf("%s = %q, want %q", id, got, v)
		}
	}
	// Without the filter the bot's PR counts: 2 merged in the week of Mar 3.
	_, body = get(t, s.Routes(), prURL+"?from=2025-03-03&to=2025-03-23")
	if got := strings.TrimSpace(doc(t, body).Find(`[data-testid="prtp-2025-03-03-1"]`).Text()); got != "2" {
		t.Errorf("with the bot: %q", got)
	}
	// The bot is offered for exclusion in the form.
	if doc(t, body).Find(`[data-testid="in-exclude-dependabot[bot]"]`).Length() != 1 {
		t.Error("the bot is not offered for exclusion")
	}
}

func TestPRExports(t *testing.T) {
	t.Parallel()
	s := loadPRFixture(t)
	q := "?from=2025-03-03&to=2025-03-23&exclude=dependabot%5Bbot%5D"
	_, body := get(t, s.Routes(), prURL+"/prs.csv"+q)
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// PRs opened or closed in the range, the bot left out, by opening time.
	want := [][]string{
		{"repo", "number", "title", "author", "base", "state", "created", "merged", "closed", "lead_time_days", "lines_added", "lines_deleted", "url"},
		{"acme/pay-api", "2", "Change bob", "bob", "main", "merged", "2025-03-03T09:00:00Z", "2025-03-04T21:00:00Z", "2025-03-04T21:00:00Z", "1.5", "100", "20", "https://github.com/acme/pay-api/pull/2"},
		{"acme/pay-api", "3", "Change carol", "carol", "main", "rejected", "2025-03-04T09:00:00Z", "", "2025-03-05T09:00:00Z", "", "30", "0", "https://github.com/acme/pay-api/pull/3"},
		{"acme/pay-api", "5", "Change alice", "alice", "main", "merged", "2025-03-07T09:00:00Z", "2025-03-12T09:00:00Z", "2025-03-12T09:00:00Z", "5", "40", "10", "https://github.com/acme/pay-api/pull/5"},
		{"acme/pay-api", "6", "Change bob", "bob", "main", "merged", "2025-03-18T09:00:00Z", "2025-03-20T09:00:00Z", "2025-03-20T09:00:00Z", "2", "5", "5", "https://github.com/acme/pay-api/pull/6"},
		{"acme/pay-api", "7", "Change dave", "dave", "main", "open", "2025-03-19T09:00:00Z", "", "", "", "1", "1", "https://github.com/acme/pay-api/pull/7"},
	}
	if !equalRows(rows, want) {
		t.Fatalf("PR CSV:\n got %v\nwant %v", rows, want)
	}
	_, body = get(t, s.Routes(), prURL+"/throughput.csv"+q)
	rows, _ = csv.NewReader(strings.NewReader(body)).ReadAll()
	want = [][]string{
		{"week", "partial", "merged", "likely_50", "likely_80", "likely_90", "volume_merged_lines", "volume_rejected_lines"},
		{"2025-03-03", "false", "1", "1", "0", "0", "120", "30"},
		{"2025-03-10", "false", "1", "1", "0", "0", "50", "0"},
		{"2025-03-17", "false", "1", "1", "0", "0", "10", "0"},
	}
	if !equalRows(rows, want) {
		t.Fatalf("weekly CSV:\n got %v\nwant %v", rows, want)
	}
	res, body := get(t, s.Routes(), prURL+"/chart/prvolume.svg"+q)
	if res.StatusCode != 200 || !strings.Contains(body, `data-stack-top="150"`) {
		t.Fatalf("volume SVG: %d", res.StatusCode)
	}
	res, _ = get(t, s.Routes(), prURL+q+"&format=json")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/json; charset=utf-8" {
		t.Fatalf("json: %d", res.StatusCode)
	}
}

func TestPRParameters(t *testing.T) {
	t.Parallel()
	s := loadPRFixture(t)
	for q, param := range map[string]string{
		"repo=acme/other":   "repo",
		"base=..%2Fetc":     "base",
		"exclude=%3Cscript": "exclude",
		"type=Bug":          "type",
		"start=Review":      "start",
		"weeks=0":           "weeks",
	} {
		res, body := get(t, s.Routes(), prURL+"?"+q)
		if res.StatusCode != http.StatusBadRequest || doc(t, body).Find(`[data-testid="error-param"]`).Text() != param {
			t.Errorf("%s: %d, want 400 naming %s", q, res.StatusCode, param)
		}
	}
	// The form redirects to the canonical URL: every repo and branch ticked = no filter.
	rec := httptest.NewRecorder()
	s.Routes().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, prURL+"?weeks=26&from=&to=&repo=acme/pay-api&base=main&exclude=&exclude=dependabot[bot]&days=calendar&window=4&tags=on&apply=1", nil))
	if want := prURL + "?exclude=dependabot%5Bbot%5D"; rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != want {
		t.Fatalf("redirect %d %q, want %q", rec.Code, rec.Header().Get("Location"), want)
	}
	// JIRA quadrant and PR quadrant link to each other, keeping the range.
	_, body := get(t, s.Routes(), quadrantURL+"?weeks=8&type=Bug")
	if href, _ := doc(t, body).Find(`[data-testid="tab-prs"]`).Attr("href"); href != prURL+"?weeks=8" {
		t.Errorf("to PRs: %q", href)
	}
	_, body = get(t, s.Routes(), prURL+"?weeks=8")
	if href, _ := doc(t, body).Find(`[data-testid="to-jira"]`).Attr("href"); href != quadrantURL+"?weeks=8" {
		t.Errorf("to JIRA: %q", href)
	}
}

// Release tags are markers on every time chart of the board, JIRA and PR
// alike, filtered by the board's tag pattern, named on hover, and hidden
// with tags=off.
func TestTagMarkers(t *testing.T) {
	t.Parallel()
	s := loadPRFixture(t)
	ctx := context.Background()
	st := s.Store
	repo, _ := st.RepoByName(ctx, "acme", "pay-api")
	v1 := at(3, 12, 15)
	nightly := at(3, 13, 2)
	if _, _, err := st.ReplaceTags(ctx, repo.ID, []store.Tag{{Name: "v1.0.0", SHA: "abc", At: &v1}, {Name: "nightly-20250313", SHA: "def", At: &nightly}}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Pool.Exec(ctx, `UPDATE boards SET tag_pattern = '^v[0-9]'`); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{quadrantURL, prURL} {
		_, body := get(t, s.Routes(), u+"?from=2025-03-03&to=2025-03-23")
		d := doc(t, body)
		charts := d.Find(`svg[data-testid^="chart-"]`).Length()
		withTags := d.Find(`svg [data-testid$="-tags"]`).Length()
		if charts == 0 || withTags != charts {
			t.Errorf("%s: %d charts, %d with tag markers", u, charts, withTags)
		}
		text := d.Find(`svg [data-testid$="-tags"]`).First().Text()
		if !strings.Contains(text, "v1.0.0") || strings.Contains(text, "nightly") {
			t.Errorf("%s: markers %q (want v1.0.0 only)", u, text)
		}
		_, body = get(t, s.Routes(), u+"?from=2025-03-03&to=2025-03-23&tags=off")
		if n := doc(t, body).Find(`svg [data-testid$="-tags"]`).Length(); n != 0 {
			t.Errorf("%s with tags=off: %d marker layers", u, n)
		}
	}
}
