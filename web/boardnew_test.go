package web_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/vger-dev/vger/internal/flow"
	"github.com/vger-dev/vger/internal/store"
	vsync "github.com/vger-dev/vger/internal/sync"
)

// The picker lists the simulator's boards through the JIRA client over
// HTTP, narrows them by name, and for the chosen one previews its work
// states, lead time and the first sync's size; adding it uses METRICS.md's
// defaults and queues its first sync.
func TestAddBoardFromTheList(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{sim: true})
	e.team("Payments", "payments")
	_, body := e.get("/teams/payments/boards/new")
	d := doc(t, body)
	var names []string
	d.Find(`[data-testid="jira-board"] th`).Each(func(_ int, s *goquery.Selection) { names = append(names, text(s)) })
	if strings.Join(names, "|") != "Platform board|Mobile board|Payments board|Data board|Operations board" {
		t.Fatalf("boards listed: %q", names)
	}
	_, body = e.get("/teams/payments/boards/new?q=pay")
	d = doc(t, body)
	if d.Find(`[data-testid="jira-board"]`).Length() != 1 {
		t.Fatalf("search for pay: %s", text(d.Find(`[data-testid="board-list"]`)))
	}
	href, _ := d.Find(`[data-testid="choose-board"]`).Attr("href")
	if href != "/teams/payments/boards/new?board=3" {
		t.Fatalf("choose link %q", href)
	}
	_, body = e.get(href)
	d = doc(t, body)
	var cols []string
	d.Find(`[data-testid="column-preview"] li`).Each(func(_ int, s *goquery.Selection) { cols = append(cols, text(s)) })
	if strings.Join(cols, "|") != "Open (1 status)|Selected (1 status)|In Progress (1 status)|Review (1 status)|Done (1 status)" {
		t.Fatalf("columns %q", cols)
	}
	if got := text(d.Find(`[data-testid="estimate"]`)); !strings.HasPrefix(got, "First sync: JIRA counts about ") || !strings.Contains(got, "updated since 2023-11-03") {
		t.Fatalf("estimate %q", got)
	}
	if d.Find(`[data-testid="filter-warnings"]`).Length() != 0 {
		t.Fatal("warned about a plain filter")
	}
	if v, _ := d.Find(`[data-testid="input-name"]`).Attr("value"); v != "Payments board" {
		t.Fatalf("default name %q", v)
	}

	loc, body := e.postOK("/teams/payments/boards", url.Values{"board": {"3"}, "name": {"Payments board"}, "extra_jql": {""}, "since": {"2024-01-01"}})
	if loc != "/teams/payments" || !strings.Contains(text(doc(t, body).Find(`[data-testid="flash"]`)), "Its first sync has started") {
		t.Fatalf("after adding: %s %q", loc, text(doc(t, body).Find(`[data-testid="flash"]`)))
	}
	team, _ := e.st.TeamBySlug(context.Background(), "payments")
	b, err := e.st.BoardBySlug(context.Background(), team.ID, "payments-board")
	if err != nil {
		t.Fatal(err)
	}
	if len(b.States) != 5 || b.LeadStart != 1 || b.LeadEnd != 4 || b.TimeZone != "America/Los_Angeles" || b.SyncSince.Format("2006-01-02") != "2024-01-01" ||
		len(b.InvalidResolutions) != len(flow.DefaultInvalidResolutions()) || len(b.WorkTypes) == 0 {
		t.Fatalf("board %+v", b)
	}
	if !e.hasJob("sync_board", b.ID, 0) {
		t.Fatal("no first sync queued")
	}
	if got := text(doc(t, body).Find(`[data-testid="board-queued"]`)); got != "sync queued" {
		t.Fatalf("team page says %q", got)
	}
	// The picker now says the board is on the team.
	_, body = e.get("/teams/payments/boards/new?q=pay")
	if got := text(doc(t, body).Find(`[data-testid="jira-board"] .badge`)); got != "already on this team" {
		t.Fatalf("badge %q", got)
	}
	log, _ := e.st.AuditLog(context.Background(), team.ID, 0, 5)
	if len(log) != 1 || log[0].Action != "board.create" || log[0].Actor != "anonymous" || log[0].BoardName != "Payments board" {
		t.Fatalf("audit %+v", log)
	}
}

func TestAddBoardValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		form  url.Values
		field string
		msg   string
	}{
		{"no name", url.Values{"name": {" "}}, "name", "Give the board a name."},
		{"long name", url.Values{"name": {strings.Repeat("b", 201)}}, "name", "Use at most 200 characters."},
		{"name without letters", url.Values{"name": {"!!!"}}, "name", "Use at least one letter or digit: the board's address is made from its name."},
		{"name taken", url.Values{"name": {"Existing"}}, "name", "This team already has a board at /teams/payments/boards/existing: choose another name."},
		{"history not a date", url.Values{"since": {"last year"}}, "since", "Choose a date (YYYY-MM-DD)."},
		{"history in the future", url.Values{"since": {"2027-01-01"}}, "since", "History cannot start in the future: choose a date on or before 2026-11-02."},
		{"JQL JIRA rejects", url.Values{"extra_jql": {"component = = Payments"}}, "extra_jql", "JIRA rejected this query: "},
	}
	shared := newEnv(t, envOpts{sim: true})
	team := shared.team("Payments", "payments")
	if _, err := shared.st.CreateBoard(context.Background(), testBoard(team.ID, "Existing", 9)); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := shared.with(t)
			form := url.Values{"board": {"3"}, "name": {"Payments board"}, "since": {"2024-01-01"}}
			for k, v := range tt.form {
				form[k] = v
			}
			res, body := e.post("/teams/payments/boards", form)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d", res.StatusCode)
			}
			d := doc(t, body)
			if got := text(d.Find(`[data-testid="error-` + tt.field + `"]`)); !strings.HasPrefix(got, tt.msg) {
				t.Fatalf("beside %s: %q, want %q", tt.field, got, tt.msg)
			}
			if bs, _ := e.st.TeamBoards(context.Background(), team.ID); len(bs) != 1 {
				t.Fatalf("%d boards", len(bs))
			}
		})
	}
}

// Expressions that keep finished work out of the query are warned about
// (the charts would flat-line), in the preview and on the settings page.
func TestAddBoardWarnsAboutQueriesHidingFinishedWork(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{sim: true})
	e.team("Payments", "payments")
	_, body := e.get("/teams/payments/boards/new?" + url.Values{"board": {"3"}, "extra_jql": {"status != Done AND created >= -30d"}}.Encode())
	var got []string
	doc(t, body).Find(`[data-testid="filter-warning"]`).Each(func(_ int, s *goquery.Selection) { got = append(got, text(s)) })
	want := []string{"The extra JQL contains status != Done: it leaves out issues in a finished status.",
		"The extra JQL contains created >= -30d: it keeps only recent issues: older finished work drops out of the board as time passes."}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("warnings:\n%s", strings.Join(got, "\n"))
	}
}

func TestAddBoardWithoutJIRA(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	e.team("Payments", "payments")
	_, body := e.get("/teams/payments/boards/new")
	if got := text(doc(t, body).Find(`[data-testid="not-configured"]`)); !strings.Contains(got, "JIRA is not configured on this server") {
		t.Fatalf("page says %q", got)
	}
	if res, _ := e.post("/teams/payments/boards", url.Values{"board": {"3"}, "name": {"X"}}); res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("POST: %d", res.StatusCode)
	}
}

// A JIRA that does not answer costs the page its look-up timeout, not the
// request's, and the page says what happened.
func TestAddBoardLookupTimesOut(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	e.team("Payments", "payments")
	e.s.Sources = &vsync.Syncer{Store: e.st, Tracker: stuckTracker{}}
	e.s.LookupTimeout = 20 * time.Millisecond
	_, body := e.get("/teams/payments/boards/new")
	if got := text(doc(t, body).Find(`[data-testid="lookup-error"]`)); !strings.HasPrefix(got, "JIRA did not answer within 20ms.") {
		t.Fatalf("page says %q", got)
	}
	_, body = e.get("/teams/payments/boards/new?board=3")
	if got := text(doc(t, body).Find(`[data-testid="lookup-error"]`)); !strings.HasPrefix(got, "JIRA did not answer within 20ms.") {
		t.Fatalf("page says %q", got)
	}
	if res, _ := e.get("/teams/payments/boards/new?board=x"); res.StatusCode != http.StatusBadRequest {
		t.Fatalf("bad board id: %d", res.StatusCode)
	}
}

