package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/jackc/pgx/v5"

	"github.com/vger-dev/vger/internal/store"
)

const settingsURL = "/teams/payments/boards/payments/settings"

// seedBoard makes team "payments" with board "payments": columns To Do,
// Doing, Review, Done; issues in Doing, Review and Done, and two in
// Blocked (10009), a status no column maps.
func seedBoard(t *testing.T, e *env) store.Board {
	t.Helper()
	ctx := context.Background()
	team := e.team("Payments", "payments")
	if _, err := e.st.UpsertJiraStatuses(ctx, []store.JiraStatus{{ID: "1", Name: "Open", Category: "new"}, {ID: "3", Name: "In Progress", Category: "indeterminate"},
		{ID: "4", Name: "In Review", Category: "indeterminate"}, {ID: "5", Name: "Done", Category: "done"}, {ID: "10009", Name: "Blocked", Category: "indeterminate"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.UpsertJiraIssueTypes(ctx, []store.JiraIssueType{{ID: "10001", Name: "Story"}, {ID: "10004", Name: "Bug"}, {ID: "10005", Name: "Incident"},
		{ID: "10003", Name: "Sub-task", Subtask: true}}); err != nil {
		t.Fatal(err)
	}
	b := testBoard(team.ID, "Payments", 3)
	b.States = []store.BoardState{{Seq: 0, Name: "To Do", Active: true, StatusIDs: []string{"1"}}, {Seq: 1, Name: "Doing", Active: true, StatusIDs: []string{"3"}},
		{Seq: 2, Name: "Review", Active: true, StatusIDs: []string{"4"}}, {Seq: 3, Name: "Done", Active: true, StatusIDs: []string{"5"}}}
	b.LeadStart, b.LeadEnd = 1, 3
	b.WorkTypes = []store.WorkType{{Name: "Bug", IssueTypeIDs: []string{"10004"}}, {Name: "Story", IssueTypeIDs: []string{"10001"}}}
	b, err := e.st.CreateBoard(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	var issues []store.JiraIssue
	for i, st := range []string{"3", "4", "5", "10009", "10009"} {
		id := int64(100 + i)
		issues = append(issues, store.JiraIssue{ID: id, Key: "PAY-" + st, Project: "PAY", TypeID: "10001", StatusID: st, Created: at, Updated: at,
			StatusChanges: []store.JiraStatusChange{{HistoryID: id, At: at.Add(time.Hour), From: "1", To: st}}})
	}
	if err := pgx.BeginFunc(ctx, e.st.Pool, func(tx pgx.Tx) error {
		_, err := store.WriteJiraIssues(ctx, tx, b.ID, issues)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return b
}

func (e *env) board() store.Board {
	e.t.Helper()
	team, err := e.st.TeamBySlug(context.Background(), "payments")
	if err != nil {
		e.t.Fatal(err)
	}
	b, err := e.st.BoardBySlug(context.Background(), team.ID, "payments")
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

func (e *env) settingsForm() url.Values {
	e.t.Helper()
	res, body := e.get(settingsURL)
	if res.StatusCode != http.StatusOK {
		e.t.Fatalf("settings page: %d %s", res.StatusCode, errorText(body))
	}
	return formValues(e.t, body, `[data-testid="settings-form"]`)
}

func TestSettingsPageShowsTheBoard(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	seedBoard(t, e)
	_, body := e.get(settingsURL)
	d := doc(t, body)
	var rows []string
	d.Find(`[data-testid="status-row"]`).Each(func(_ int, s *goquery.Selection) {
		sel := s.Find("select option[selected]")
		rows = append(rows, text(s.Find("th label"))+" "+text(s.Find(`[data-testid="unmapped"]`))+" | "+text(s.Find("td.num"))+" | "+text(sel))
	})
	want := []string{"Blocked unmapped | 2 now · 2 ever | not mapped", "Done  | 1 now · 1 ever | Done", "In Progress  | 1 now · 1 ever | Doing",
		"In Review  | 1 now · 1 ever | Review", "Open  | 0 now · 5 ever | To Do"}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Fatalf("mapping rows:\n%s", strings.Join(rows, "\n"))
	}
	if got := text(d.Find(`[data-testid="state-row"][data-key="1"] .statuses`)); got != "In Progress" {
		t.Fatalf("Doing maps %q", got)
	}
	if v := d.Find(`[data-testid="lead-start"] option[selected]`).Text(); v != "Doing" {
		t.Fatalf("lead start %q", v)
	}
	if d.Find(`[data-testid="wt-type-1-10001"][checked]`).Length() != 1 || d.Find(`[data-testid="wt-type-0-10001"][checked]`).Length() != 0 {
		t.Fatal("work type Story does not hold Story alone")
	}
	if got := text(d.Find(`[data-testid="repo-off"]`)); !strings.Contains(got, "GitHub is not configured on this server") {
		t.Fatalf("repo form says %q", got)
	}
	if d.Find(`[data-testid="input-repo"][disabled]`).Length() != 1 {
		t.Fatal("repo input enabled without GitHub")
	}
}

// Every refusal of the settings form (METRICS.md's configuration errors,
// the ranges the database keeps, what only a form can get wrong) is shown
// beside its field, and nothing is saved.
func TestSettingsValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		edit  func(v url.Values)
		field string
		msg   string
	}{
		{"no name", func(v url.Values) { v.Set("name", "") }, "name", "Give the board a name."},
		{"long name", func(v url.Values) { v.Set("name", strings.Repeat("n", 201)) }, "name", "Use at most 200 characters."},
		{"unknown time zone", func(v url.Values) { v.Set("time_zone", "Mars/Olympus") }, "time_zone", `"Mars/Olympus" is not a time zone Vger knows: use an IANA name such as Europe/Berlin, America/New_York or UTC.`},
		{"no time zone", func(v url.Values) { v.Set("time_zone", "") }, "time_zone", "Name a time zone such as Europe/Berlin or UTC."},
		{"day mode", func(v url.Values) { v.Set("day_mode", "lunar") }, "day_mode", "Choose working days or calendar days."},
		{"window not a number", func(v url.Values) { v.Set("rolling_weeks", "twelve") }, "rolling_weeks", "Use a whole number of weeks from 4 to 104."},
		{"window too short", func(v url.Values) { v.Set("rolling_weeks", "3") }, "rolling_weeks", "Use a whole number of weeks from 4 to 104."},
		{"window too long", func(v url.Values) { v.Set("rolling_weeks", "105") }, "rolling_weeks", "Use a whole number of weeks from 4 to 104."},
		{"fiscal month", func(v url.Values) { v.Set("fiscal_year_start", "13") }, "fiscal_year_start", "Choose a month from January to December."},
		{"fiscal not a number", func(v url.Values) { v.Set("fiscal_year_start", "May") }, "fiscal_year_start", "Choose a month from January to December."},
		{"history not a date", func(v url.Values) { v.Set("sync_since", "01/02/2024") }, "sync_since", "Choose a date (YYYY-MM-DD), or leave it empty for the server's default history."},
		{"history in the future", func(v url.Values) { v.Set("sync_since", "2026-12-01") }, "sync_since", "History cannot start in the future: choose a date on or before 2026-11-02."},
		{"holiday not a date", func(v url.Values) { v.Set("holidays", "2026-12-25\n26.12.2026") }, "holidays", `Line 2, "26.12.2026", is not a date: write one date per line as YYYY-MM-DD.`},
		{"tag pattern", func(v url.Values) { v.Set("tag_pattern", "v(") }, "tag_pattern", `This is not a regular expression: missing closing ) in "v(".`},
		{"unnamed column", func(v url.Values) { v.Set("state.2.name", " ") }, "state.2", "Give column 3 a name."},
		{"duplicate column", func(v url.Values) { v.Set("state.2.name", "Doing") }, "state.2", `Two columns are called "Doing".`},
		{"position not a number", func(v url.Values) { v.Set("state.1.order", "second") }, "state.1", "The position must be a whole number."},
		{"removing a column in use", func(v url.Values) { v.Set("state.2.remove", "on") }, "state.2", "This column still maps 1 status: choose another column for it in the status mapping (or “not mapped”) before removing it."},
		{"mapping to an unnamed new column", func(v url.Values) { v.Set("status.10009", "new") }, "state.new", "Name the new column to map statuses to it."},
		{"fewer than two columns", func(v url.Values) {
			for _, k := range []string{"1", "2", "3"} {
				v.Set("state."+k+".remove", "on")
			}
			for _, id := range []string{"3", "4", "5"} {
				v.Set("status."+id, "")
			}
			v.Set("lead_end", "0")
		}, "states", "A board needs at least two columns; this one has 1."},
		{"start at the end", func(v url.Values) { v.Set("lead_start", "3") }, "window", `Lead time must start in a column before the one where it ends (it starts at "Done" and ends at "Done").`},
		{"start after the end", func(v url.Values) { v.Set("lead_start", "2"); v.Set("lead_end", "1") }, "window", `(it starts at "Review" and ends at "Doing")`},
		{"start in a removed column", func(v url.Values) { v.Set("state.0.remove", "on"); v.Set("status.1", "1"); v.Set("lead_start", "0") }, "window", "The lead-time start column is being removed: choose another."},
		{"start nowhere", func(v url.Values) { v.Set("lead_start", "9") }, "window", "Choose the column where lead time starts."},
		{"empty work type", func(v url.Values) { v.Del("wt.1.type") }, "wt.1", `The work type "Story" has no issue types.`},
		{"new work type without types", func(v url.Values) { v.Set("wt.new.name", "Chores") }, "wt.new", `The work type "Chores" has no issue types.`},
		{"unnamed work type", func(v url.Values) { v.Set("wt.new.type", "10005") }, "wt.new", "Give this work type a name."},
		{"duplicate work type", func(v url.Values) { v.Set("wt.new.name", "Bug"); v.Set("wt.new.type", "10005") }, "wt.new", `Two work types are called "Bug".`},
		{"long work type name", func(v url.Values) { v.Set("wt.new.name", strings.Repeat("w", 101)); v.Set("wt.new.type", "10005") }, "wt.new", "Use at most 100 characters."},
	}
	shared := newEnv(t, envOpts{})
	before := seedBoard(t, shared)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := shared.with(t)
			v := e.settingsForm()
			tt.edit(v)
			res, body := e.post(settingsURL, v)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d: %s", res.StatusCode, errorText(body))
			}
			d := doc(t, body)
			got := text(d.Find(`[data-testid="error-` + tt.field + `"]`))
			if !strings.Contains(got, tt.msg) {
				t.Fatalf("beside %s: %q, want %q (all: %s)", tt.field, got, tt.msg, errorText(body))
			}
			if d.Find(`#f-`+strings.ReplaceAll(tt.field, ".", `\.`)).Length() == 0 {
				t.Fatalf("the summary links #f-%s, which is not on the page", tt.field)
			}
			if after := e.board(); !after.UpdatedAt.Equal(before.UpdatedAt) {
				t.Fatal("a refused form was saved")
			}
			if len(e.queued()) != 0 {
				t.Fatal("a refused form queued work")
			}
		})
	}
}

