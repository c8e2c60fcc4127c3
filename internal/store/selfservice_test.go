package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vger-dev/vger/internal/pgtest"
	"github.com/vger-dev/vger/internal/store"
)

var at = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func newBoard(t *testing.T, s *store.Store, teamID int64, slug string, jira int64) store.Board {
	t.Helper()
	b, err := s.CreateBoard(context.Background(), store.Board{TeamID: teamID, Name: slug, Slug: slug, JiraBoardID: jira,
		TimeZone: "UTC", DayMode: "working", LeadStart: 1, LeadEnd: 2, RollingWeeks: 12, FiscalYearStartMonth: 1,
		States:    []store.BoardState{{Seq: 0, Name: "To Do", StatusIDs: []string{"1"}}, {Seq: 1, Name: "Doing", StatusIDs: []string{"3"}}, {Seq: 2, Name: "Done", StatusIDs: []string{"5"}}},
		WorkTypes: []store.WorkType{{Name: "Story", IssueTypeIDs: []string{"10"}}}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeIssues(t *testing.T, s *store.Store, boardID int64, ids ...int64) {
	t.Helper()
	var issues []store.JiraIssue
	for _, id := range ids {
		issues = append(issues, store.JiraIssue{ID: id, Key: "K-1", Project: "K", TypeID: "10", StatusID: "3", Created: at, Updated: at,
			StatusChanges: []store.JiraStatusChange{{HistoryID: id * 10, At: at, From: "1", To: "3"}}})
	}
	ctx := context.Background()
	if err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		_, err := store.WriteJiraIssues(ctx, tx, boardID, issues)
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

func count(t *testing.T, s *store.Store, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := s.Pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Deleting a board removes its settings and derived data and the issues
// and repositories only it used, never another board's; deleting a team
// does the same for all its boards. Both are in the audit log.
func TestDeleteBoardAndTeamKeepOtherBoardsData(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := pgtest.Store(t)
	pay, _ := s.CreateTeam(ctx, "Payments", "payments")
	apps, _ := s.CreateTeam(ctx, "Apps", "apps")
	a := newBoard(t, s, pay.ID, "a", 1)
	b := newBoard(t, s, pay.ID, "b", 2)
	c := newBoard(t, s, apps.ID, "c", 3)
	writeIssues(t, s, a.ID, 1, 2) // 1 only on a
	writeIssues(t, s, b.ID, 2, 3) // 2 shared by a and b; 3 on b and c
	writeIssues(t, s, c.ID, 3, 4)
	who := store.AuditEntry{At: at, Actor: "alice@example.com"}
	link := func(bd store.Board, repo string) {
		w := who
		w.Action = "repo.link"
		if _, _, err := s.LinkRepoByName(ctx, bd, "acme", repo, w); err != nil {
			t.Fatal(err)
		}
	}
	link(a, "only-a")
	link(a, "shared")
	link(c, "shared")

	del := who
	del.Action = "board.delete"
	if err := s.DeleteBoard(ctx, a, del); err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, `SELECT count(*) FROM jira_issues`); n != 3 {
		t.Fatalf("after deleting board a: %d issues, want 3 (2, 3, 4)", n)
	}
	if n := count(t, s, `SELECT count(*) FROM jira_status_changes WHERE issue_id = 1`); n != 0 {
		t.Fatal("issue 1's history survived")
	}
	if n := count(t, s, `SELECT count(*) FROM repos`); n != 1 {
		t.Fatalf("%d repos, want the shared one", n)
	}
	if err := s.DeleteBoard(ctx, a, del); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}

	tdel := who
	tdel.Action = "team.delete"
	tdel.TeamName = "Payments"
	if err := s.DeleteTeam(ctx, pay.ID, tdel); err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, `SELECT count(*) FROM jira_issues`); n != 2 {
		t.Fatalf("after deleting team payments: %d issues, want 2 (3 and 4, on board c)", n)
	}
	if n := count(t, s, `SELECT count(*) FROM board_issues WHERE board_id = $1`, c.ID); n != 2 {
		t.Fatalf("board c lost issues: %d", n)
	}
	log, err := s.AuditLog(ctx, 0, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range log {
		actions = append(actions, e.Action+":"+e.TeamName+"/"+e.BoardName)
	}
	want := []string{"team.delete:Payments/", "board.delete:Payments/a", "repo.link:Apps/c", "repo.link:Payments/a", "repo.link:Payments/a"}
	if len(actions) != len(want) {
		t.Fatalf("audit %q", actions)
	}
	for i := range want {
		if actions[i] != want[i] {
			t.Fatalf("audit %q, want %q", actions, want)
		}
	}
	if n, err := s.AuditLog(ctx, apps.ID, 0, 10); err != nil || len(n) != 1 {
		t.Fatalf("apps' log: %v %v", n, err)
	}
}

// A save names the version it edited: a concurrent save is refused.
func TestUpdateBoardRefusesStaleVersion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := pgtest.Store(t)
	team, _ := s.CreateTeam(ctx, "Payments", "payments")
	b := newBoard(t, s, team.ID, "a", 1)
	read, err := s.BoardBySlug(ctx, team.ID, "a")
	if err != nil || read.UpdatedAt != b.UpdatedAt {
		t.Fatalf("read %v %v", read.UpdatedAt, err)
	}
	first := read
	first.Name = "First"
	first.States[1].StatusIDs = append(first.States[1].StatusIDs, "4")
	audit := store.AuditEntry{At: at, Actor: "a@x", Action: "board.settings", Before: json.RawMessage(`{"a":1}`), After: json.RawMessage(`{"a":2}`)}
	saved, err := s.UpdateBoard(ctx, first, audit)
	if err != nil {
		t.Fatal(err)
	}
	if !saved.UpdatedAt.After(read.UpdatedAt) {
		t.Fatal("version did not move")
	}
	second := read
	second.Name = "Second"
	if _, err := s.UpdateBoard(ctx, second, audit); !errors.Is(err, store.ErrStale) {
		t.Fatalf("stale save: %v", err)
	}
	got, _ := s.BoardBySlug(ctx, team.ID, "a")
	if got.Name != "First" || len(got.States[1].StatusIDs) != 2 {
		t.Fatalf("saved %+v", got)
	}
	log, _ := s.AuditLog(ctx, team.ID, 0, 10)
	if len(log) != 1 || string(log[0].After) != `{"a":2}` || log[0].BoardName != "First" {
		t.Fatalf("audit %+v", log)
	}
	ghost := got
	ghost.ID = 999
	if _, err := s.UpdateBoard(ctx, ghost, audit); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing board: %v", err)
	}
}

func TestRenameTeam(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := pgtest.Store(t)
	a, _ := s.CreateTeamAudited(ctx, "Payments", "payments", store.AuditEntry{At: at, Actor: "x@y", Action: "team.create"})
	s.CreateTeam(ctx, "Apps", "apps")
	e := store.AuditEntry{At: at, Actor: "x@y", Action: "team.rename"}
	if _, err := s.RenameTeam(ctx, a.ID, "Checkout", "apps", e); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("taken slug: %v", err)
	}
	if _, err := s.RenameTeam(ctx, a.ID, "Checkout", "checkout", e); err != nil {
		t.Fatal(err)
	}
	if got, err := s.TeamBySlug(ctx, "checkout"); err != nil || got.Name != "Checkout" {
		t.Fatalf("%+v %v", got, err)
	}
	if log, _ := s.AuditLog(ctx, a.ID, 0, 10); len(log) != 2 || log[0].TeamName != "Checkout" || log[1].Action != "team.create" {
		t.Fatalf("audit %+v", log)
	}
}
