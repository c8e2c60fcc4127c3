package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// JiraStatus is a stored JIRA status.
type JiraStatus struct {
	ID, Name, Category string
}

// JiraIssueType is a stored JIRA issue type.
type JiraIssueType struct {
	ID, Name       string
	Subtask        bool
	HierarchyLevel int
}

// JiraIssue is an issue as stored, with its histories.
type JiraIssue struct {
	ID         int64
	Key        string
	Project    string
	TypeID     string
	StatusID   string
	Resolution string
	Summary    string
	ParentID   int64 // 0: none
	Created    time.Time
	Updated    time.Time
	ResolvedAt *time.Time
	DeletedAt  *time.Time

	StatusChanges []JiraStatusChange
	FlagChanges   []JiraFlagChange
}

// JiraStatusChange is one stored status item.
type JiraStatusChange struct {
	HistoryID int64
	ItemSeq   int
	At        time.Time
	From, To  string
}

// JiraFlagChange is one stored Flagged item.
type JiraFlagChange struct {
	HistoryID int64
	ItemSeq   int
	At        time.Time
	Flagged   bool
}

// WriteCounts says how many rows a write inserted or changed.
type WriteCounts struct {
	Issues, StatusChanges, FlagChanges, Deleted, KeyChanges, Memberships int64
	PullRequests, Tags                                                   int64
}

// Add sums counts.
func (w *WriteCounts) Add(o WriteCounts) {
	w.Issues += o.Issues
	w.StatusChanges += o.StatusChanges
	w.FlagChanges += o.FlagChanges
	w.Deleted += o.Deleted
	w.KeyChanges += o.KeyChanges
	w.Memberships += o.Memberships
	w.PullRequests += o.PullRequests
	w.Tags += o.Tags
}

// UpsertJiraStatuses stores statuses (idempotent).
func (s *Store) UpsertJiraStatuses(ctx context.Context, sts []JiraStatus) (int64, error) {
	rows := make([][]any, len(sts))
	for i, st := range sts {
		rows[i] = []any{st.ID, st.Name, st.Category}
	}
	var n int64
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) (err error) {
		n, err = upsert(ctx, tx, upsertSpec{table: "jira_statuses", cols: []string{"id", "name", "category"}, key: []string{"id"}}, rows)
		return err
	})
	return n, err
}

// UpsertJiraIssueTypes stores issue types (idempotent).
func (s *Store) UpsertJiraIssueTypes(ctx context.Context, ts []JiraIssueType) (int64, error) {
	rows := make([][]any, len(ts))
	for i, t := range ts {
		rows[i] = []any{t.ID, t.Name, t.Subtask, int32(t.HierarchyLevel)}
	}
	var n int64
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) (err error) {
		n, err = upsert(ctx, tx, upsertSpec{table: "jira_issue_types", cols: []string{"id", "name", "subtask", "hierarchy_level"}, key: []string{"id"}}, rows)
		return err
	})
	return n, err
}

