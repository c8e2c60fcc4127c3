package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Bulk loading writes straight into the tables with COPY, without the
// upserts' merge: only for rows that are not stored yet (the benchmark
// database of internal/benchdata is built this way, 1M issues in minutes).
// Anything that may already exist goes through the sync's writes instead.

// LoadIssue is an issue to bulk-load, with every key it has had and the
// boards whose filter matches it.
type LoadIssue struct {
	JiraIssue
	Keys   []string // the current key first
	Boards []int64
}

var (
	loadIssueCols  = []string{"id", "key", "project", "type_id", "status_id", "resolution", "summary", "parent_id", "created_at", "updated_at", "resolved_at", "deleted_at"}
	loadKeyCols    = []string{"issue_id", "key"}
	loadMemberCols = []string{"board_id", "issue_id", "in_filter"}
	loadStatusCols = []string{"issue_id", "history_id", "item_seq", "at", "from_status_id", "to_status_id"}
	loadFlagCols   = []string{"issue_id", "history_id", "item_seq", "at", "flagged"}
)

// LoadIssues COPYs new issues with their histories, keys and board
// memberships in one transaction.
func (s *Store) LoadIssues(ctx context.Context, issues []LoadIssue) error {
	return pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL synchronous_commit = off`); err != nil {
			return err
		}
		i := 0
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"jira_issues"}, loadIssueCols, pgx.CopyFromFunc(func() ([]any, error) {
			if i == len(issues) {
				return nil, nil
			}
			is := &issues[i]
			i++
			var parent any
			if is.ParentID != 0 {
				parent = is.ParentID
			}
			return []any{is.ID, is.Key, is.Project, is.TypeID, is.StatusID, is.Resolution, is.Summary, parent,
				is.Created, is.Updated, is.ResolvedAt, is.DeletedAt}, nil
		})); err != nil {
			return fmt.Errorf("load jira_issues: %w", err)
		}
		var keys, members, changes, flags [][]any
		for k := range issues {
			is := &issues[k]
			for _, key := range is.Keys {
				keys = append(keys, []any{is.ID, key})
			}
			for _, b := range is.Boards {
				members = append(members, []any{b, is.ID, true})
			}
			for _, c := range is.StatusChanges {
				changes = append(changes, []any{is.ID, c.HistoryID, int16(c.ItemSeq), c.At, c.From, c.To})
			}
			for _, f := range is.FlagChanges {
				flags = append(flags, []any{is.ID, f.HistoryID, int16(f.ItemSeq), f.At, f.Flagged})
			}
		}
		for _, t := range []struct {
			table string
			cols  []string
			rows  [][]any
		}{{"jira_issue_keys", loadKeyCols, keys}, {"board_issues", loadMemberCols, members},
			{"jira_status_changes", loadStatusCols, changes}, {"jira_flag_changes", loadFlagCols, flags}} {
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.table}, t.cols, pgx.CopyFromRows(t.rows)); err != nil {
				return fmt.Errorf("load %s: %w", t.table, err)
			}
		}
		return nil
	})
}

var loadPRCols = []string{"repo_id", "number", "node_id", "author", "title", "state", "base_ref", "head_ref", "draft",
	"created_at", "updated_at", "closed_at", "merged_at", "additions", "deletions", "changed_files"}

// LoadPullRequests COPYs new pull requests of one repository.
func (s *Store) LoadPullRequests(ctx context.Context, repoID int64, prs []PullRequest) error {
	rows := make([][]any, len(prs))
	for i, p := range prs {
		rows[i] = []any{repoID, int32(p.Number), p.NodeID, p.Author, p.Title, p.State, p.BaseRef, p.HeadRef, p.Draft,
			p.CreatedAt, p.UpdatedAt, p.ClosedAt, p.MergedAt, intp(p.Additions), intp(p.Deletions), intp(p.ChangedFiles)}
	}
	return pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL synchronous_commit = off`); err != nil {
			return err
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"pull_requests"}, loadPRCols, pgx.CopyFromRows(rows))
		if err != nil {
			return fmt.Errorf("load pull_requests: %w", err)
		}
		return nil
	})
}

// Analyze refreshes the planner's statistics and the visibility map after a
// bulk load (what autovacuum would do a little later), so the first
// benchmark run sees the plans a settled database gets.
func (s *Store) Analyze(ctx context.Context) error {
	_, err := s.Pool.Exec(ctx, `VACUUM (ANALYZE)`)
	return err
}

// TableCounts counts the rows of the main tables (exact, for reports).
func (s *Store) TableCounts(ctx context.Context) (map[string]int64, error) {
	out := map[string]int64{}
	for _, t := range []string{"teams", "boards", "jira_issues", "jira_status_changes", "jira_flag_changes", "board_issues",
		"repos", "board_repos", "pull_requests", "tags", "board_issue_facts"} {
		var n int64
		if err := s.Pool.QueryRow(ctx, `SELECT count(*) FROM `+t).Scan(&n); err != nil {
			return nil, fmt.Errorf("count %s: %w", t, err)
		}
		out[t] = n
	}
	return out, nil
}

// MarkSynced records a successful sync of every board and repository at
// at, so pages say "data as of" after a bulk load.
func (s *Store) MarkSynced(ctx context.Context, at time.Time) error {
	_, err := s.Pool.Exec(ctx, `UPDATE sync_state SET last_ok_at = $1, watermark = $1, last_error = '', updated_at = $1`, at)
	return err
}

// BoardsWithoutCounts lists boards whose weekly counts are missing or of
// another version (their facts were rebuilt by an older binary).
func (s *Store) BoardsWithoutCounts(ctx context.Context) ([]int64, error) {
	rows, err := s.Pool.Query(ctx, `SELECT b.id FROM boards b LEFT JOIN board_aggregates a ON a.board_id = b.id
		WHERE a.version IS DISTINCT FROM $1 ORDER BY b.id`, WeeklyCountsVersion)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}
