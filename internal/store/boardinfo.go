package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// StatusUsage is a JIRA status as a board sees it: whether a column maps
// it, and how many of the board's live issues are in it now or ever were.
type StatusUsage struct {
	ID, Name, Category string
	Mapped             bool
	Current            int64 // issues in this status now
	Touched            int64 // issues that were ever in it (now included)
}

// BoardStatusUsage lists the statuses a board maps or its issues have
// used, by name; unmapped ones are those the mapping should consider.
func (s *Store) BoardStatusUsage(ctx context.Context, boardID int64) ([]StatusUsage, error) {
	rows, err := s.Pool.Query(ctx, `
		WITH live AS (
			SELECT i.id, i.status_id FROM board_issues bi JOIN jira_issues i ON i.id = bi.issue_id
			WHERE bi.board_id = $1 AND bi.in_filter AND i.deleted_at IS NULL),
		touched AS (
			SELECT id AS issue_id, status_id FROM live
			UNION SELECT c.issue_id, c.to_status_id FROM jira_status_changes c JOIN live ON live.id = c.issue_id
			UNION SELECT c.issue_id, c.from_status_id FROM jira_status_changes c JOIN live ON live.id = c.issue_id WHERE c.from_status_id <> ''),
		used AS (
			SELECT status_id, count(*) AS n FROM touched GROUP BY status_id),
		cur AS (
			SELECT status_id, count(*) AS n FROM live GROUP BY status_id),
		ids AS (
			SELECT status_id FROM used UNION SELECT status_id FROM board_status_map WHERE board_id = $1)
		SELECT ids.status_id, coalesce(st.name, ''), coalesce(st.category, 'undefined'),
		       EXISTS (SELECT 1 FROM board_status_map m WHERE m.board_id = $1 AND m.status_id = ids.status_id),
		       coalesce(cur.n, 0), coalesce(used.n, 0)
		FROM ids LEFT JOIN jira_statuses st ON st.id = ids.status_id
		LEFT JOIN used ON used.status_id = ids.status_id LEFT JOIN cur ON cur.status_id = ids.status_id
		ORDER BY lower(coalesce(st.name, ids.status_id)), ids.status_id`, boardID)
	if err != nil {
		return nil, fmt.Errorf("board %d statuses: %w", boardID, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (StatusUsage, error) {
		var u StatusUsage
		return u, r.Scan(&u.ID, &u.Name, &u.Category, &u.Mapped, &u.Current, &u.Touched)
	})
}

// IssueTypeUsage is an issue type with how many of a board's live issues
// have it.
type IssueTypeUsage struct {
	ID, Name string
	Subtask  bool
	Issues   int64
}

// BoardIssueTypeUsage lists the issue types for a board's work-type
// editor: those its issues have, with counts, and every other type of the
// catalog (count 0), so a work type can name a type before its first issue.
func (s *Store) BoardIssueTypeUsage(ctx context.Context, boardID int64) ([]IssueTypeUsage, error) {
	rows, err := s.Pool.Query(ctx, `
		WITH used AS (
			SELECT i.type_id, count(*) AS n FROM board_issues bi JOIN jira_issues i ON i.id = bi.issue_id
			WHERE bi.board_id = $1 AND bi.in_filter AND i.deleted_at IS NULL GROUP BY i.type_id),
		ids AS (
			SELECT type_id AS id FROM used UNION SELECT id FROM jira_issue_types
			UNION SELECT unnest(issue_type_ids) FROM work_types WHERE board_id = $1)
		SELECT ids.id, coalesce(t.name, ''), coalesce(t.subtask, false), coalesce(used.n, 0)
		FROM ids LEFT JOIN jira_issue_types t ON t.id = ids.id LEFT JOIN used ON used.type_id = ids.id
		ORDER BY coalesce(t.subtask, false), lower(coalesce(t.name, ids.id)), ids.id`, boardID)
	if err != nil {
		return nil, fmt.Errorf("board %d issue types: %w", boardID, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (IssueTypeUsage, error) {
		var u IssueTypeUsage
		return u, r.Scan(&u.ID, &u.Name, &u.Subtask, &u.Issues)
	})
}

// Job is a queued, running or recently finished background job of a board
// or repository, as read from River's table.
type Job struct {
	ID          int64
	Kind        string // sync_board, rebuild_facts, sync_repo
	BoardID     int64
	RepoID      int64
	State       string // River's: available, scheduled, running, retryable, completed, discarded, cancelled, pending
	Attempt     int
	CreatedAt   time.Time
	FinalizedAt *time.Time
	LastError   string
}

// Active reports whether the job is still to run or running.
func (j Job) Active() bool {
	switch j.State {
	case "available", "scheduled", "running", "retryable", "pending":
		return true
	}
	return false
}

// LatestJobs returns, per kind and board (or repository), the newest job
// River still remembers (it prunes finished jobs after a day).
func (s *Store) LatestJobs(ctx context.Context) ([]Job, error) {
	rows, err := s.Pool.Query(ctx, `
		SELECT DISTINCT ON (kind, coalesce(args->>'board_id', ''), coalesce(args->>'repo_id', ''))
		       id, kind, coalesce((args->>'board_id')::bigint, 0), coalesce((args->>'repo_id')::bigint, 0),
		       state::text, attempt, created_at, finalized_at, errors
		FROM river_job WHERE kind IN ('sync_board', 'rebuild_facts', 'sync_repo')
		ORDER BY kind, coalesce(args->>'board_id', ''), coalesce(args->>'repo_id', ''), id DESC`)
	if err != nil {
		return nil, fmt.Errorf("latest jobs: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Job, error) {
		var j Job
		var errs []json.RawMessage
		if err := r.Scan(&j.ID, &j.Kind, &j.BoardID, &j.RepoID, &j.State, &j.Attempt, &j.CreatedAt, &j.FinalizedAt, &errs); err != nil {
			return j, err
		}
		if len(errs) > 0 {
			var last struct {
				Error string `json:"error"`
			}
			if json.Unmarshal(errs[len(errs)-1], &last) == nil {
				j.LastError = last.Error
			}
		}
		return j, nil
	})
}