// WriteJiraIssues stores a page of issues with their complete histories in
// tx: new and changed issues and history items are written, items no longer
// in an issue's history are removed, keys seen are recorded, and every
// issue becomes a member of boardID. Issues already stored that did not
// change cost no write.
func WriteJiraIssues(ctx context.Context, tx pgx.Tx, boardID int64, issues []JiraIssue) (WriteCounts, error) {
	var wc WriteCounts
	if len(issues) == 0 {
		return wc, nil
	}
	// A page may carry an issue twice (shifted between pages): the last wins.
	last := map[int64]int{}
	for i, is := range issues {
		last[is.ID] = i
	}
	var issueRows, keyRows, memberRows, scRows, fcRows [][]any
	ids := make([]int64, 0, len(last))
	for i, is := range issues {
		if last[is.ID] != i {
			continue
		}
		ids = append(ids, is.ID)
		var parent any
		if is.ParentID != 0 {
			parent = is.ParentID
		}
		issueRows = append(issueRows, []any{is.ID, is.Key, is.Project, is.TypeID, is.StatusID, is.Resolution,
			is.Summary, parent, is.Created, is.Updated, is.ResolvedAt, nil})
		keyRows = append(keyRows, []any{is.ID, is.Key})
		if boardID != 0 {
			memberRows = append(memberRows, []any{boardID, is.ID, true})
		}
		for _, c := range is.StatusChanges {
			scRows = append(scRows, []any{is.ID, c.HistoryID, int16(c.ItemSeq), c.At, c.From, c.To})
		}
		for _, f := range is.FlagChanges {
			fcRows = append(fcRows, []any{is.ID, f.HistoryID, int16(f.ItemSeq), f.At, f.Flagged})
		}
	}
	var err error
	// An issue seen again is not deleted (deleted_at back to NULL).
	if wc.Issues, err = upsert(ctx, tx, upsertSpec{table: "jira_issues",
		cols: []string{"id", "key", "project", "type_id", "status_id", "resolution", "summary", "parent_id", "created_at", "updated_at", "resolved_at", "deleted_at"},
		key:  []string{"id"}}, issueRows); err != nil {
		return wc, err
	}
	if wc.KeyChanges, err = upsert(ctx, tx, upsertSpec{table: "jira_issue_keys", cols: []string{"issue_id", "key"}, key: []string{"issue_id", "key"}}, keyRows); err != nil {
		return wc, err
	}
	if wc.Memberships, err = upsert(ctx, tx, upsertSpec{table: "board_issues", cols: []string{"board_id", "issue_id", "in_filter"}, key: []string{"board_id", "issue_id"}}, memberRows); err != nil {
		return wc, err
	}
	if wc.StatusChanges, err = upsert(ctx, tx, upsertSpec{table: "jira_status_changes",
		cols: []string{"issue_id", "history_id", "item_seq", "at", "from_status_id", "to_status_id"},
		key:  []string{"issue_id", "history_id", "item_seq"}}, scRows); err != nil {
		return wc, err
	}
	if wc.FlagChanges, err = upsert(ctx, tx, upsertSpec{table: "jira_flag_changes",
		cols: []string{"issue_id", "history_id", "item_seq", "at", "flagged"},
		key:  []string{"issue_id", "history_id", "item_seq"}}, fcRows); err != nil {
		return wc, err
	}
	// Histories are complete, so items stored but no longer sent are gone
	// from JIRA (rare: a history repaired by an admin).
	if wc.Deleted, err = prune(ctx, tx, "jira_status_changes", ids, scRows); err != nil {
		return wc, err
	}
	n, err := prune(ctx, tx, "jira_flag_changes", ids, fcRows)
	wc.Deleted += n
	return wc, err
}

// prune deletes history items of ids whose key (issue, history, item) is
// not among rows (whose first three values are that key).
func prune(ctx context.Context, tx pgx.Tx, table string, ids []int64, rows [][]any) (int64, error) {
	iss := make([]int64, len(rows))
	hs := make([]int64, len(rows))
	seqs := make([]int16, len(rows))
	for i, r := range rows {
		iss[i], hs[i], seqs[i] = r[0].(int64), r[1].(int64), r[2].(int16)
	}
	tag, err := tx.Exec(ctx, fmt.Sprintf(`DELETE FROM %s h WHERE h.issue_id = ANY($1)
		AND (h.issue_id, h.history_id, h.item_seq) NOT IN (SELECT * FROM unnest($2::bigint[], $3::bigint[], $4::smallint[]))`, table),
		ids, iss, hs, seqs)
	if err != nil {
		return 0, fmt.Errorf("prune %s: %w", table, err)
	}
	return tag.RowsAffected(), nil
}

// JiraStatuses lists stored statuses by id.
func (s *Store) JiraStatuses(ctx context.Context) ([]JiraStatus, error) {
	rows, err := s.Pool.Query(ctx, `SELECT id, name, category FROM jira_statuses ORDER BY id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (JiraStatus, error) {
		var st JiraStatus
		return st, r.Scan(&st.ID, &st.Name, &st.Category)
	})
}

// JiraIssueTypes lists stored issue types by id.
func (s *Store) JiraIssueTypes(ctx context.Context) ([]JiraIssueType, error) {
	rows, err := s.Pool.Query(ctx, `SELECT id, name, subtask, hierarchy_level FROM jira_issue_types ORDER BY id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (JiraIssueType, error) {
		var t JiraIssueType
		return t, r.Scan(&t.ID, &t.Name, &t.Subtask, &t.HierarchyLevel)
	})
}
