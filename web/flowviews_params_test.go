package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vger-dev/vger/internal/store"
)

// TestQualityCountsEachProblem: a board with one of each problem.
//
//	Q1 created Mar 10 09:00 with a change dated Mar 9 (before creation): moved; its key
//	   was OLD-1 before (a key change)
//	Q2 status field Done but its history ends in In Progress: mismatch
//	Q3 no history
//	Q4 created in Triage (6, unmapped), then Waiting (7, unmapped), then In Progress
//	Q5 in Triage, no history
//	Q6 deleted; Q7 out of the board's filter (both left out of every other count)
//	two JIRA board configurations: one change since mapped
//	sources: the board synced an hour ago; a linked repo never synced (401)
//
// Unmapped statuses: Triage (Q4, Q5) = 2 issues, Waiting (Q4) = 1 -> 2 statuses, 3 visits.
// No history: Q3, Q5 = 2. In scope: Q1-Q5 = 5.
func TestQualityCountsEachProblem(t *testing.T) {
	t.Parallel()
	s, st := newServer(t)
	s.Now = func() time.Time { return flowNow }
	s.JiraURL = "https://jira.example.com"
	ctx := context.Background()
	b := flowBoard(t, st, "qa", "qa")
	ib := &issueBuilder{project: "QA"}
	issues := []store.JiraIssue{
		ib.issue(1, "10", "3", day(3, 10, 9), "1", "3", day(3, 9, 9)),
		ib.issue(2, "10", "5", day(3, 10, 9), "1", "3", day(3, 11, 9)),
		ib.issue(3, "10", "1", day(3, 10, 9)),
		ib.issue(4, "10", "3", day(3, 10, 9), "6", "7", day(3, 11, 9), "7", "3", day(3, 12, 9)),
		ib.issue(5, "10", "6", day(3, 10, 9)),
		ib.issue(6, "10", "6", day(3, 10, 9), "6", "3", day(3, 11, 9)),
		ib.issue(7, "10", "6", day(3, 10, 9), "6", "3", day(3, 11, 9)),
	}
	storeIssues(t, st, b, issues)
	if _, err := st.MarkDeleted(ctx, []int64{6}, flowNow); err != nil {
		t.Fatal(err)
	}
	for _, sql := range []string{
		`UPDATE board_issues SET in_filter = false WHERE issue_id = 7`,
		`INSERT INTO jira_issue_keys (issue_id, key, first_seen_at) VALUES (1, 'OLD-1', '2025-01-01')`,
	} {
		if _, err := st.Pool.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	for i, cfg := range []string{"To Do|In Progress|Review|Done", "To Do|In Progress|QA|Review|Done"} {
		if _, err := st.SnapshotBoardConfig(ctx, b.ID, map[string]string{"columns": cfg}, flowNow.Add(time.Duration(i-5)*24*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	repo, err := st.EnsureRepo(ctx, "acme", "payments", "main")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.LinkRepo(ctx, b.ID, repo.ID); err != nil {
		t.Fatal(err)
	}
	if err := st.RecordSyncResult(ctx, store.Scope{Kind: "repo", RepoID: repo.ID}, flowNow, "401 bad credentials", nil); err != nil {
		t.Fatal(err)
	}
	h := s.Routes()
	d := page(t, h, "/teams/qa/boards/qa/quality")
	texts(t, d, map[string]string{
		"stat-issues": "5", "stat-problems": "5",
		"q-unmapped-count": "2", "q-unmapped-issues-count": "3", "q-no-history-count": "2", "q-moved-count": "1",
		"q-mismatch-count": "1", "q-key-changes-count": "1", "q-deleted-count": "1", "q-out-of-filter-count": "1",
		"q-config-changes-count": "1", "unmapped-6-count": "2", "unmapped-7-count": "1", "config-snapshots": "2",
		"source-0-ok": "1 h ago (2025-03-26 11:00 UTC)", "source-1-ok": "never",
	})
	// The checks whose fix is the board's column mapping link to it (in
	// this tab); the issue links go to JIRA in a new one.
	for _, sel := range []string{`[data-testid="q-unmapped-fix"] a`, `[data-testid="q-config-changes-fix"] a`, `[data-testid="unmapped-6"] a`} {
		if href, _ := d.Find(sel).Attr("href"); href != "/teams/qa/boards/qa/settings#mapping" || d.Find(sel).AttrOr("target", "") != "" {
			t.Errorf("%s: href %q target %q", sel, href, d.Find(sel).AttrOr("target", ""))
		}
	}
	if d.Find(`[data-testid="q-moved"] a`).Length() != 0 {
		t.Error("a check with nothing to fix in Vger links somewhere")
	}
	if a := d.Find(`[data-testid="key-QA-1"] a`); a.AttrOr("target", "") != "_blank" || a.AttrOr("rel", "") != "noopener noreferrer" {
		t.Errorf("issue link target %q rel %q", a.AttrOr("target", ""), a.AttrOr("rel", ""))
	}
	if got := d.Find(`[data-testid="key-QA-1"]`).Text(); !strings.Contains(got, "OLD-1 → QA-1") {
		t.Errorf("key change row %q", got)
	}
	if got := d.Find(`[data-testid="source-1"]`).Text(); !strings.Contains(got, "acme/payments") || !strings.Contains(got, "401 bad credentials") {
		t.Errorf("repo source row %q", got)
	}
	rows := csvRows(t, h, "/teams/qa/boards/qa/quality.csv")
	if len(rows) != 1+9+2+1 || strings.Join(rows[1], ",") != "unmapped,,2,Statuses not mapped to any column" || strings.Join(rows[10], ",") != "unmapped,Triage (6),2,new" {
		t.Errorf("quality CSV: %v", rows)
	}
	_, body := get(t, h, "/teams/qa/boards/qa/quality?format=json")
	if !strings.Contains(body, `"moved": 1`) || !strings.Contains(body, `"board_configurations": 2`) {
		t.Errorf("quality JSON: %.500s", body)
	}
}

// Every malformed or foreign parameter on a flow view is a 400 naming it.
func TestFlowViewsBadParameters(t *testing.T) {
	t.Parallel()
	s, _ := loadFlowFixture(t)
	h := s.Routes()
	cases := []struct{ paths, query, param string }{
		{"/flow /flow.csv /flow/chart/cfd.svg /blocked /blocked.csv", "from=yesterday", "from"},
		{"/flow /blocked", "from=2025-03-10&to=2025-03-01", "to"},
		{"/flow /blocked", "weeks=0", "weeks"},
		{"/flow /aging /blocked /forecast", "type=Epic", "type"},
		{"/flow /aging /blocked /forecast", "start=Nope", "start"},
		{"/flow /aging /forecast", "start=Review&end=In%20Progress", "end"},
		{"/aging /blocked", "days=lunar", "days"},
		{"/aging /forecast", "window=3", "window"},
		{"/flow /blocked", "tags=maybe", "tags"},
		{"/flow /aging /blocked /forecast /quality", "format=xml", "format"},
		// Parameters of other views are refused, never silently ignored.
		{"/flow", "days=working", "days"},
		{"/flow /blocked /forecast", "backlog=absolute", "backlog"},
		{"/aging /forecast /quality", "weeks=4", "weeks"},
		{"/quality", "type=Story", "type"},
		{"/flow /aging", "items=5", "items"},
		{"/flow /aging /blocked /forecast /quality", "zoom=2", "zoom"},
		// The forecast's own.
		{"/forecast /forecast.csv /forecast/chart/when.svg", "items=0", "items"},
		{"/forecast", "items=lots", "items"},
		{"/forecast", "by=2025-03-01", "by"}, // before the current week
		{"/forecast", "by=2040-13-01", "by"},
		{"/forecast", "seed=-1", "seed"},
		{"/forecast", "trials=10", "trials"},
		{"/forecast", "asof=2025-03-27", "asof"}, // tomorrow
		{"/forecast", "items=1&items=2", "items"},
	}
	for _, c := range cases {
		for _, path := range strings.Fields(c.paths) {
			res, body := get(t, h, flowURL+path+"?"+c.query)
			if res.StatusCode != http.StatusBadRequest {
				t.Errorf("%s?%s: status %d", path, c.query, res.StatusCode)
				continue
			}
			if got := doc(t, body).Find(`[data-testid="error-param"]`).Text(); got != c.param {
				t.Errorf("%s?%s: names %q, want %q", path, c.query, got, c.param)
			}
		}
	}
	for _, path := range []string{"/flow", "/aging", "/blocked", "/forecast", "/quality"} {
		if res, _ := get(t, h, "/teams/flow/boards/nope"+path); res.StatusCode != 404 {
			t.Errorf("%s of an unknown board: %d", path, res.StatusCode)
		}
	}
}

// A submitted form redirects to the view's canonical URL: defaults left
// out, parameters in a fixed order.
func TestFlowViewsRedirectToCanonicalURL(t *testing.T) {
	t.Parallel()
	s, _ := loadFlowFixture(t)
	h := s.Routes()
	cases := map[string]string{
		"/flow?weeks=26&from=&to=&type=Story&type=Bug&start=In+Progress&end=Done&tags=on&apply=1":       "/flow",
		"/flow?weeks=8&from=&to=&type=bug&start=Review&end=Done&tags=off&apply=1":                       "/flow?weeks=8&type=Bug&start=Review&tags=off",
		"/flow?weeks=26&from=2025-03-03&to=2025-03-23&apply=1":                                          "/flow?from=2025-03-03&to=2025-03-23",
		"/aging?type=Story&type=Bug&start=In+Progress&end=Done&days=calendar&window=4&apply=1":          "/aging",
		"/aging?type=Story&start=In+Progress&end=Review&days=working&window=8&apply=1":                  "/aging?type=Story&end=Review&days=working&window=8",
		"/blocked?weeks=26&from=&to=&type=Bug&start=In+Progress&end=Done&days=calendar&tags=on&apply=1": "/blocked?type=Bug",
		// The forecast form always sends its date: left at the default, the view stays live.
		"/forecast?by=2025-06-15&items=10&seed=1&type=Story&type=Bug&start=In+Progress&end=Done&window=4&apply=1": "/forecast",
		"/forecast?by=2025-05-04&items=25&seed=7&type=Story&start=In+Progress&end=Done&window=8&apply=1":          "/forecast?type=Story&window=8&by=2025-05-04&items=25&seed=7",
		"/quality?apply=1": "/quality",
	}
	for q, want := range cases {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, flowURL+q, nil))
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != flowURL+want {
			t.Errorf("%s:\n got %d %s\nwant 303 %s", q, rec.Code, rec.Header().Get("Location"), flowURL+want)
		}
	}
}

// Each view's permalink reproduces the page (apart from "data as of" and
// the links), and keeps doing so after the board's settings change; the
// forecast's also after a week has passed.
func TestFlowViewsPermalinks(t *testing.T) {
	t.Parallel()
	s, st := loadFlowFixture(t)
	h := s.Routes()
	strip := func(b string) string {
		d := doc(t, b)
		d.Find(`[data-testid="data-as-of"], .exports, form, nav.tabs, .downloads`).Remove()
		html, _ := d.Html()
		return html
	}
	type view struct{ live, mustHave string }
	views := []view{
		{"/flow?weeks=4&type=Story", "from=2025-02-24&to=2025-03-26"},
		{"/aging?type=Story", "window=4"},
		{"/blocked?weeks=3", "from=2025-03-03&to=2025-03-30"},
		{"/forecast?items=7", "asof=2025-03-26"},
		{"/quality", ""},
	}
	perms := map[string]string{}
	for _, v := range views {
		_, body := get(t, h, flowURL+v.live)
		perm, ok := doc(t, body).Find(`[data-testid="permalink"]`).Attr("href")
		if !ok || !strings.Contains(perm, v.mustHave) {
			t.Fatalf("%s: permalink %q, want it to hold %q", v.live, perm, v.mustHave)
		}
		res, permBody := get(t, h, perm)
		if res.StatusCode != 200 {
			t.Fatalf("%s: permalink %s: %d", v.live, perm, res.StatusCode)
		}
		if strip(body) != strip(permBody) {
			t.Errorf("%s: the permalink %s shows a different page", v.live, perm)
		}
		perms[v.live] = perm
	}
	// The board's window changes and a week passes: the live aging view and
	// forecast change, their permalinks do not.
	_, agingBefore := get(t, h, perms["/aging?type=Story"])
	_, forecastBefore := get(t, h, perms["/forecast?items=7"])
	if _, err := st.Pool.Exec(context.Background(), `UPDATE boards SET rolling_weeks = 8`); err != nil {
		t.Fatal(err)
	}
	s.Now = func() time.Time { return flowNow.Add(7 * 24 * time.Hour) }
	h = s.Routes()
	for perm, before := range map[string]string{perms["/aging?type=Story"]: agingBefore, perms["/forecast?items=7"]: forecastBefore} {
		_, after := get(t, h, perm)
		if strings.Contains(perm, "aging") {
			// Ages grow with time; the lines and settings stay.
			d := doc(t, after)
			texts(t, d, map[string]string{"stat-line-90": "3.0"})
			continue
		}
		// A week later the permalink says which day it forecasts from; the rest is unchanged.
		d := doc(t, after)
		asOf := d.Find(`[data-testid="notice"]:contains("Forecast as of Wednesday 26 March 2025")`)
		if asOf.Length() != 1 {
			t.Errorf("%s: no as-of notice a week later", perm)
		}
		asOf.Remove()
		html, _ := d.Html()
		if strip(html) != strip(before) {
			t.Errorf("%s changed with the board's settings and the week", perm)
		}
	}
}

// The tabs carry the settings of the view shown that the other views take.
func TestFlowViewsTabsCarrySettings(t *testing.T) {
	t.Parallel()
	s, _ := loadFlowFixture(t)
	h := s.Routes()
	cases := map[string]map[string]string{
		"/aging?type=Bug&days=working": {"quadrant": "?type=Bug&days=working", "flow": "/flow?type=Bug", "aging": "/aging?type=Bug&days=working",
			"blocked": "/blocked?type=Bug&days=working", "forecast": "/forecast?type=Bug", "quality": "/quality"},
		"/forecast?items=7&seed=3&window=8": {"quadrant": "?window=8", "flow": "/flow", "forecast": "/forecast?window=8"},
		"/flow?weeks=8&tags=off":            {"quadrant": "?weeks=8&tags=off", "blocked": "/blocked?weeks=8&tags=off", "aging": "/aging"},
	}
	for view, tabs := range cases {
		d := page(t, h, flowURL+view)
		for tab, want := range tabs {
			if href, _ := d.Find(`[data-testid="tab-` + tab + `"]`).Attr("href"); href != flowURL+want {
				t.Errorf("%s: tab %s links %s, want %s", view, tab, href, flowURL+want)
			}
		}
	}
}

// A 400 page says what is wrong with the value and, once, what the
// parameter takes: the problem does not repeat the allowed values.
func TestBadParameterMessages(t *testing.T) {
	t.Parallel()
	s, _ := loadFlowFixture(t)
	h := s.Routes()
	tests := []struct {
		url, param, problem, allowed string
	}{
		{"/flow?weeks=x", "weeks", `"x" is not a number of weeks`, "a whole number from 1 to 520"},
		{"/flow?weeks=600", "weeks", `"600" is not a number of weeks`, "a whole number from 1 to 520"},
		{"/flow?from=2010-01-04&to=2025-03-01", "from", "from 2010-01-04 to 2025-03-01 spans 791 weeks", "a range of at most 520 weeks (10 years)"},
		{"/flow?tags=maybe", "tags", `"maybe" is not a switch setting`, "on or off"},
		{"/flow?notes=1", "notes", `"1" is not a switch setting`, "on or off"},
		{"/flow?start=Review&end=In%20Progress", "end", `"In Progress" is not after the start column "Review"`, "Done"},
		{"/flow?start=Done", "end", `"Done" is not after the start column "Done"`, "none: the start column is the board's last"},
		{"/forecast?asof=2025-03-27", "asof", "2025-03-27 is in the future", "a date as YYYY-MM-DD, today (2025-03-26) or earlier"},
		{"/forecast?asof=soon", "asof", `"soon" is not a date`, "a date as YYYY-MM-DD, today (2025-03-26) or earlier"},
		{"/forecast?by=2025-03-01", "by", "2025-03-01 is before the current week", "a date as YYYY-MM-DD from the current week's Monday (2025-03-24) to 2035-03-12"},
		{"/forecast?by=2040-01-01", "by", "2040-01-01 is too far ahead", "a date as YYYY-MM-DD from the current week's Monday (2025-03-24) to 2035-03-12"},
		{"/quarterly?qfrom=2010-Q1&qto=2025-Q1", "qfrom", "2010-Q1 to 2025-Q1 spans 61 quarters", "a range of at most 40 quarters (10 years)"},
		// An order that is wrong names the other bound's value in both lines.
		{"/flow?from=2025-03-10&to=2025-03-01", "to", "2025-03-01 is before from (2025-03-10)", "a date on or after 2025-03-10 (from)"},
		{"/quarterly?qfrom=2025-Q1&qto=2024-Q4", "qto", "2024-Q4 is before qfrom (2025-Q1)", "a quarter on or after 2025-Q1 (qfrom)"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			t.Parallel()
			res, body := get(t, h, flowURL+tt.url)
			if res.StatusCode != http.StatusBadRequest {
				t.Fatalf("status %d", res.StatusCode)
			}
			d := doc(t, body)
			for id, want := range map[string]string{"error-param": tt.param, "error-problem": tt.problem, "error-allowed": tt.allowed} {
				if got := d.Find(`[data-testid="` + id + `"]`).Text(); got != want {
					t.Errorf("%s = %q, want %q", id, got, want)
				}
			}
		})
	}
}
