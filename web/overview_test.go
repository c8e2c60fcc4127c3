package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vger-dev/vger/internal/store"
)

// The team page shows each board's freshness, the running sync's
// progress, and queues a sync with "refresh now".
func TestTeamOverviewRefreshAndProgress(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	b := seedBoard(t, e)
	ctx := context.Background()
	now := e.s.Now()
	sc := store.Scope{Kind: "board", BoardID: b.ID}
	e.st.RecordSyncResult(ctx, sc, now.Add(-2*time.Hour), "", nil)
	run, _ := e.st.StartRun(ctx, sc, false, now.Add(-time.Minute))
	total := int64(1200)
	e.st.UpdateRun(ctx, nil, run, store.Progress{Phase: "issues", Done: 350, Total: &total})

	_, body := e.get("/teams/payments")
	d := doc(t, body)
	row := d.Find(`[data-testid="board-row"]`)
	if got := text(row.Find(`[data-testid="board-as-of"]`)); got != "2 h ago (2026-11-02 07:00 UTC)" {
		t.Fatalf("as of %q", got)
	}
	if got := text(row.Find(`[data-testid="board-progress"]`)); got != "syncing: issues 350 of 1,200 syncing: issues 350 of 1,200" && got != "syncing: issues 350 of 1,200" {
		t.Fatalf("progress %q", got)
	}
	if v, _ := row.Find("progress").Attr("value"); v != "350" {
		t.Fatalf("progress bar %q", v)
	}
	if got := text(d.Find(`[data-testid="activity"]`)); !strings.HasPrefix(got, "1 sync is running.") {
		t.Fatalf("activity %q", got)
	}
	if _, ok := d.Find("body").Attr("data-refresh"); !ok {
		t.Fatal("a page with a running sync does not refresh itself")
	}
	e.st.FinishRun(ctx, run, "failed", "JIRA denied access (the account lacks permission) (HTTP 403)", nil, now)
	e.st.RecordSyncResult(ctx, sc, now, "JIRA denied access (the account lacks permission) (HTTP 403)", nil)

	action, _ := row.Find("form").Attr("action")
	back, _ := row.Find(`form input[name="back"]`).Attr("value")
	loc, body := e.postOK(action, url.Values{"back": {back}})
	if loc != "/teams/payments" || !e.hasJob("sync_board", b.ID, 0) {
		t.Fatalf("refresh: %s %+v", loc, e.queued())
	}
	d = doc(t, body)
	if got := text(d.Find(`[data-testid="flash"]`)); got != "Sync of Payments queued." {
		t.Fatalf("flash %q", got)
	}
	if got := text(d.Find(`[data-testid="board-queued"]`)); got != "sync queued" {
		t.Fatalf("queued %q", got)
	}
	if got := text(d.Find(`[data-testid="board-error"]`)); !strings.Contains(got, "JIRA denied access") || !strings.Contains(got, "grant it browse permission") {
		t.Fatalf("error %q", got)
	}
	// Refreshing twice queues one sync (River keeps one per board).
	e.postOK(action, url.Values{"back": {"https://evil.example/"}}) // a foreign return address goes to the board
	n := 0
	for _, j := range e.queued() {
		if j.Kind == "sync_board" {
			n++
		}
	}
	var jobs int
	e.st.Pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'sync_board'`).Scan(&jobs)
	if jobs != 1 {
		t.Fatalf("%d sync jobs", jobs)
	}
	log, _ := e.st.AuditLog(ctx, b.TeamID, 0, 5)
	if len(log) != 2 || log[0].Action != "board.refresh" {
		t.Fatalf("audit %+v", log)
	}
}

func TestDeleteBoard(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	b := seedBoard(t, e)
	del := "/teams/payments/boards/payments/delete"
	_, body := e.get(del)
	if got := text(doc(t, body).Find(`[data-testid="consequences"]`)); !strings.Contains(got, "5 issues synced from JIRA that no other board holds") {
		t.Fatalf("consequences %q", got)
	}
	res, body := e.post(del, url.Values{"confirm": {"nope"}})
	if res.StatusCode != http.StatusUnprocessableEntity || text(doc(t, body).Find(`[data-testid="error-confirm"]`)) != "Type the board's name, Payments, to confirm." {
		t.Fatalf("unconfirmed: %d", res.StatusCode)
	}
	loc, body := e.postOK(del, url.Values{"confirm": {"payments"}})
	if loc != "/teams/payments" || text(doc(t, body).Find(`[data-testid="flash"]`)) != "Board Payments deleted." {
		t.Fatalf("after delete %s", loc)
	}
	if res, _ := e.get(settingsURL); res.StatusCode != http.StatusNotFound {
		t.Fatalf("settings of a deleted board: %d", res.StatusCode)
	}
	var issues int
	e.st.Pool.QueryRow(context.Background(), `SELECT count(*) FROM jira_issues`).Scan(&issues)
	if issues != 0 {
		t.Fatalf("%d issues left", issues)
	}
	log, _ := e.st.AuditLog(context.Background(), b.TeamID, 0, 1)
	if log[0].Action != "board.delete" || !strings.Contains(string(log[0].Before), `"name":"Payments"`) {
		t.Fatalf("audit %s %s", log[0].Action, log[0].Before)
	}
}

func TestAuditPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	team := e.team("Payments", "payments")
	for i := 0; i < 105; i++ {
		e.st.AddAudit(context.Background(), store.AuditEntry{At: e.s.Now(), Actor: "ann@example.com", TeamID: team.ID, TeamName: "Payments", Action: "board.refresh", Summary: "asked for a sync now"})
	}
	_, body := e.get("/teams/payments/audit")
	d := doc(t, body)
	if d.Find(`[data-testid="audit-row"]`).Length() != 100 {
		t.Fatalf("%d rows", d.Find(`[data-testid="audit-row"]`).Length())
	}
	older, _ := d.Find(`[data-testid="audit-older"]`).Attr("href")
	_, body = e.get(older)
	if n := doc(t, body).Find(`[data-testid="audit-row"]`).Length(); n != 5 {
		t.Fatalf("older page: %d rows", n)
	}
	if res, body := e.get("/teams/payments/audit?before=x"); res.StatusCode != http.StatusBadRequest || text(doc(t, body).Find(`[data-testid="error-param"]`)) != "before" {
		t.Fatalf("bad before: %d", res.StatusCode)
	}
	_, body = e.get("/audit")
	if got := text(doc(t, body).Find(`[data-testid="audit-subject"]`).First()); got != "Payments" {
		t.Fatalf("every team's log names the team: %q", got)
	}
}
