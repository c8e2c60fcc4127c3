package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vger-dev/vger/internal/pgtest"
	"github.com/vger-dev/vger/internal/store"
)

func sampleIssues() []store.JiraIssue {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	return []store.JiraIssue{
		{ID: 10001, Key: "PAY-1", Project: "PAY", TypeID: "1", StatusID: "3", Summary: "First", Created: t0, Updated: t0.Add(48 * time.Hour),
			StatusChanges: []store.JiraStatusChange{
				{HistoryID: 1, ItemSeq: 0, At: t0.Add(time.Hour), From: "1", To: "2"},
				{HistoryID: 2, ItemSeq: 1, At: t0.Add(47 * time.Hour), From: "2", To: "3"},
			},
			FlagChanges: []store.JiraFlagChange{{HistoryID: 5, ItemSeq: 0, At: t0.Add(2 * time.Hour), Flagged: true}},
		},
		{ID: 10002, Key: "PAY-2", Project: "PAY", TypeID: "2", StatusID: "1", Created: t0, Updated: t0, ParentID: 10001},
	}
}

func writePage(t *testing.T, s *store.Store, boardID int64, issues []store.JiraIssue) store.WriteCounts {
	t.Helper()
	var wc store.WriteCounts
	err := pgx.BeginFunc(context.Background(), s.Pool, func(tx pgx.Tx) (err error) {
		wc, err = store.WriteJiraIssues(context.Background(), tx, boardID, issues)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return wc
}

func TestWriteJiraIssuesIsIdempotent(t *testing.T) {
	t.Parallel()
	s := pgtest.Store(t)
	ctx := context.Background()
	var boardID int64
	if err := s.Pool.QueryRow(ctx, `WITH t AS (INSERT INTO teams (name, slug) VALUES ('T','t') RETURNING id)
		INSERT INTO boards (team_id, name, slug, jira_board_id) SELECT id, 'B', 'b', 1 FROM t RETURNING id`).Scan(&boardID); err != nil {
		t.Fatal(err)
	}
	first := writePage(t, s, boardID, sampleIssues())
	want := store.WriteCounts{Issues: 2, StatusChanges: 2, FlagChanges: 1, KeyChanges: 2, Memberships: 2}
	if first != want {
		t.Fatalf("first write %+v, want %+v", first, want)
	}
	if again := writePage(t, s, boardID, sampleIssues()); again != (store.WriteCounts{}) {
		t.Fatalf("second write of the same page changed rows: %+v", again)
	}
	// PAY-1 moves to project OPS (key change), and its second history item
	// disappears; PAY-2 is unchanged.
	changed := sampleIssues()
	changed[0].Key, changed[0].Project = "OPS-7", "OPS"
	changed[0].StatusChanges = changed[0].StatusChanges[:1]
	got := writePage(t, s, boardID, changed)
	if got != (store.WriteCounts{Issues: 1, KeyChanges: 1, Deleted: 1}) {
		t.Fatalf("change write %+v", got)
	}
	var keys []string
	rows, _ := s.Pool.Query(ctx, `SELECT key FROM jira_issue_keys WHERE issue_id = 10001 ORDER BY key`)
	keys, _ = pgx.CollectRows(rows, pgx.RowTo[string])
	if len(keys) != 2 || keys[0] != "OPS-7" || keys[1] != "PAY-1" {
		t.Fatalf("keys %v", keys)
	}
	var parent int64
	var resolvedNull bool
	s.Pool.QueryRow(ctx, `SELECT parent_id, resolved_at IS NULL FROM jira_issues WHERE id = 10002`).Scan(&parent, &resolvedNull)
	if parent != 10001 || !resolvedNull {
		t.Fatalf("parent %d resolved null %v", parent, resolvedNull)
	}
}

func TestUpsertStatusesAndTypes(t *testing.T) {
	t.Parallel()
	s := pgtest.Store(t)
	ctx := context.Background()
	sts := []store.JiraStatus{{ID: "1", Name: "Open", Category: "new"}, {ID: "3", Name: "Done", Category: "done"}}
	if n, err := s.UpsertJiraStatuses(ctx, sts); err != nil || n != 2 {
		t.Fatalf("%d %v", n, err)
	}
	if n, err := s.UpsertJiraStatuses(ctx, sts); err != nil || n != 0 {
		t.Fatalf("again: %d %v", n, err)
	}
	sts[1].Name = "Closed"
	if n, err := s.UpsertJiraStatuses(ctx, sts); err != nil || n != 1 {
		t.Fatalf("rename: %d %v", n, err)
	}
	types := []store.JiraIssueType{{ID: "1", Name: "Story"}, {ID: "5", Name: "Sub-task", Subtask: true, HierarchyLevel: -1}}
	if n, err := s.UpsertJiraIssueTypes(ctx, types); err != nil || n != 2 {
		t.Fatalf("%d %v", n, err)
	}
}
