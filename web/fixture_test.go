package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vger-dev/vger/internal/benchdata"
	"github.com/vger-dev/vger/internal/sim"
	"github.com/vger-dev/vger/internal/store"
	vsync "github.com/vger-dev/vger/internal/sync"
	"github.com/vger-dev/vger/web"
)

// What the hand-worked fixtures (quadrant, quarterly, flow) share.

// fixtureServer is a server on a database of its own, its clock stopped at
// now, linking to JIRA at jira.example.com, with the fixtures' catalog and
// the team Payments.
func fixtureServer(t *testing.T, now time.Time) (*web.Server, *store.Store, store.Team) {
	t.Helper()
	s, st := newServer(t)
	s.Now = func() time.Time { return now }
	s.JiraURL = "https://jira.example.com"
	fixtureCatalog(t, st)
	team, err := st.CreateTeam(context.Background(), "Payments", "payments")
	if err != nil {
		t.Fatal(err)
	}
	return s, st, team
}

// fixtureCatalog stores the statuses To Do (1), In Progress (3), Review (4)
// and Done (5), then extra ones, and the issue types Story (10) and Bug (11).
func fixtureCatalog(t testing.TB, st *store.Store, extra ...store.JiraStatus) {
	t.Helper()
	ctx := context.Background()
	statuses := append([]store.JiraStatus{{ID: "1", Name: "To Do", Category: "new"}, {ID: "3", Name: "In Progress", Category: "indeterminate"},
		{ID: "4", Name: "Review", Category: "indeterminate"}, {ID: "5", Name: "Done", Category: "done"}}, extra...)
	if _, err := st.UpsertJiraStatuses(ctx, statuses); err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpsertJiraIssueTypes(ctx, []store.JiraIssueType{{ID: "10", Name: "Story"}, {ID: "11", Name: "Bug"}}); err != nil {
		t.Fatal(err)
	}
}

// fixtureBoard is the fixtures' board: UTC, calendar days, a 4-week
// window; columns To Do | In Progress | Review | Done, lead time from In
// Progress to Done; work types Story and Bug.
func fixtureBoard(teamID int64, name, slug string, jiraBoardID int64, fiscalStart int) store.Board {
	return store.Board{TeamID: teamID, Name: name, Slug: slug, JiraBoardID: jiraBoardID, TimeZone: "UTC",
		DayMode: "calendar", LeadStart: 1, LeadEnd: 3, RollingWeeks: 4, FiscalYearStartMonth: fiscalStart,
		States: []store.BoardState{{Seq: 0, Name: "To Do", StatusIDs: []string{"1"}, Active: true}, {Seq: 1, Name: "In Progress", StatusIDs: []string{"3"}, Active: true},
			{Seq: 2, Name: "Review", StatusIDs: []string{"4"}}, {Seq: 3, Name: "Done", StatusIDs: []string{"5"}, Active: true}},
		WorkTypes: []store.WorkType{{Name: "Story", IssueTypeIDs: []string{"10"}}, {Name: "Bug", IssueTypeIDs: []string{"11"}}}}
}

// storeFixtureIssues writes a board's issues and rebuilds its facts as at
// now; if synced, it records a good sync an hour before now.
func storeFixtureIssues(t testing.TB, st *store.Store, boardID int64, issues []store.JiraIssue, now time.Time, synced bool) {
	t.Helper()
	ctx := context.Background()
	if len(issues) > 0 {
		err := pgx.BeginFunc(ctx, st.Pool, func(tx pgx.Tx) error {
			_, err := store.WriteJiraIssues(ctx, tx, boardID, issues)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := (&vsync.Syncer{Store: st, Now: func() time.Time { return now }}).RebuildFacts(ctx, boardID); err != nil {
			t.Fatal(err)
		}
	}
	if synced {
		if err := st.RecordSyncResult(ctx, store.Scope{Kind: "board", BoardID: boardID}, now.Add(-time.Hour), "", nil); err != nil {
			t.Fatal(err)
		}
	}
}

// checkBadParams: each query of cases, on each of the paths under base,
// is a 400 page naming the parameter.
func checkBadParams(t *testing.T, h http.Handler, base string, paths []string, cases map[string]string) {
	t.Helper()
	for q, param := range cases {
		for _, path := range paths {
			res, body := get(t, h, base+path+"?"+q)
			if res.StatusCode != http.StatusBadRequest {
				t.Errorf("%s?%s: status %d", path, q, res.StatusCode)
				continue
			}
			d := doc(t, body)
			if got := d.Find(`[data-testid="error-param"]`).Text(); got != param {
				t.Errorf("%s?%s: names %q, want %q", path, q, got, param)
			}
			// The way out: the same view with its defaults.
			if got := d.Find(`[data-testid="error-reset"]`).AttrOr("href", ""); got != base+path {
				t.Errorf("%s?%s: reset link %q, want %q", path, q, got, base+path)
			}
		}
	}
}

// checkRedirects: each submitted form (a query on url) redirects to its
// canonical URL.
func checkRedirects(t *testing.T, h http.Handler, url string, cases map[string]string) {
	t.Helper()
	for q, want := range cases {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, url+"?"+q, nil))
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != want {
			t.Errorf("%s:\n got %d %s\nwant 303 %s", q, rec.Code, rec.Header().Get("Location"), want)
		}
	}
}

// What the tests comparing a view's fast path (stored aggregates, counts)
// with its answer from every fact share.

// benchServer is a server on a database of its own holding the benchmark
// loader's boards at a small size (1,500 issues, 5 teams) built from seed,
// its clock stopped 20 days after the simulation's start.
func benchServer(t *testing.T, seed int64) (*web.Server, *store.Store, []store.Board) {
	t.Helper()
	s, st := newServer(t)
	now := sim.DefaultStart.Add(20 * 24 * time.Hour)
	s.Now = func() time.Time { return now }
	ctx := context.Background()
	if _, err := benchdata.Build(ctx, st, benchdata.Options{Seed: seed, Issues: 1500, PRs: 50, Teams: 5, Now: s.Now}); err != nil {
		t.Fatal(err)
	}
	boards, err := st.Boards(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return s, st, boards
}

// withParam adds the query parameter p (name=value) to the URL u.
func withParam(u, p string) string {
	if strings.Contains(u, "?") {
		return u + "&" + p
	}
	return u + "?" + p
}

// bodies gets each of urls, which must answer 200, and returns the bodies
// by URL.
func bodies(t *testing.T, h http.Handler, urls []string) map[string]string {
	t.Helper()
	out := make(map[string]string, len(urls))
	for _, u := range urls {
		resp, body := get(t, h, u)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", u, resp.StatusCode, body)
		}
		out[u] = body
	}
	return out
}

// changed gets each of urls again and lists, in order, those whose body is
// not the one in want.
func changed(t *testing.T, h http.Handler, want map[string]string, urls []string) []string {
	t.Helper()
	var out []string
	for _, u := range urls {
		if _, body := get(t, h, u); body != want[u] {
			out = append(out, u)
		}
	}
	return out
}