// Saving maps an unmapped status, renames and reorders columns, moves
// the lead-time window, edits work types; the page then says a rebuild
// runs, the job is queued, and the audit log has before and after.
func TestSettingsSave(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	old := seedBoard(t, e)
	v := e.settingsForm()
	v.Set("status.10009", "new") // Blocked gets a column of its own...
	v.Set("state.new.name", "Blocked")
	v.Set("state.new.order", "3") // ...between Doing and Review
	v.Set("state.2.order", "4")
	v.Set("state.3.order", "5")
	v.Del("state.new.active") // a waiting state
	v.Set("state.0.name", "Backlog")
	v.Set("lead_start", "0")
	v.Set("lead_end", "2") // Review ends lead time
	v.Set("wt.new.name", "Failures")
	v["wt.new.type"] = []string{"10004", "10005"}
	v.Set("wt.0.remove", "on")
	v.Set("rolling_weeks", "8")
	v.Set("holidays", "2026-12-25\n2026-12-24\n")
	loc, body := e.postOK(settingsURL, v)
	if loc != settingsURL {
		t.Fatalf("went to %s", loc)
	}
	d := doc(t, body)
	if got := text(d.Find(`[data-testid="flash"]`)); got != "Settings saved. The board's facts are being rebuilt in the background; the charts follow when it finishes." {
		t.Fatalf("flash %q", got)
	}
	if got, _ := d.Find(`[data-testid="rebuild-status"]`).Attr("data-state"); got != "queued" {
		t.Fatalf("rebuild status %q: %s", got, text(d.Find(`[data-testid="rebuild-status"]`)))
	}
	b := e.board()
	var cols []string
	for _, st := range b.States {
		cols = append(cols, st.Name+"="+strings.Join(st.StatusIDs, ","))
	}
	if strings.Join(cols, " ") != "Backlog=1 Doing=3 Blocked=10009 Review=4 Done=5" {
		t.Fatalf("columns %q", cols)
	}
	if b.States[2].Active {
		t.Fatal("Blocked should be a waiting state")
	}
	if b.LeadStart != 0 || b.LeadEnd != 3 || b.RollingWeeks != 8 || len(b.Holidays) != 2 || b.Holidays[0].Day() != 24 {
		t.Fatalf("window %d..%d weeks %d holidays %v", b.LeadStart, b.LeadEnd, b.RollingWeeks, b.Holidays)
	}
	if len(b.WorkTypes) != 2 || b.WorkTypes[0].Name != "Failures" || strings.Join(b.WorkTypes[0].IssueTypeIDs, ",") != "10004,10005" || b.WorkTypes[1].Name != "Story" {
		t.Fatalf("work types %+v", b.WorkTypes)
	}
	if !e.hasJob("rebuild_facts", b.ID, 0) || e.hasJob("sync_board", b.ID, 0) {
		t.Fatalf("jobs %+v", e.queued())
	}
	log, _ := e.st.AuditLog(context.Background(), b.TeamID, 0, 5)
	if len(log) != 1 || log[0].Action != "board.settings" ||
		log[0].Summary != "changed holidays, columns and status mapping, lead-time start and end, work types, rolling window" {
		t.Fatalf("audit: %d entries, first %s %q", len(log), log[0].Action, log[0].Summary)
	}
	var before, after struct {
		States []struct{ Name string } `json:"states"`
	}
	if json.Unmarshal(log[0].Before, &before) != nil || json.Unmarshal(log[0].After, &after) != nil || len(before.States) != 4 || after.States[2].Name != "Blocked" {
		t.Fatalf("before/after %s / %s", log[0].Before, log[0].After)
	}
	_, body = e.get("/teams/payments/audit")
	if got := text(doc(t, body).Find(`[data-testid="audit-after"]`)); !strings.Contains(got, `"name": "Blocked"`) {
		t.Fatalf("audit page after: %q", got)
	}

	// Changing the extra JQL changes the board's scope: a full re-read too.
	v = e.settingsForm()
	v.Set("extra_jql", "issuetype != Epic")
	_, body = e.postOK(settingsURL, v)
	if !e.hasJob("sync_board", b.ID, 0) || !strings.Contains(text(doc(t, body).Find(`[data-testid="flash"]`)), "re-reads it from JIRA") {
		t.Fatal("no full sync after the scope changed")
	}
	// Saving again unchanged changes nothing.
	_, body = e.postOK(settingsURL, e.settingsForm())
	if got := text(doc(t, body).Find(`[data-testid="flash"]`)); got != "Nothing changed." {
		t.Fatalf("flash %q", got)
	}
	_ = old
}

// A save made from a page read before someone else's save is refused.
func TestSettingsConcurrentSave(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	seedBoard(t, e)
	mine, theirs := e.settingsForm(), e.settingsForm()
	theirs.Set("name", "Theirs")
	e.postOK(settingsURL, theirs)
	mine.Set("rolling_weeks", "6")
	res, body := e.post("/teams/payments/boards/theirs/settings", mine)
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("slug should not follow the name: %d", res.StatusCode)
	}
	res, body = e.post(settingsURL, mine)
	if res.StatusCode != http.StatusConflict || !strings.Contains(text(doc(t, body).Find(`[data-testid="form-error"]`)), "Someone else saved this board's settings") {
		t.Fatalf("status %d: %s", res.StatusCode, errorText(body))
	}
	if b := e.board(); b.RollingWeeks != 12 || b.Name != "Theirs" {
		t.Fatalf("board %+v", b)
	}
}

func (e *env) board2(slug string) store.Board {
	e.t.Helper()
	team, err := e.st.TeamBySlug(context.Background(), "payments")
	if err != nil {
		e.t.Fatal(err)
	}
	b, err := e.st.BoardBySlug(context.Background(), team.ID, slug)
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}