// stuckTracker answers nothing until the look-up gives up.
type stuckTracker struct{ vsync.Tracker }

func (stuckTracker) Boards(ctx context.Context, _ string) ([]vsync.TrackerBoard, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

func (stuckTracker) Board(ctx context.Context, _ int64) (vsync.TrackerBoard, error) {
	<-ctx.Done()
	return vsync.TrackerBoard{}, errors.Join(errors.New("get board"), ctx.Err())
}

func testBoard(teamID int64, name string, jira int64) store.Board {
	return store.Board{TeamID: teamID, Name: name, Slug: strings.ToLower(name), JiraBoardID: jira,
		TimeZone: "UTC", DayMode: "working", LeadStart: 1, LeadEnd: 2, RollingWeeks: 12, FiscalYearStartMonth: 1,
		InvalidResolutions: flow.DefaultInvalidResolutions(),
		States: []store.BoardState{{Seq: 0, Name: "To Do", Active: true, StatusIDs: []string{"1"}}, {Seq: 1, Name: "Doing", Active: true, StatusIDs: []string{"3"}},
			{Seq: 2, Name: "Done", Active: true, StatusIDs: []string{"5"}}},
		WorkTypes: []store.WorkType{{Name: "Story", IssueTypeIDs: []string{"10001"}}}}
}

// What JIRA says goes on the page with the configured secrets masked.
func TestAddBoardMasksSecretsInJIRAErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	e.team("Payments", "payments")
	e.s.Secrets = []string{"canary-token-123"}
	e.s.Sources = &vsync.Syncer{Store: e.st, Tracker: failingTracker{}}
	_, body := e.get("/teams/payments/boards/new")
	got := text(doc(t, body).Find(`[data-testid="lookup-error"]`))
	if strings.Contains(body, "canary-token-123") || !strings.Contains(got, "JIRA refused the credentials") || !strings.Contains(got, "Check JIRA_EMAIL and JIRA_API_TOKEN") {
		t.Fatalf("page says %q", got)
	}
}

type failingTracker struct{ vsync.Tracker }

func (failingTracker) Boards(context.Context, string) ([]vsync.TrackerBoard, error) {
	return nil, errors.New("JIRA refused the credentials (check JIRA_EMAIL + JIRA_API_TOKEN, or JIRA_PAT) for demo:canary-token-123 (HTTP 401)")
}

// A viewer gets no JIRA look-ups from the add-a-board page: they would list
// every board the token sees and count the issues of any JQL the viewer
// writes, a window on JIRA beyond Vger's boards.
func TestAddBoardPageAsksJIRANothingForAViewer(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{sim: true})
	e.team("Payments", "payments")
	e.s.Access = proxyAccess("boss@example.com")
	for _, target := range []string{"/teams/payments/boards/new", "/teams/payments/boards/new?q=pay",
		"/teams/payments/boards/new?board=3&extra_jql=" + url.QueryEscape(`summary ~ "salary"`) + "&since=2024-01-01"} {
		res, body := e.withHeader(as("viewer@example.com")).get(target)
		d := doc(t, body)
		if res.StatusCode != http.StatusOK || !strings.Contains(text(d.Find(`[data-testid="not-configured"]`)), "Only editors add boards") ||
			d.Find(`[data-testid="jira-board"], [data-testid="estimate"], [data-testid="column-preview"]`).Length() != 0 {
			t.Fatalf("%s as a viewer: %d %s", target, res.StatusCode, text(d.Find("main")))
		}
	}
	_, body := e.withHeader(as("boss@example.com")).get("/teams/payments/boards/new?board=3&since=2024-01-01")
	if got := text(doc(t, body).Find(`[data-testid="estimate"]`)); !strings.HasPrefix(got, "First sync: JIRA counts about ") {
		t.Fatalf("an editor's estimate: %q", got)
	}
}
